"""Where claimgraph keeps things unless told otherwise: light on purpose, so that the CLI can
read them at start without loading the store or the mapping."""

from __future__ import annotations

from pathlib import Path

DEFAULT_BASE_IRI = "https://claimgraph.org/id/"
DEFAULT_STORE = Path(".claimgraph") / "store"


def default_store_path() -> Path:
    """`$CLAIMGRAPH_STORE`, else `.claimgraph/store` under the working directory."""
    from kg.settings import Settings  # pydantic: only when a store is looked for

    path: Path = Settings.read("store")
    return path
