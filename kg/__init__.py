"""claimgraph: who said what, about whom, with which numbers, as validated linked data.

The public surface is small on purpose:

>>> from kg import ClaimStore, ingest_report, parse_report
>>> store = ClaimStore()                      # in memory; ClaimStore(Path(...)) on disk
>>> report = parse_report('{"entities": []}')
>>> ingest_report(store, "An article.", report).change.value
'created'
"""

__version__ = "0.1.0"

from kg.errors import ClaimgraphError  # noqa: E402
from kg.ingest import IngestResult, ingest_report  # noqa: E402
from kg.report import Extraction, parse_report  # noqa: E402
from kg.store import ClaimStore  # noqa: E402

__all__ = [
    "ClaimStore",
    "ClaimgraphError",
    "Extraction",
    "IngestResult",
    "__version__",
    "ingest_report",
    "parse_report",
]
