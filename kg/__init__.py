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
    "ClaimStore": "kg.store.embedded",
    "ClaimgraphError": "kg.errors",
    "Extraction": "kg.extract.report",
    "IngestResult": "kg.ingest.article",
    "ingest_report": "kg.ingest.article",
    "parse_report": "kg.extract.report",
}

if TYPE_CHECKING:
    from kg.errors import ClaimgraphError
    from kg.extract.report import Extraction, parse_report
    from kg.ingest.article import IngestResult, ingest_report
    from kg.store.embedded import ClaimStore


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
