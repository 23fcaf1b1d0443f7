"""kg/errors.py: one table from error classes to exit codes and HTTP statuses."""

from __future__ import annotations

import errno
import inspect

import pytest

from kg import errors
from kg.errors import (
    CODES,
    ClaimgraphError,
    Codes,
    ExtractionStepError,
    SourceError,
    StoreError,
    codes,
    exit_code,
    http_status,
)


def test_every_error_class_of_the_module_has_its_line() -> None:
    classes = {
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, ClaimgraphError) and cls.__module__ == errors.__name__
    }
    assert len(classes) >= 10
    missing = sorted(cls.__name__ for cls in classes - set(CODES))
    assert not missing, f"give these a line in kg.errors.CODES: {missing}"


def test_the_codes_users_and_scripts_rely_on() -> None:
    """Changing one of these breaks someone's script or client: it is not a refactoring."""
    assert {cls.__name__: tuple(c) for cls, c in CODES.items()} == {
        "ClaimgraphError": (1, 500),
        "InputError": (2, 422),
        "FactSheetError": (2, 422),
        "NoFactchecks": (2, 409),
        "ValidationFailed": (3, 422),
        "StoreError": (4, 503),
        "QueryError": (5, 400),
        "RefusedQuery": (5, 403),
        "OntologyError": (6, 500),
        "ModelFileError": (7, 500),
        "SourceError": (8, 502),
        "ExtractionStepError": (9, 500),
    }


def test_a_class_defined_elsewhere_answers_as_its_ancestor() -> None:
    from kg.graph.validate import UnsupportedShape
    from kg.search import SearchError
    from kg.store.remote import StoreTimeout

    assert codes(SearchError("bad query")) == Codes(exit=2, http=422)
    assert codes(StoreTimeout) == Codes(exit=4, http=503)
    assert exit_code(UnsupportedShape("x")) == 1
    assert exit_code(SourceError("feed down")) == 8
    assert http_status(ExtractionStepError("quantities", ValueError("x"))) == 500


@pytest.mark.parametrize(
    ("cause", "status"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), 507),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), 507),
        (OSError("IO error: No space left on device"), 507),  # RocksDB's words, no errno
        (OSError(errno.EROFS, "Read-only file system"), 503),
        (None, 503),
    ],
)
def test_a_store_that_ran_out_of_space_is_507(cause: OSError | None, status: int) -> None:
    error = StoreError("the store could not be written")
    error.__cause__ = cause
    assert http_status(error) == status
