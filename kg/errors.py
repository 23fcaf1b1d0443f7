"""Every error a user can meet, written once, each telling what to do.

`CODES` says what each class becomes at the edges: the CLI prints `str(error)` and exits
with `exit_code(error)`; the API answers `{"detail": str(error)}` with `http_status(error)`.
A new error class gets its line there, and both edges follow. Nothing below the edges
prints or exits.
"""

from __future__ import annotations

import errno
from typing import NamedTuple


class ClaimgraphError(Exception):
    """Base of every error claimgraph reports in words rather than a traceback: the input's
    or the user's to fix, or (ExtractionStepError) a fault located well enough to report."""


class InputError(ClaimgraphError):
    """An article or file that cannot be read as what it claims to be."""


class FactSheetError(InputError):
    """A fact sheet (or extraction report) that is not well-formed or does not fit its text."""


class NoFactchecks(InputError):
    """Claims cannot be matched: the store holds no fact-checks yet. The request was right,
    the store is not ready for it (HTTP 409 Conflict), and importing fact-checks fixes it."""


class ValidationFailed(ClaimgraphError):
    """SHACL refused the data; `report` lists each violation for a person to act on."""

    def __init__(self, message: str, report: str, violations: list[object] | None = None) -> None:
        super().__init__(message)
        self.report = report
        self.violations = violations or []

    def __str__(self) -> str:
        return f"{self.args[0]}\n{self.report}"


class StoreError(ClaimgraphError):
    """The store cannot be opened, read or written (locked, read-only, full disk)."""


class QueryError(ClaimgraphError):
    """A SPARQL query that does not parse, or that claimgraph refuses to run."""


class RefusedQuery(QueryError):
    """A query that would reach outside (SERVICE, LOAD) or change the store where it may not."""


class OntologyError(ClaimgraphError):
    """The ontology is inconsistent or has an unsatisfiable class."""


class ModelFileError(ClaimgraphError):
    """A model file that claimgraph ships (the attribution model) is missing or damaged; the
    message names the file and the command that rebuilds it."""


class ExtractionStepError(ClaimgraphError):
    """An extraction step raised on an article: a bug in claimgraph that this text triggers.

    The article fails rather than being stored without, say, its figures; the message names
    the step and the exception so that the report can say where to look, and bulk ingest
    names the article and goes on with the others.
    """

    def __init__(self, step: str, cause: BaseException, article: str | None = None) -> None:
        super().__init__(step, cause, article)
        self.step = step
        self.cause = cause
        self.article = article

    def on(self, article: str) -> ExtractionStepError:
        """The same failure, naming the article it happened on (a file, a bulk item)."""
        return ExtractionStepError(self.step, self.cause, article)

    def __str__(self) -> str:
        where = f" on {self.article}" if self.article else ""
        reason = str(self.cause).strip().splitlines()
        detail = f": {reason[0]}" if reason else ""
        return (
            f"extraction step {self.step!r} failed{where}: {type(self.cause).__name__}{detail} "
            "(a bug in claimgraph: please report it with the article)"
        )


class SourceError(ClaimgraphError):
    """A fact-check source could not be read (unreachable, refused by the safety rules, an
    answer that is not what its kind promises); the message names the source and the step,
    and never carries a secret."""


class Codes(NamedTuple):
    """What one class of error becomes at the two edges."""

    exit: int  # the `claimgraph` command's exit status
    http: int  # the API's HTTP status


# One line per class of this module (a test checks it); a subclass defined elsewhere
# (kg.search.SearchError, kg.store.remote.StoreTimeout) answers as its nearest listed ancestor.
CODES: dict[type[ClaimgraphError], Codes] = {
    ClaimgraphError: Codes(exit=1, http=500),
    InputError: Codes(exit=2, http=422),
    FactSheetError: Codes(exit=2, http=422),
    NoFactchecks: Codes(exit=2, http=409),
    ValidationFailed: Codes(exit=3, http=422),
    StoreError: Codes(exit=4, http=503),
    QueryError: Codes(exit=5, http=400),
    RefusedQuery: Codes(exit=5, http=403),
    OntologyError: Codes(exit=6, http=500),
    ModelFileError: Codes(exit=7, http=500),
    SourceError: Codes(exit=8, http=502),
    ExtractionStepError: Codes(exit=9, http=500),
}


def codes(error: ClaimgraphError | type[ClaimgraphError]) -> Codes:
    """The entry of `error`'s class, or of its nearest ancestor that has one."""
    cls = error if isinstance(error, type) else type(error)
    return next(CODES[c] for c in cls.__mro__ if c in CODES)


def exit_code(error: ClaimgraphError | type[ClaimgraphError]) -> int:
    """The exit status of `claimgraph` when a command fails with `error`."""
    return codes(error).exit


def http_status(error: ClaimgraphError) -> int:
    """The API's status for `error`. A store that refused a write for want of space answers
    507 Insufficient Storage rather than the table's 503: freeing space, not waiting, fixes it."""
    if isinstance(error, StoreError) and refused_write(error.__cause__ or error) in (
        errno.ENOSPC,
        errno.EDQUOT,
    ):
        return 507
    return codes(error).http


# What the OS says when it refuses a write (pyoxigraph's OSError carries RocksDB's text but no
# errno, so the words are looked for as well as the number), then what a user can do about it:
# for the store, and for any other place claimgraph writes (a backup, the files beside the store).
_COPY = "or copy it with `claimgraph backup NEW_DIR` and use --store NEW_DIR"
_REFUSED_WRITES = {
    errno.ENOSPC: (
        "No space left on device",
        "free some space on its disk, then run the command again",
        "free some space on its disk, or choose a directory on another disk",
    ),
    errno.EDQUOT: (
        "Disk quota exceeded",
        "free some space or ask for a larger quota, then run the command again",
        "free some space or ask for a larger quota, or choose a directory on another disk",
    ),
    errno.EFBIG: (
        "File too large",
        "lift the shell's file-size limit (`ulimit -f unlimited`), then run the command again",
        "lift the shell's file-size limit (`ulimit -f unlimited`)",
    ),
    errno.EROFS: (
        "Read-only file system",
        f"remount it read-write, {_COPY}",
        "remount it read-write, or choose a writable directory",
    ),
    errno.EACCES: (
        "Permission denied",
        f"run as its owner or give this user write access, {_COPY}",
        "give this user write access, or choose a writable directory",
    ),
}


def refused_write(exc: BaseException) -> int | None:
    """The errno of a write the OS refused for want of space or of permission, else None."""
    code = getattr(exc, "errno", None)
    if code in _REFUSED_WRITES:
        return int(code)
    text = str(exc)
    return next((n for n, (words, _, _) in _REFUSED_WRITES.items() if words in text), None)


def explain_refused_write(code: int, lead: str, *, store: bool) -> str:
    """One line: `lead` (what could not be done), the OS's reason, and what to do about it."""
    words, for_store, elsewhere = _REFUSED_WRITES[code]
    return f"{lead} ({words.lower()}): {for_store if store else elsewhere}"
