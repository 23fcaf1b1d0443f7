"""Relative dates resolved against the publication day (news reports the past)."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language

from kg.extract.dates import find_dates, resolve_date
from kg.extract.pipeline import load_model

# A Wednesday.
PUBLISHED = dt.date(2024, 10, 16)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("on Monday", dt.date(2024, 10, 14)),
        ("Monday", dt.date(2024, 10, 14)),
        ("Wednesday", dt.date(2024, 10, 16)),
        ("Thursday", dt.date(2024, 10, 10)),
        ("Saturday night", dt.date(2024, 10, 12)),
        ("last Wednesday", dt.date(2024, 10, 9)),
        ("next Friday", dt.date(2024, 10, 18)),
        ("yesterday", dt.date(2024, 10, 15)),
        ("today", dt.date(2024, 10, 16)),
        ("tomorrow", dt.date(2024, 10, 17)),
        ("two days ago", dt.date(2024, 10, 14)),
        ("October 3", dt.date(2024, 10, 3)),
        ("3 October 2023", dt.date(2023, 10, 3)),
        ("Oct. 3, 2023", dt.date(2023, 10, 3)),
        ("2023-10-03", dt.date(2023, 10, 3)),
        ("December 28", dt.date(2024, 12, 28)),
        ("last week", None),
        ("last year", None),
        ("October 2024", None),
        ("every Friday", None),
    ],
)
def test_resolve_date(expression: str, expected: dt.date | None) -> None:
    assert resolve_date(expression, PUBLISHED) == expected


def test_day_without_year_far_ahead_is_last_year() -> None:
    assert resolve_date("December 28", dt.date(2025, 1, 5)) == dt.date(2024, 12, 28)


def test_following_day_counts_from_the_anchor() -> None:
    assert resolve_date("the following day", PUBLISHED, dt.date(2024, 10, 11)) == dt.date(
        2024, 10, 12
    )


def test_relative_dates_need_a_publication_day() -> None:
    assert resolve_date("on Monday", None) is None
    assert resolve_date("2023-10-03", None) == dt.date(2023, 10, 3)


def test_find_dates_chains_the_anchor() -> None:
    nlp: Language = load_model()
    text = "Talks broke down on Friday. The following day, workers walked out."
    found = find_dates(nlp(text), PUBLISHED)
    assert [(text[s:e], d) for s, e, d in found] == [
        ("Friday", dt.date(2024, 10, 11)),
        ("The following day", dt.date(2024, 10, 12)),
    ]
