"""The public API: input checks, batching, and a report that validates."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kg.errors import ExtractionStepError, InputError
from kg.extract import extract, extract_many
from kg.extract.report import ArticleMeta, Extraction, Quantity

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


# Each step the pipeline calls, by the name it is imported under there, and the step name an
# error must carry. TEXT reaches every one (a role, a claim, a figure).
STEPS = [
    ("quote_spans", "claims"),
    ("find_name_mentions", "entities"),
    ("cluster_names", "coreference"),
    ("find_roles", "roles"),
    ("add_references", "coreference"),
    ("learned_claims", "claims"),
    ("states_nothing", "factuality"),
    ("_speaker_entity", "speakers"),
    ("find_quantities", "quantities"),
    ("factuality_of", "factuality"),
    ("find_events", "events"),
]


@pytest.mark.parametrize(("function", "step"), STEPS)
def test_a_failing_step_fails_the_article_by_name(
    monkeypatch: pytest.MonkeyPatch, function: str, step: str
) -> None:
    """A bug in a step is an error naming the step, never a report without the step's part."""
    from kg.extract import pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("injected fault")

    monkeypatch.setattr(pipeline, function, broken)
    with pytest.raises(ExtractionStepError) as caught:
        extract(TEXT)
    assert caught.value.step == step
    assert isinstance(caught.value.__cause__, ValueError)
    assert str(caught.value).startswith(
        f"extraction step '{step}' failed: ValueError: injected fault"
    )


def test_an_input_error_inside_a_step_is_not_relabelled(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ClaimgraphError already says what to do (exit code and all): it passes unchanged."""
    from kg.extract import pipeline

    def refuses(*args: object, **kwargs: object) -> None:
        raise InputError("a reason the user can act on")

    monkeypatch.setattr(pipeline, "find_quantities", refuses)
    with pytest.raises(InputError, match="a reason the user can act on") as caught:
        extract(TEXT)
    assert not isinstance(caught.value, ExtractionStepError)


def test_counted_of_links_the_owner_the_quantity_step_marked() -> None:
    text = "The governor sent 2,000 National Guard troops to Los Angeles on Sunday."
    report = extract(text)
    (q,) = report.quantities
    assert q.counted_of_start is not None and q.counted_of_end is not None
    assert text[q.counted_of_start : q.counted_of_end] == "National Guard"
    assert q.counted_of is not None
    owner = report.entity(q.counted_of)  # the gazetteer's name: National Guard of the U.S.
    assert (q.counted_of_start, q.counted_of_end) in {(m.start, m.end) for m in owner.mentions}
    # The report keeps the keys it printed when the span was an undeclared extra.
    printed = json.loads(report.to_json())["quantities"][0]
    assert (printed["counted_of_start"], printed["counted_of_end"]) == (
        q.counted_of_start,
        q.counted_of_end,
    )


def test_a_counted_of_span_is_whole_and_ordered() -> None:
    with pytest.raises(ValueError, match="go together"):
        Quantity(value=3, start=0, end=5, counted_of_start=2)
    with pytest.raises(ValueError, match="not before its end"):
        Quantity(value=3, start=0, end=5, counted_of_start=4, counted_of_end=4)
