"""`claimgraph serve`: the API over the store."""

from __future__ import annotations

from typing import Annotated

import typer

from kg.cli.common import _settings, app, current, guarded, open_store
from kg.errors import InputError


@app.command()
@guarded
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    query_timeout: Annotated[
        float | None,
        typer.Option(
            "--query-timeout",
            help="Seconds a SPARQL query may run (default: $CLAIMGRAPH_QUERY_TIMEOUT, else 10).",
        ),
    ] = None,
) -> None:
    """Serve the store over HTTP: SPARQL endpoint, linked data, REST and the query page.

    Further settings (row cap, write token, CORS, query workers, the fact-check sync's
    schedule) come from CLAIMGRAPH_* environment variables; see kg/settings.py.
    """
    from api.server import serve as run_server

    timeout: float = _settings(query_timeout=query_timeout)["query_timeout"]

    if timeout <= 0:
        raise InputError("--query-timeout must be a positive number of seconds")
    with open_store():  # a store that cannot open says why here, not in a traceback
        pass
    run_server(current().config, host, port, timeout, base_iri=current().base)
