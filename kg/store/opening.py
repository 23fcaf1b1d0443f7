"""Where the graph lives, and opening it: a directory on disk (`kg.store.embedded`) or any
SPARQL 1.1 server (`kg.store.remote`), with the search index beside either.

The one place that knows both backends, so that neither imports the other and the CLI and
the API open a store the same way from the same `Settings`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.settings import Settings, default_store_path
from kg.store.embedded import ClaimStore, open_for_reading
from kg.store.graphstore import GraphStore

if TYPE_CHECKING:
    from kg.search import TextIndex
    from kg.store.remote import Endpoints

__all__ = ["StoreConfig", "config_of", "endpoints_of", "open_store"]


@dataclass(frozen=True)
class StoreConfig:
    """Where the graph lives: a directory on disk, or a SPARQL server's endpoints."""

    path: Path | None = None
    endpoints: Endpoints | None = None

    @property
    def remote(self) -> bool:
        return self.endpoints is not None

    def beside(self, suffix: str) -> Path:
        """A file claimgraph keeps beside the store: the bulk journal and its failures, the
        match cache, the fact-check sources, the search index. A server's files go beside
        the default store's directory (which then holds no graph), one name per endpoint,
        so two servers never share them."""
        path = self.path or default_store_path()
        if self.endpoints is None:
            return Path(f"{path}{suffix}")
        digest = hashlib.sha256(self.endpoints.query.encode("utf-8")).hexdigest()[:12]
        return path.parent / f"sparql-{digest}{suffix}"

    def text_index(self) -> TextIndex | None:
        """The search index of this store (None for a store in memory)."""
        from kg.search import TextIndex, store_identity

        if self.path is None and self.endpoints is None:
            return None
        endpoint = self.endpoints.query if self.endpoints is not None else None
        identity = store_identity(self.path, endpoint)
        return TextIndex(self.beside(".search.sqlite"), identity)

    def describe(self) -> str:
        if self.endpoints is not None:
            return self.endpoints.query
        return str(self.path) if self.path is not None else "memory"


def open_store(config: StoreConfig, *, read_only: bool = False) -> GraphStore:
    """The store `config` names: embedded at `path`, or a SPARQL server.

    `read_only` is for commands that only read: they then work on a store this process may
    not write (kg.store.embedded.open_for_reading), and a server refuses their updates.
    """
    store: GraphStore
    if config.endpoints is not None:
        from kg.store.remote import RemoteStore

        store = RemoteStore(config.endpoints, read_only=read_only)
    else:
        if read_only and config.path is not None:
            store = open_for_reading(config.path)
        else:
            store = ClaimStore(config.path, read_only=read_only)
    store.index = config.text_index()  # after opening: a new store's IDENTITY exists now
    return store


def endpoints_of(settings: Settings) -> Endpoints | None:
    """The SPARQL server the settings name, if the graph lives on one; the API waits for it
    as long as its query deadline, and at least 60 s."""
    if not settings.sparql_endpoint:
        return None
    from kg.store.remote import Endpoints  # imports httpx: only when a server is configured

    return Endpoints(
        query=settings.sparql_endpoint,
        update=settings.update_endpoint,
        graph_store=settings.graph_store,
        user=settings.sparql_user,
        password=settings.sparql_password,
        timeout=max(settings.query_timeout, 60.0),
        base=settings.base_iri,
    )


def config_of(settings: Settings) -> StoreConfig:
    """Where the settings say the API's graph lives: the store directory, or the server."""
    return StoreConfig(settings.store, endpoints_of(settings))
