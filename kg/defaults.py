"""Where claimgraph keeps things unless told otherwise: light on purpose, so that the CLI can
read them at start without loading the store or the mapping."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_BASE_IRI = "https://claimgraph.org/id/"
DEFAULT_STORE = Path(".claimgraph") / "store"
STORE_ENV = "CLAIMGRAPH_STORE"


def default_store_path() -> Path:
    """`$CLAIMGRAPH_STORE`, else `.claimgraph/store` under the working directory."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)
