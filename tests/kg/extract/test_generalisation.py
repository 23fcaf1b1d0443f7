"""Phenomena of news English the small model gets wrong, each on an invented article.

Every test names the phenomenon it checks; none reuses an evaluation article's words.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.kg.extract.conftest import Reading

Read = Callable[[str], Reading]


def test_places_read_from_context(read: Read) -> None:
    """A list with a known place, "the village of X", "residents of X" and "in X"."""
    r = read(
        "Floods cut off mountain villages in northern Portugal\n\n"
        "Heavy rain flooded homes in Vilarinho, Torgueda and Soutelo on Friday, the regional "
        "civil defence agency said.\n\n"
        "Rescue crews reached the village of Pardelhas by boat, and residents of Mondrões said "
        "the water rose within minutes.\n\n"
        '"We lost everything downstairs," said Teresa Lobo, who runs a pharmacy in Torgueda.\n'
    )
    for name in ("Vilarinho", "Torgueda", "Soutelo", "Pardelhas", "Mondrões"):
        assert r.entity(name).type == "Place", name
    assert r.entity("Teresa Lobo").type == "Person"
    assert r.entity("regional civil defence agency").type == "Organization"


def test_of_name_and_company_short_form(read: Read) -> None:
    """ "Friends of X Library" is one organisation; "Kestrel" shortens "Kestrel Industries"."""
    r = read(
        "Library volunteers fight closure plan\n\n"
        "Marit Okafor, who chairs the Friends of Kilnsey Library, said her branch had lent more "
        "than 9,000 books.\n\n"
        "Kestrel Industries said on Monday it would close its tannery near the river. Kestrel "
        "said the plant had lost money for three years.\n"
    )
    assert r.entity("Friends of Kilnsey Library").type == "Organization"
    assert r.entity("Marit Okafor").type == "Person"
    kestrel = r.entity("Kestrel Industries")
    assert "Kestrel" in r.names(kestrel)
    assert len(r.claims_by("Kestrel Industries")) == 2


def test_corporate_suffix_and_titles_around_names(read: Read) -> None:
    """A company word ends a name; a capitalised title in apposition; a jurisdiction title."""
    r = read(
        "Drought relief promised for northern farms\n\n"
        "Kenya's Drought Management Commissioner, Wanjiru Odhiambo, said the government would "
        "double water deliveries.\n\n"
        "Nakuru Mayor Achieng Barasa welcomed the plan but warned that the trucks were "
        '"too few and too late."\n\n'
        "Vardell Holdings, the Nairobi-based owner of three flower farms, said it would cut 300 "
        "jobs. Vardell Holdings said exports had fallen by a third.\n"
    )
    assert r.entity("Vardell Holdings").type == "Organization"
    assert r.entity("Nakuru").type == "Place"
    assert r.titles("Wanjiru Odhiambo")
    assert r.titles("Achieng Barasa") == ["Mayor"]
    assert len(r.claims_by("Achieng Barasa")) == 1


def test_court_ruling_attribution(read: Read) -> None:
    """An indefinite title named later, a participle after a relative clause, and "which"."""
    r = read(
        "Court blocks mine expansion\n\n"
        "A state judge in Carbonville on Thursday halted the expansion of a copper mine that "
        "would have doubled its output, ruling that the permit had ignored the risk to "
        "groundwater.\n\n"
        'Superior Court Judge Martha Ellison wrote that the agency had "cut corners." The '
        "Westfall Mining Company said it would appeal.\n\n"
        "The ruling was welcomed by the Basin Water Alliance and three tribal councils, which "
        "argued that the mine would drain local wells.\n"
    )
    contents = [r.content(c) for c in r.claims_by("Martha Ellison")]
    assert "the permit had ignored the risk to groundwater" in contents
    (argued,) = r.claims_by("Basin Water Alliance")
    assert r.content(argued) == "the mine would drain local wells"


def test_fronted_phrase_and_trailing_participle(read: Read) -> None:
    """ "In an order …, X declared a curfew" reports nothing; "…, predicting that" is X's."""
    r = read(
        "Curfew ordered after riots in port city\n\n"
        "In an order issued early on Monday, Governor Tomas Lund declared a 30-day curfew in the "
        "capital.\n\n"
        'Shareholder adviser Piet Vos said the delay was "costly," predicting that the company '
        "would lose its financing.\n"
    )
    assert r.claims_by("Tomas Lund") == []
    contents = sorted(r.content(c) for c in r.claims_by("Piet Vos"))
    assert contents == ["the company would lose its financing", 'the delay was "costly,"']


def test_surnames_refound_and_pronoun_gender(read: Read) -> None:
    """A surname the model leaves untagged, "he" after a woman's "she", a promise to act."""
    r = read(
        "Pryce unseats Fairweathers in tight council vote\n\n"
        "Former nurse Ada Pryce defeated Councillor Colm Fairweathers by 212 votes on Sunday, the "
        "county returning office said.\n\n"
        '"This town wanted a change," Pryce told supporters. She promised to reopen the '
        "maternity ward within a year.\n\n"
        "Fairweathers did not concede. In a message to supporters late on Sunday, he said he "
        "would ask for a recount.\n"
    )
    pryce = [r.content(c) for c in r.claims_by("Ada Pryce")]
    assert "to reopen the maternity ward within a year" in pryce
    assert [r.content(c) for c in r.claims_by("Colm Fairweathers")] == [
        "he would ask for a recount"
    ]


def test_plural_descriptions_speak_as_groups(read: Read) -> None:
    """ "Conservation groups said" is several unnamed speakers; "Turnout was" is no person."""
    r = read(
        "Tannery closure leaves river town divided\n\n"
        "Conservation groups said the cleanup would take years.\n\n"
        "Turnout at the town meeting was the highest in a decade.\n"
    )
    assert r.entity("Conservation groups").type == "Group"
    assert not [e for e in r.report.entities if e.name == "Turnout"]
