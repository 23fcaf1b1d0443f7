"""Figures a reader would quote: value, qualifier, unit, what is counted, and the span."""

from __future__ import annotations

import pytest
from spacy.language import Language

from kg.extract.numbers import numeral_value, words_value
from kg.extract.pipeline import load_model
from kg.extract.quantities import find_quantities
from kg.extract.report import Quantity


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_model()


def quantities(nlp: Language, text: str) -> list[tuple[str, Quantity]]:
    return [(text[q.start : q.end], q) for q in find_quantities(nlp(text))]


def only(nlp: Language, text: str) -> tuple[str, Quantity]:
    found = quantities(nlp, text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "span", "value", "qualifier", "counted"),
    [
        ("Rescuers pulled 2,500 sheep from the mud.", "2,500 sheep", 2500, "exact", "sheep"),
        (
            "The club signed twenty-five new coaches.",
            "twenty-five new coaches",
            25,
            "exact",
            "new coaches",
        ),
        (
            "More than 80 fishing boats stayed in port.",
            "More than 80 fishing boats",
            80,
            "more_than",
            "fishing boats",
        ),
        (
            "At least nine climbers were rescued.",
            "At least nine climbers",
            9,
            "at_least",
            "climbers",
        ),
        (
            "The library lent roughly 7,300 books.",
            "roughly 7,300 books",
            7300,
            "approximately",
            "books",
        ),
        (
            "Some 1.5 million voters stayed home.",
            "Some 1.5 million voters",
            1_500_000,
            "approximately",
            "voters",
        ),
        ("As many as 40 bakeries may close.", "As many as 40 bakeries", 40, "at_most", "bakeries"),
        (
            "Fewer than 200 tickets were sold.",
            "Fewer than 200 tickets",
            200,
            "less_than",
            "tickets",
        ),
        (
            "Police detained more than a dozen cyclists.",
            "more than a dozen cyclists",
            12,
            "more_than",
            "cyclists",
        ),
        (
            "Half a million pilgrims gathered.",
            "Half a million pilgrims",
            500_000,
            "exact",
            "pilgrims",
        ),
        (
            "An estimated 3,000 volunteers helped.",
            "An estimated 3,000 volunteers",
            3000,
            "approximately",
            "volunteers",
        ),
        (
            "Nearly 600 nurses joined the walkout.",
            "Nearly 600 nurses",
            600,
            "approximately",
            "nurses",
        ),
        ("The shelter took in 150 dogs or more.", "150 dogs or more", 150, "at_least", "dogs"),
    ],
)
def test_counts(
    nlp: Language, text: str, span: str, value: float, qualifier: str, counted: str
) -> None:
    got_span, q = only(nlp, text)
    assert (got_span, q.value, q.qualifier, q.counted, q.unit) == (
        span,
        value,
        qualifier,
        counted,
        None,
    )


@pytest.mark.parametrize(
    ("text", "span", "value", "unit"),
    [
        ("The museum raised $4.5 million last spring.", "$4.5 million", 4_500_000, "USD"),
        ("Investors put €3bn into the fund.", "€3bn", 3_000_000_000, "EUR"),
        ("The fine was £200 per day.", "£200", 200, "GBP"),
        ("The city spent 5 million euros on trams.", "5 million euros", 5_000_000, "EUR"),
        ("The ministry pledged US$80 million for roads.", "US$80 million", 80_000_000, "USD"),
        ("The deal was worth $45m to the club.", "$45m", 45_000_000, "USD"),
    ],
)
def test_money(nlp: Language, text: str, span: str, value: float, unit: str) -> None:
    got_span, q = only(nlp, text)
    assert (got_span, q.value, q.unit, q.counted, q.qualifier) == (span, value, unit, unit, "exact")


def test_percentages(nlp: Language) -> None:
    found = quantities(nlp, "Turnout fell 8 percent, while 61% of members backed the plan.")
    assert [(s, q.value, q.unit, q.counted) for s, q in found] == [
        ("8 percent", 8, "percent", "percent"),
        ("61%", 61, "percent", "percent"),
    ]


def test_measure_takes_its_of_phrase(nlp: Language) -> None:
    span, q = only(nlp, "Trucks delivered 12,000 gallons of heating oil to the island.")
    assert (span, q.value, q.unit, q.counted) == (
        "12,000 gallons of heating oil",
        12000,
        "gallons",
        "gallons of heating oil",
    )


def test_duration_with_qualifier(nlp: Language) -> None:
    span, q = only(nlp, "Flights were grounded for up to three days.")
    assert (span, q.value, q.qualifier, q.unit) == ("up to three days", 3, "at_most", "days")


def test_range_has_bounds_and_its_lower_bound_as_value(nlp: Language) -> None:
    span, q = only(nlp, "Between 200 and 300 families lost power.")
    assert span == "Between 200 and 300 families"
    assert (q.min_value, q.max_value, q.value, q.qualifier) == (200, 300, 200, "at_least")


def test_hyphenated_range(nlp: Language) -> None:
    _, q = only(nlp, "The storm damaged 40-50 barns.")
    assert (q.min_value, q.max_value, q.counted) == (40, 50, "barns")


def test_counted_owner_is_marked(nlp: Language) -> None:
    text = "The governor sent 800 Texas Rangers officers to the border."
    (q,) = find_quantities(nlp(text))
    assert q.counted == "Texas Rangers officers"
    owner = text[q.counted_of_start : q.counted_of_end]
    assert owner == "Texas Rangers"


@pytest.mark.parametrize(
    "text",
    [
        "The board voted 5-4 to approve the budget.",
        "The market opened on March 3, 2024, at 9:30 a.m.",
        "She was elected in 1998 and again in 2002.",
        "Route 9 reopened after a 45-year-old driver was found.",
        "For details call 555-0188.",
        "Thousands of fans and dozens of bands came.",
        "It was the second week of the trial.",
        "One of the judges left; no one else did.",
        "A 10-day truce began.",
    ],
)
def test_not_quantities(nlp: Language, text: str) -> None:
    assert quantities(nlp, text) == []


def test_comparison_takes_the_counted_of_its_partner(nlp: Language) -> None:
    found = quantities(nlp, "Some 70 trains ran on Monday, up from 45 a day earlier.")
    assert [(q.value, q.counted) for _, q in found] == [(70, "trains"), (45, "trains")]


def test_ids_in_text_order(nlp: Language) -> None:
    qs = find_quantities(nlp("Four ferries and 30 buses carried 900 passengers."))
    assert [q.id for q in qs] == ["q1", "q2", "q3"]
    assert [q.value for q in qs] == [4, 30, 900]


def test_number_words() -> None:
    assert words_value(["three", "hundred", "and", "fifty"]) == 350
    assert words_value(["two", "dozen"]) == 24
    assert words_value(["a", "million"]) == 1_000_000
    assert words_value(["two", "three"]) is None
    assert numeral_value("1,250") == 1250
    assert numeral_value("2.5bn") == 2_500_000_000
    assert numeral_value("3rd") is None


def test_part_of_a_whole_takes_the_counted(nlp: Language) -> None:
    found = quantities(nlp, "The mill cut 340 of its 2,100 jobs.")
    assert [(q.value, q.counted) for _, q in found] == [(340, "jobs"), (2100, "jobs")]


def test_scale_suffix_at_sentence_end(nlp: Language) -> None:
    span, q = only(nlp, "The stadium was sold for $240m.")
    assert (span, q.value, q.unit) == ("$240m", 240_000_000, "USD")


@pytest.mark.parametrize(
    "text",
    [
        "About one in four drivers speed.",
        "The airline grounded its 787 Dreamliner fleet.",
        "A magnitude 5.8 tremor shook the coast.",
    ],
)
def test_ratios_and_model_names_are_not_counts(nlp: Language, text: str) -> None:
    assert quantities(nlp, text) == []


def test_partitive_counts_the_noun_after_of_the(nlp: Language) -> None:
    span, q = only(nlp, "Four of the hostages were released.")
    assert (span, q.value, q.counted) == ("Four of the hostages", 4, "hostages")


def test_fractions_are_not_counts(nlp: Language) -> None:
    assert quantities(nlp, "Two-thirds of members backed the merger.") == []


def test_south_asian_scales(nlp: Language) -> None:
    _, q = only(nlp, "The state set aside Rs 250 crore for dams.")
    assert (q.value, q.unit) == (2_500_000_000, "INR")


@pytest.mark.parametrize(
    "text",
    ["Three days later the road reopened.", "Two years ago the mine closed."],
)
def test_points_in_time_are_not_durations(nlp: Language, text: str) -> None:
    assert quantities(nlp, text) == []


def test_label_after_a_marker(nlp: Language) -> None:
    found = quantities(nlp, "Voters rejected Proposition 12 by 8 points.")
    assert [(q.value, q.counted) for _, q in found] == [(8, "points")]


# --- rules for figures whose counted noun is elided, qualified or far off ----------------


def summary(nlp: Language, text: str) -> list[tuple[float, str, str | None, str | None]]:
    return [(q.value, q.qualifier, q.unit, q.counted) for _, q in quantities(nlp, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # partitive through a possessive, the inner figure kept as its own
        (
            "The plan would shut five of the county's 19 clinics.",
            [(5, "exact", None, "clinics"), (19, "exact", None, "clinics")],
        ),
        ("It employs about 700 of the region's nurses.", [(700, "approximately", None, "nurses")]),
        # an invariant noun after modifiers is a count, not a model name
        (
            "Crews flew 9 fire-spotting aircraft over the ridge.",
            [(9, "exact", None, "fire-spotting aircraft")],
        ),
        # coordinated and adverb-led modifiers
        (
            "There are 45 fully licensed pilots left.",
            [(45, "exact", None, "fully licensed pilots")],
        ),
        # qualifier between figure and counted, and a modifier before a time unit
        ("Guests stayed four or more nights in a row.", [(4, "at_least", "nights", "nights")]),
        ("Refunds take 12 business days.", [(12, "exact", "days", "business days")]),
        # compound unit
        (
            "The canal carries 7,000 acre-feet each spring.",
            [(7000, "exact", "acre-feet", "acre-feet")],
        ),
        # fraction of a unit
        (
            "Rates rose by half a percentage point.",
            [(0.5, "exact", "percentage points", "percentage points")],
        ),
        # letter-prefixed and contextual currencies
        ("The mine cost R7.5 billion to build.", [(7.5e9, "exact", "ZAR", "ZAR")]),
        (
            "Manila said repairs in the Philippines would cost 3 billion pesos.",
            [(3e9, "exact", "PHP", "PHP")],
        ),
        # new qualifiers
        ("The lead was smaller than 2 percent.", [(2, "less_than", "percent", "percent")]),
        ("The spending went past $90 million.", [(9e7, "more_than", "USD", "USD")]),
        ("The closure may last as long as eight weeks.", [(8, "at_most", "weeks", "weeks")]),
        # elided counted nouns
        ("Marshals estimated the crowd at 6,500.", [(6500, "exact", None, "crowd")]),
        ("More than 900 took part in the march.", [(900, "more_than", None, "people")]),
        (
            "The board approved 700 permits and expects a further 250 in spring.",
            [(700, "exact", None, "permits"), (250, "exact", None, "permits")],
        ),
        (
            "Of the 80 buses bought, at least 30 of them never ran.",
            [(80, "exact", None, "buses"), (30, "at_least", None, "buses")],
        ),
    ],
)
def test_elided_and_unusual_quantities(
    nlp: Language, text: str, expected: list[tuple[float, str, str | None, str | None]]
) -> None:
    assert summary(nlp, text) == expected


def test_letter_prefix_needs_a_scale(nlp: Language) -> None:
    assert summary(nlp, "He drove the R9 road north.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Four officials familiar with the plan described it.",
        "Two staff directly familiar with the audit spoke.",
        "Patients were moved from one ward to another.",
    ],
)
def test_not_counts(nlp: Language, text: str) -> None:
    assert summary(nlp, text) == []


def test_headline_takes_the_body_qualifier(nlp: Language) -> None:
    text = "Mill to cut 650 jobs\nThe mill said it would cut about 650 jobs by spring."
    assert [q.qualifier for _, q in quantities(nlp, text)] == ["approximately", "approximately"]
