"""Every error a user can meet, written once, each telling what to do.

The CLI prints `str(error)` and exits with `exit_code`; the API maps the same
classes to HTTP statuses. Nothing below the edges prints or exits.
"""

from __future__ import annotations


class ClaimgraphError(Exception):
    """Base of every error that is the input's or the user's to fix, not a bug."""

    exit_code = 1


class InputError(ClaimgraphError):
    """An article or file that cannot be read as what it claims to be."""

    exit_code = 2


class FactSheetError(InputError):
    """A fact sheet (or extraction report) that is not well-formed or does not fit its text."""


class ValidationFailed(ClaimgraphError):
    """SHACL refused the data; `report` lists each violation for a person to act on."""

    exit_code = 3

    def __init__(self, message: str, report: str, violations: list[object] | None = None) -> None:
        super().__init__(message)
        self.report = report
        self.violations = violations or []

    def __str__(self) -> str:
        return f"{self.args[0]}\n{self.report}"


class StoreError(ClaimgraphError):
    """The store cannot be opened, read or written (locked, read-only, full disk)."""

    exit_code = 4


class QueryError(ClaimgraphError):
    """A SPARQL query that does not parse, or that claimgraph refuses to run."""

    exit_code = 5


class RefusedQuery(QueryError):
    """A query that would reach outside (SERVICE, LOAD) or change the store where it may not."""


class OntologyError(ClaimgraphError):
    """The ontology is inconsistent or has an unsatisfiable class."""

    exit_code = 6
