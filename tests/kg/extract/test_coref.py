"""One node per real-world thing: names, surnames, titles, pronouns and descriptions."""

from __future__ import annotations

from collections.abc import Callable

from tests.kg.extract.conftest import Reading

Read = Callable[[str], Reading]


def test_full_name_surname_title_and_pronoun_are_one_node(read: Read) -> None:
    r = read(
        "Prime Minister Oskar Lindqvist defended the tax plan on Tuesday. Lindqvist said "
        "it would help families. The prime minister later met unions, and he said talks went well."
    )
    people = [e for e in r.report.entities if e.type == "Person"]
    assert len(people) == 1
    names = r.names(people[0])
    assert {"Oskar Lindqvist", "Lindqvist", "he"} <= names


def test_company_description_resolves_to_the_company(read: Read) -> None:
    r = read(
        "Northwind Airways cancelled 300 flights on Monday. The Denver-based airline said "
        "staff shortages were to blame."
    )
    airline = r.entity("Northwind Airways")
    assert [r.content(c) for c in r.claims_by("Northwind Airways")] == [
        "staff shortages were to blame"
    ]
    assert any("airline" in n for n in r.names(airline))


def test_bare_organisation_word_resolves_to_named_organisation(read: Read) -> None:
    r = read(
        "The National Nurses Union called a strike at four hospitals. The union said "
        "wages had not kept up with inflation."
    )
    claims = r.claims_by("National Nurses Union")
    assert [r.content(c) for c in claims][-1] == "wages had not kept up with inflation"


def test_pronoun_skips_names_inside_a_quotation(read: Read) -> None:
    r = read(
        "Mayor Lena Fischer spoke at the opening. "
        '"I thank Director Paul Brandt and everyone who built this bridge," she said.'
    )
    (claim,) = r.claims_by("Lena Fischer")
    assert r.content(claim).startswith("I thank Director Paul Brandt")
