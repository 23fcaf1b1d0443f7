"""claimgraph: who said what, about whom, with which numbers, as validated linked data.

The public surface is small on purpose:

>>> from kg import ClaimStore, ingest_report, parse_report
>>> store = ClaimStore()                      # in memory; ClaimStore(Path(...)) on disk
>>> report = parse_report('{"entities": []}')
>>> ingest_report(store, "An article.", report).change.value
'created'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Loaded on first use (PEP 562), so that `import kg.something` (the CLI's `--help`) does not
# pay for SHACL, the store and pydantic models it may never touch.
_EXPORTS = {
    "ClaimStore": "kg.store",
    "ClaimgraphError": "kg.errors",
    "Extraction": "kg.report",
    "IngestResult": "kg.ingest",
    "ingest_report": "kg.ingest",
    "parse_report": "kg.report",
}

if TYPE_CHECKING:
    from kg.errors import ClaimgraphError
    from kg.ingest import IngestResult, ingest_report
    from kg.report import Extraction, parse_report
    from kg.store import ClaimStore


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ClaimStore",
    "ClaimgraphError",
    "Extraction",
    "IngestResult",
    "__version__",
    "ingest_report",
    "parse_report",
]
