"""Offices read from the titles around names."""

from __future__ import annotations

from collections.abc import Callable

from tests.kg.extract.conftest import Reading

Read = Callable[[str], Reading]


def test_title_before_name_with_organisation(read: Read) -> None:
    r = read("UNICEF regional director Sara Lind said schools had reopened.")
    (role,) = [x for x in r.report.roles if x.person == r.entity("Sara Lind").id]
    assert role.title == "regional director"
    assert role.organization == r.entity("UNICEF").id


def test_office_with_of_phrase(read: Read) -> None:
    r = read("Secretary of Agriculture Tom Reyna visited Iowa farms on Friday.")
    assert r.titles("Tom Reyna") == ["Secretary of Agriculture"]


def test_apposition_after_name(read: Read) -> None:
    r = read("Jonas Berg, a spokesperson for the mayor, said the park would stay closed.")
    assert r.titles("Jonas Berg") == ["spokesperson for the mayor"]


def test_apposition_before_name_with_possessor(read: Read) -> None:
    r = read("Peru's finance minister, Rosa Quispe, said growth would slow.")
    (role,) = r.report.roles
    assert role.title == "finance minister"
    assert role.organization is None
    assert role.jurisdiction == r.entity("Peru").id


def test_organisation_word_in_title_names_the_organisation(read: Read) -> None:
    r = read(
        "The Coastal Fishermen's Association wants new quotas. "
        '"We are losing money," association spokeswoman Ines Vale said.'
    )
    (role,) = r.report.roles
    assert role.title == "association spokeswoman"
    assert role.organization == r.entity("Coastal Fishermen's Association").id


def test_one_role_per_person_and_title(read: Read) -> None:
    r = read("Mayor Ana Ruiz opened the fair. Later, Mayor Ana Ruiz cut the ribbon.")
    assert r.titles("Ana Ruiz") == ["Mayor"]


def test_name_before_a_title_is_the_organisation(read: Read) -> None:
    r = read("Metro Transit spokesman Ravi Patel said buses would run on Sunday.")
    (role,) = r.report.roles
    assert role.title == "spokesman"
    org = next(e for e in r.report.entities if e.id == role.organization)
    assert org.name == "Metro Transit" and org.type == "Organization"
