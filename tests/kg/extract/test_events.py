"""Events with who did them, where, with which force, when, and under which claim."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.events import find_events
from kg.extract.pipeline import load_model
from kg.extract.quantities import find_quantities
from kg.extract.report import Claim, Event

# A Thursday.
PUBLISHED = dt.date(2024, 5, 16)


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_model()


def names_of(doc: Doc) -> Callable[[int, int], str | None]:
    """An entity_at that names each spaCy entity by its text (without "the")."""

    def entity_at(start: int, end: int) -> str | None:
        for ent in doc.ents:
            if ent.start_char == start and ent.end_char == end:
                return ent.text.removeprefix("the ").removeprefix("The ")
        return None

    return entity_at


def events(nlp: Language, text: str, claims: list[Claim] | None = None) -> list[Event]:
    doc = nlp(text)
    qs = find_quantities(doc)
    return find_events(doc, names_of(doc), claims or [], qs, PUBLISHED)


def test_deployment_with_actor_force_place_date_and_quantity(nlp: Language) -> None:
    text = "Governor Alma Ruiz sent 600 Arizona National Guard troops to Yuma on Monday."
    (ev,) = [e for e in events(nlp, text) if e.type == "Deployment"]
    assert ev.trigger == "sent"
    assert ev.actor == "Alma Ruiz"
    assert ev.place == "Yuma"
    assert ev.force is not None and "Arizona National Guard" in ev.force
    assert ev.date == dt.date(2024, 5, 13)
    assert ev.quantities == ["q1"]


def test_send_without_a_force_is_not_a_deployment(nlp: Language) -> None:
    text = "The mayor sent a letter to the council on Tuesday."
    assert [e for e in events(nlp, text) if e.type == "Deployment"] == []


def test_passive_arrest(nlp: Language) -> None:
    text = "Police in Leeds said 14 fans had been arrested after the match."
    (ev,) = [e for e in events(nlp, text) if e.type == "Arrest"]
    assert ev.trigger == "arrested"
    assert ev.quantities == ["q1"]


def test_raid_noun_with_place_and_actor(nlp: Language) -> None:
    text = "An FBI raid in Tucson on Saturday ended with two detentions."
    (ev,) = [e for e in events(nlp, text) if e.type == "Raid"]
    assert (ev.actor, ev.place, ev.date) == ("FBI", "Tucson", dt.date(2024, 5, 11))


def test_protest_and_attack_types(nlp: Language) -> None:
    text = "Farmers protested in Lyon as masked men attacked a depot."
    kinds = {e.trigger: e.type for e in events(nlp, text)}
    assert kinds == {"protested": "Protest", "attacked": "Attack"}


def test_event_inside_a_claim_belongs_to_it(nlp: Language) -> None:
    text = "The ministry said soldiers had stormed a compound in Gao."
    content = "soldiers had stormed a compound in Gao"
    start = text.index(content)
    claim = Claim(id="c1", claimant="e1", cue="said", start=start, end=start + len(content))
    (ev,) = events(nlp, text, [claim])
    assert (ev.type, ev.claim, ev.place) == ("Raid", "c1", "Gao")


def test_ids_in_text_order(nlp: Language) -> None:
    found = events(nlp, "Crowds rallied in Accra. Police arrested six organisers.")
    assert [e.id for e in found] == ["ev1", "ev2"]
    assert [e.type for e in found] == ["Protest", "Arrest"]
