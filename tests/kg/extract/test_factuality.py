"""How the text presents what a source claims: hedged, denied, or still to come."""

from __future__ import annotations

import pytest
from spacy.language import Language

from kg.extract.factuality import factuality_of
from kg.extract.pipeline import load_model
from kg.extract.report import Factuality


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_model()


def judge(nlp: Language, text: str, cue: str, content: str) -> Factuality:
    start = text.index(content)
    return factuality_of(nlp(text), text.index(cue), start, start + len(content))


@pytest.mark.parametrize(
    ("text", "cue", "content", "expected"),
    [
        (
            "The rector said the college will hire 40 lecturers.",
            "said",
            "the college will hire 40 lecturers",
            ("certain", "positive", "future"),
        ),
        (
            "The airline said flights would resume in May.",
            "said",
            "flights would resume in May",
            ("certain", "positive", "future"),
        ),
        (
            "The mayor said the city is going to repave Elm Street.",
            "said",
            "the city is going to repave Elm Street",
            ("certain", "positive", "future"),
        ),
        (
            "The brewery said it plans to open a second site.",
            "said",
            "it plans to open a second site",
            ("certain", "positive", "future"),
        ),
        (
            "The coach vowed to rebuild the team.",
            "vowed",
            "to rebuild the team",
            ("certain", "positive", "future"),
        ),
        (
            "The coroner said no one had been poisoned.",
            "said",
            "no one had been poisoned",
            ("certain", "negative", "non_future"),
        ),
        (
            "The pilot said he had never seen such fog.",
            "said",
            "he had never seen such fog",
            ("certain", "negative", "non_future"),
        ),
        (
            "The club said the striker was not injured.",
            "said",
            "the striker was not injured",
            ("certain", "negative", "non_future"),
        ),
        (
            "The firm denied that it had dumped waste.",
            "denied",
            "it had dumped waste",
            ("certain", "negative", "non_future"),
        ),
        (
            "Engineers said the dam could fail.",
            "said",
            "the dam could fail",
            ("possible", "positive", "non_future"),
        ),
        (
            "Doctors said the outbreak may spread.",
            "said",
            "the outbreak may spread",
            ("possible", "positive", "non_future"),
        ),
        (
            "Forecasters said snow is likely to continue.",
            "said",
            "snow is likely to continue",
            ("probable", "positive", "non_future"),
        ),
        (
            "Bankers said a merger was unlikely.",
            "said",
            "a merger was unlikely",
            ("probable", "negative", "non_future"),
        ),
        (
            "The union said it had signed the contract.",
            "said",
            "it had signed the contract",
            ("certain", "positive", "non_future"),
        ),
    ],
)
def test_factuality(
    nlp: Language, text: str, cue: str, content: str, expected: tuple[str, str, str]
) -> None:
    f = judge(nlp, text, cue, content)
    assert (f.certainty, f.polarity, f.tense) == expected


def test_negation_inside_a_relative_clause_does_not_negate_the_claim(nlp: Language) -> None:
    f = judge(
        nlp,
        "Rangers said the fire, which did not reach the village, burned 90 acres.",
        "said",
        "the fire, which did not reach the village, burned 90 acres",
    )
    assert f.polarity == "positive"


def test_claim_without_cue(nlp: Language) -> None:
    text = "The bridge might reopen soon."
    f = factuality_of(nlp(text), None, 0, len(text) - 1)
    assert f.certainty == "possible"
