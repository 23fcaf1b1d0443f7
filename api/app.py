"""The FastAPI application: settings, the engine's lifespan, CORS, the routers.

Routers stay thin and reach the store only through `api.engine.Engine` (one per app), so the
rules that keep queries safe (worker processes, deadlines, row caps) hold for every route.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response

from api import sparql
from api.engine import Engine
from api.factcheck_sync import FactcheckSync
from api.routes import (
    articles,
    claims,
    conflicts,
    dataset,
    entities,
    factchecks,
    linked_data,
    matches,
    quantities,
    search,
    ui,
)
from kg import __version__
from kg.errors import ClaimgraphError, http_status
from kg.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app over `settings.store` (default: `Settings.from_env()`); the store opens at startup.

    The lifespan opens the store read-write, makes its first checkpoint and starts the query
    workers before the first request; shutdown stops the workers and closes the store.
    """
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = Engine(settings)
        app.state.engine = engine
        await engine.start()
        scheduled = FactcheckSync(engine) if settings.factcheck_sync_minutes > 0 else None
        app.state.factcheck_sync = scheduled
        if scheduled is not None:
            scheduled.start()
        try:
            yield
        finally:
            if scheduled is not None:
                await scheduled.stop()
            await engine.stop()

    app = FastAPI(
        title="claimgraph",
        version=__version__,
        summary="A claims knowledge graph for the news: who said what, about whom.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type", "Authorization"],
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        """FastAPI's own 422 echoes the input as UTF-8, which an unpaired surrogate escape
        ("\\ud800": JSON allows it, pydantic refuses it) cannot be: the client got a 500.
        JSON's own escapes carry any input back."""
        body = json.dumps({"detail": jsonable_encoder(exc.errors())}, ensure_ascii=True)
        return Response(body, status_code=422, media_type="application/json")

    @app.exception_handler(ClaimgraphError)
    async def claimgraph_error(request: Request, exc: ClaimgraphError) -> JSONResponse:
        """An error claimgraph words for the user, with its status from kg.errors.CODES: a
        store that cannot do it (full disk, read-only, server gone) is a 503 or 507, not a
        500; a failed extraction step is still a 500, but one that names the step and the
        exception, which a bare "Internal Server Error" would hide."""
        return JSONResponse({"detail": str(exc)}, status_code=http_status(exc))

    app.include_router(sparql.router)
    app.include_router(ui.router)
    app.include_router(articles.router)
    app.include_router(claims.router)
    app.include_router(entities.router)
    app.include_router(quantities.router)
    app.include_router(matches.router)  # before /factchecks/{…} routes, should any come
    app.include_router(factchecks.router)
    app.include_router(conflicts.router)
    app.include_router(search.router)
    app.include_router(linked_data.router)
    app.include_router(dataset.router)
    app.include_router(linked_data.resource_router(settings))
    app.mount("/static", ui.static_files(), name="static")
    return app
