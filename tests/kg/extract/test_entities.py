"""Names, types and links as a reader checks them."""

from __future__ import annotations

from collections.abc import Callable

from tests.kg.extract.conftest import Reading

Read = Callable[[str], Reading]


def test_acronym_from_gazetteer_joins_long_form(read: Read) -> None:
    r = read(
        "Agents of Immigration and Customs Enforcement detained four men in Denver. "
        "An ICE statement said the men had overstayed their visas."
    )
    ice = r.entity("ICE")
    assert ice.type == "Organization"
    assert ice.wikidata == "Q1664366"
    assert "Immigration and Customs Enforcement" in r.names(ice)


def test_unseen_acronym_joins_its_long_form(read: Read) -> None:
    r = read(
        "The Northern Fisheries Cooperative Board said quotas would fall. "
        "NFCB officials said the cut was unavoidable."
    )
    board = r.entity("Northern Fisheries Cooperative Board")
    assert "NFCB" in r.names(board)


def test_title_and_possessive_stripped_from_names(read: Read) -> None:
    r = read(
        "Governor Rachel Okoye signed the bill. Okoye's office said the law takes effect in May."
    )
    person = r.entity("Rachel Okoye")
    assert person.type == "Person"
    assert "Okoye" in r.names(person)
    assert all("Governor" not in e.name for e in r.report.entities)


def test_surname_the_model_calls_an_organisation_is_the_person(read: Read) -> None:
    r = read(
        "President Alma Reyes arrived in Lima on Friday. Reyes decided to extend the visit, "
        "and Reyes told reporters the talks had gone well."
    )
    reyes = [e for e in r.report.entities if "Reyes" in e.name]
    assert len(reyes) == 1 and reyes[0].type == "Person"


def test_place_joined_by_and(read: Read) -> None:
    r = read(
        "Rescuers searched the banks of the Smith and Wesson River near Kettle Falls on Sunday."
    )
    assert r.entity("Smith and Wesson River").type == "Place"
    assert not [e for e in r.report.entities if e.name == "Smith"]


def test_capitalised_common_plurals_are_not_organisations(read: Read) -> None:
    r = read('"Our Brave Workers and all relevant Departments will act," the mayor of Tulsa said.')
    assert not [e for e in r.report.entities if "Workers" in e.name or "Departments" in e.name]


def test_gazetteer_links_places(read: Read) -> None:
    r = read("Flooding closed roads in Texas and Mexico, officials in the U.S. said.")
    assert r.entity("Texas").wikidata == "Q1439"
    assert r.entity("U.S.").name == "United States"
