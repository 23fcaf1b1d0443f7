"""What a request handler is given: the engine, and the writer's check.

FastAPI's dependencies, in one place (as the FastAPI template's `api/deps.py`): a handler
names `EngineDep` or `Writer` in its signature and never reaches into `app.state` itself.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from api.engine import Engine


def get_engine(request: Request) -> Engine:
    """FastAPI dependency: the engine `create_app` started in its lifespan."""
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def require_writer(request: Request, engine: EngineDep) -> None:
    """Bearer-token check for write endpoints: 401 without a token, 403 with a wrong one.

    With no `CLAIMGRAPH_WRITE_TOKEN` configured every write is refused (403): a server is
    read-only unless its operator chose otherwise.
    """
    expected = engine.settings.write_token
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header or scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            401,
            "this endpoint writes to the graph: send `Authorization: Bearer <token>`",
            headers={"WWW-Authenticate": 'Bearer realm="claimgraph"'},
        )
    if not expected:
        raise HTTPException(403, "writes are disabled on this server (no write token is set)")
    if not secrets.compare_digest(token.strip().encode(), expected.encode()):
        raise HTTPException(403, "the write token is not valid")


Writer = Annotated[None, Depends(require_writer)]
