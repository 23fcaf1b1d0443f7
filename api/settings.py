"""The API's settings: one frozen object, read from `CLAIMGRAPH_*` environment variables.

pydantic-settings is not a dependency, so this is a plain dataclass (the habit of the
FastAPI full-stack template's `core/config.py`, without the library). Every setting is
documented here and nowhere else:

| Variable | Default | Meaning |
|---|---|---|
| `CLAIMGRAPH_STORE` | `.claimgraph/store` | the store directory (the server opens it read-write) |
| `CLAIMGRAPH_BASE_IRI` | `https://claimgraph.org/id/` | base of the IRIs the graph mints |
| `CLAIMGRAPH_QUERY_TIMEOUT` | `10` | seconds a query may take, queueing included |
| `CLAIMGRAPH_ROW_CAP` | `10000` | most rows (or triples) a result may have |
| `CLAIMGRAPH_MAX_REQUEST_BYTES` | `1048576` | largest query request body (or query string) |
| `CLAIMGRAPH_WRITE_TOKEN` | unset | bearer token for write endpoints; unset = writes off |
| `CLAIMGRAPH_CORS_ORIGINS` | empty | comma-separated origins allowed by CORS (`*` = any) |
| `CLAIMGRAPH_QUERY_WORKERS` | `2` | query worker processes (concurrent queries) |
| `CLAIMGRAPH_SPARQL_ENDPOINT` | unset | a SPARQL 1.1 server's query URL (the graph lives there) |
| `CLAIMGRAPH_UPDATE_ENDPOINT` | the query URL | that server's update URL |
| `CLAIMGRAPH_GRAPH_STORE` | unset | that server's Graph Store Protocol URL (whole-graph reads) |
| `CLAIMGRAPH_SPARQL_USER` | unset | account on that server (Basic or Digest, as it asks) |
| `CLAIMGRAPH_SPARQL_PASSWORD` | unset | its password |
| `CLAIMGRAPH_FACTCHECK_SYNC_MINUTES` | `0` (off) | minutes between fact-check syncs; 0 = never |

With a SPARQL server, `STORE` still names where the server keeps its own files (the
fact-check embedding cache); queries go to the server with the same deadline, row cap and
refusals (SERVICE, LOAD, updates) as on the embedded store.

`FACTCHECK_SYNC_MINUTES` above 0 makes the server sync the fact-check sources that
`claimgraph factcheck source add` configured for this store: the first sync at start-up,
then every so many minutes, one at a time, in the background (`api.factcheck_sync`); the
server makes no other outbound request. API keys come from the variables the sources name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from kg.graphstore import StoreConfig
from kg.mapping import DEFAULT_BASE_IRI
from kg.remote import Endpoints
from kg.store import default_store_path

ENV_PREFIX = "CLAIMGRAPH_"


@dataclass(frozen=True)
class Settings:
    """What a running API needs to know; build with `Settings.from_env()`."""

    store: Path = field(default_factory=default_store_path)
    base_iri: str = DEFAULT_BASE_IRI
    query_timeout: float = 10.0
    row_cap: int = 10_000
    max_request_bytes: int = 1_048_576
    write_token: str | None = None
    cors_origins: tuple[str, ...] = ()
    query_workers: int = 2
    sparql_endpoint: str | None = None
    update_endpoint: str | None = None
    graph_store: str | None = None
    sparql_user: str | None = None
    sparql_password: str | None = field(default=None, repr=False)
    factcheck_sync_minutes: float = 0.0

    def __post_init__(self) -> None:
        if self.query_timeout <= 0:
            raise ValueError("query_timeout must be a positive number of seconds")
        if self.row_cap < 1 or self.max_request_bytes < 1 or self.query_workers < 1:
            raise ValueError("row_cap, max_request_bytes and query_workers must be at least 1")
        if not 0 <= self.factcheck_sync_minutes < float("inf"):
            raise ValueError("factcheck_sync_minutes must be 0 (off) or a positive number")

    @property
    def endpoints(self) -> Endpoints | None:
        """The SPARQL server, if the graph lives on one; its answers wait the query deadline."""
        if not self.sparql_endpoint:
            return None
        return Endpoints(
            query=self.sparql_endpoint,
            update=self.update_endpoint,
            graph_store=self.graph_store,
            user=self.sparql_user,
            password=self.sparql_password,
            timeout=max(self.query_timeout, 60.0),
            base=self.base_iri,
        )

    @property
    def store_config(self) -> StoreConfig:
        return StoreConfig(self.store, self.endpoints)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from the environment (`CLAIMGRAPH_<FIELD>`), then explicit overrides."""
        source = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = source.get(ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, raw)
        settings = cls(**values)
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **given) if given else settings


def _parse(name: str, raw: str) -> Any:
    try:
        if name == "store":
            return Path(raw)
        if name in ("query_timeout", "factcheck_sync_minutes"):
            return float(raw)
        if name in ("row_cap", "max_request_bytes", "query_workers"):
            return int(raw)
        if name == "cors_origins":
            return tuple(o.strip() for o in raw.split(",") if o.strip())
        return raw
    except ValueError:
        raise ValueError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {name}") from None
