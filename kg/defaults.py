"""Where claimgraph keeps things unless told otherwise: light on purpose, so that the CLI can
read them at start without loading the store or the mapping."""

from __future__ import annotations

from pathlib import Path

DEFAULT_BASE_IRI = "https://claimgraph.org/id/"
DEFAULT_STORE = Path(".claimgraph") / "store"
