"""The public API: input checks, batching, and a report that validates."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.errors import InputError
from kg.extract import extract, extract_many
from kg.report import ArticleMeta, Extraction

TEXT = (
    "Governor Hal Brooks said on Monday that the state would hire 500 teachers. "
    '"Our schools need help," he told reporters.'
)


def test_report_round_trips_and_carries_meta() -> None:
    meta = ArticleMeta(publisher="Example News", published=dt.date(2026, 1, 5))
    report = extract(TEXT, meta)
    assert report.article.publisher == "Example News"
    again = Extraction.model_validate_json(report.to_json())
    assert again.claims == report.claims
    brooks = next(e for e in report.entities if e.name == "Hal Brooks")
    assert {c.claimant for c in report.claims} == {brooks.id}


def test_claim_lists_entities_inside_it() -> None:
    report = extract("Officials said Governor Hal Brooks would visit Ohio.")
    (claim,) = report.claims
    ohio = next(e for e in report.entities if e.name == "Ohio")
    assert ohio.id in claim.mentions


def test_extract_many_keeps_order() -> None:
    texts = [("Mayor Ada Lin said taxes would rise.", None), (TEXT, None)]
    reports = list(extract_many(texts, batch_size=2))
    assert [r.entities[0].name for r in reports] == ["Ada Lin", "Hal Brooks"]


@pytest.mark.parametrize("text", ["", "   \n", "2024 - 17 / 33"])
def test_empty_or_letterless_text_is_refused(text: str) -> None:
    with pytest.raises(InputError):
        extract(text)


def test_non_english_text_is_refused() -> None:
    with pytest.raises(InputError, match="English"):
        extract(
            "Le gouvernement a annoncé lundi de nouvelles mesures pour réduire l'inflation "
            "dans tout le pays, selon des sources officielles du ministère."
        )
