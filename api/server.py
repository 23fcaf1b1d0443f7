"""`claimgraph serve`: the API under uvicorn, in one process that alone writes the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import uvicorn

from api.app import create_app
from kg.settings import Settings
from kg.store.opening import StoreConfig, config_of


def serve(store: StoreConfig, host: str, port: int, query_timeout: float, **settings: Any) -> None:
    """Run the API until interrupted; `settings` are further `Settings` fields (row_cap, …).

    One uvicorn worker on purpose: the server process holds the store's read-write lock, and
    concurrency comes from the query worker processes, not from more servers.
    """
    if store.endpoints is not None:
        e = store.endpoints
        settings |= {
            "sparql_endpoint": e.query,
            "update_endpoint": e.update,
            "graph_store": e.graph_store,
            "sparql_user": e.user,
            "sparql_password": e.password,
        }
    config = Settings.from_env(store=store.path, query_timeout=query_timeout, **settings)
    uvicorn.run(create_app(config), host=host, port=port, workers=1, log_level="info")


def main() -> None:
    """`python -m api.server [STORE] [PORT]`: for tests and local runs without the CLI."""
    import sys

    store = Path(sys.argv[1]) if len(sys.argv) > 1 else Settings.from_env().store
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
    config = Settings.from_env(store=store)
    serve(config_of(config), "127.0.0.1", port, config.query_timeout)


if __name__ == "__main__":
    main()
