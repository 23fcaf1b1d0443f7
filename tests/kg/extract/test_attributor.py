"""The learned attribution step (kg/extract/attributor.py) on the shipped model: sentences
shaped like real news, the reporting frames the rules never knew, and a damaged model file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kg.errors import ModelFileError
from kg.extract import attributor
from kg.extract.attributor import DIMENSIONS, KINDS, load_weights
from tests.kg.extract.conftest import Reading

Read = Callable[[str], Reading]


def test_shipped_model_loads() -> None:
    weights = load_weights()
    assert set(weights.vectors) == set(KINDS)
    assert all(v.shape == (DIMENSIONS,) and v.any() for v in weights.vectors.values())
    assert all(0 < t < 1 for t in weights.thresholds.values())


def test_missing_model_names_the_file_and_the_rebuild(tmp_path: Path) -> None:
    missing = tmp_path / "attributor.npz"
    with pytest.raises(ModelFileError) as err:
        load_weights(missing)
    assert str(missing) in str(err.value) and "make train-attribution" in str(err.value)


def test_damaged_model_names_the_file(tmp_path: Path) -> None:
    damaged = tmp_path / "attributor.npz"
    damaged.write_bytes(b"PK\x03\x04 not a model at all")
    with pytest.raises(ModelFileError) as err:
        load_weights(damaged)
    assert str(damaged) in str(err.value) and "make train-attribution" in str(err.value)


def test_appositive_speaker(read: Read) -> None:
    r = read("The attorney general, Rob Bonta, said the deployment was unlawful.")
    (claim,) = r.claims_by("Rob Bonta")
    assert r.content(claim) == "the deployment was unlawful"


def test_outlet_after_the_content(read: Read) -> None:
    r = read("The deployment has cost $134 million so far, according to the Los Angeles Times.")
    (claim,) = r.report.claims
    assert claim.cue == "according to" and claim.type == "according_to"
    speaker = next(e for e in r.report.entities if e.id == claim.claimant)
    assert "Los Angeles Times" in speaker.name
    assert r.content(claim).startswith("The deployment has cost $134 million")


def test_polls_show(read: Read) -> None:
    r = read(
        "Hillary Clinton campaigned in Ohio on Tuesday. "
        "New polls show Clinton leading Donald Trump by four points in the state."
    )
    claims = [c for c in r.report.claims if c.cue == "show"]
    assert len(claims) == 1
    assert r.content(claims[0]).startswith("Clinton leading Donald Trump")


def test_pronoun_source_is_a_mention_of_its_speaker(read: Read) -> None:
    r = read(
        "Senator Elizabeth Warren questioned the bank's chief executive on Tuesday. "
        "She said the bank had failed its customers."
    )
    (claim,) = [c for c in r.claims_by("Elizabeth Warren") if c.cue == "said"]
    warren = r.entity("Elizabeth Warren")
    she = r.text.index("She said")
    assert any(m.start == she for m in warren.mentions)
    assert r.content(claim) == "the bank had failed its customers"


def test_refused_question_is_no_claim(read: Read) -> None:
    r = read(
        "Defense Secretary Pete Hegseth said more troops would be sent to the city, "
        "although he did not say how many."
    )
    assert not any(r.content(c).startswith("how many") for c in r.report.claims)
    (said,) = [c for c in r.report.claims if c.cue == "said"]
    assert r.content(said).startswith("more troops would be sent to the city")
    assert said.factuality.polarity == "positive"


def test_declined_to_say_is_never_a_plain_claim(read: Read) -> None:
    r = read("Governor Gavin Newsom declined to say whether the state would sue over the order.")
    for claim in r.report.claims:
        assert claim.factuality.polarity == "negative" or claim.factuality.certainty != "certain"


def test_asked_whether_is_not_asserted(read: Read) -> None:
    r = read("Reporters asked Mayor Karen Bass whether the curfew would be lifted on Friday.")
    for claim in r.report.claims:
        assert claim.factuality.certainty == "possible"


def test_denied_reporting_is_negative(read: Read) -> None:
    r = read("Mayor Karen Bass did not say that the curfew had worked.")
    for claim in r.report.claims:
        assert claim.factuality.polarity == "negative"


def test_one_claim_per_content(read: Read) -> None:
    """Two cue words of one attribution never give the same content twice."""
    r = read(
        "Trump sharply criticized the Federal Reserve on Monday, saying that interest rates "
        "were far too high for a growing economy."
    )
    spans = [(c.start, c.end) for c in r.report.claims]
    for i, (s1, e1) in enumerate(spans):
        for s2, e2 in spans[i + 1 :]:
            inter = max(0, min(e1, e2) - max(s1, s2))
            assert inter < 0.5 * min(e1 - s1, e2 - s2)


def test_extraction_with_a_damaged_model_fails_with_its_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    damaged = tmp_path / "attributor.npz"
    damaged.write_bytes(b"\x00" * 64)
    monkeypatch.setattr(attributor, "MODEL_FILE", damaged)
    from kg.extract import extract

    with pytest.raises(ModelFileError):
        extract("Mayor Ann Lee said the bridge would reopen on Monday.")


def test_quotations_signed_with_a_dash(read: Read) -> None:
    """Reader quotes and pull quotes: the name under the quotation is its speaker, also where
    the quotation quotes someone else or opens with a wrong-way mark."""
    r = read(
        "We asked readers what they thought of the debate.\n\n"
        "\u201cDuring the debate Trump said Hispanics live in hell. He is ignorant of our "
        "culture.\u201d\u2015 Pamela Padilla\n\n"
        "\u201dFear. I am truly afraid that he will win the election.\u201d "
        "\u2015 Edwin G. Monroy\n\n"
        '"Almost all new income is going to the top 1 percent."\n- Bernie Sanders.\n'
    )
    (padilla,) = r.claims_by("Pamela Padilla")
    assert r.content(padilla).startswith("During the debate Trump said")
    assert r.content(padilla).endswith("ignorant of our culture")
    assert padilla.cue == "\u2015"
    (monroy,) = r.claims_by("Edwin G. Monroy")
    assert r.content(monroy) == "Fear. I am truly afraid that he will win the election"
    (sanders,) = r.claims_by("Bernie Sanders")
    assert r.content(sanders).startswith("Almost all new income")
    assert not [c for c in r.report.claims if r.content(c) == "Hispanics live in hell"]


def test_embedded_post_signed_with_its_handle(read: Read) -> None:
    r = read(
        "Reporters at the rally posted pictures.\n\n"
        "Governor Pence is wearing a Make Mexico Great Again Also hat at the rally.\n"
        "\u2014 Ben Jacobs (@Bencjacobs) September 1, 2016\n\nThe campaign did not comment.\n"
    )
    (post,) = r.claims_by("Ben Jacobs")
    assert r.content(post).startswith("Governor Pence is wearing")


def test_a_dash_that_signs_nothing(read: Read) -> None:
    """List items and asides set off by dashes are not signatures."""
    r = read(
        "The city announced three changes on Monday:\n"
        "\u2014 Bus fares rise to $3 in June.\n"
        "\u2014 Library Hours\n"
        "The mayor \u2014 Karen Bass \u2014 spoke at noon.\n"
    )
    assert not [c for c in r.report.claims if c.cue in ("\u2014", "\u2015")]


def test_transcript_turns(read: Read) -> None:
    """A transcript's speaker labels attribute each turn, whatever the parse of the line."""
    r = read(
        "Fox News Sunday spoke to Mike Pence. Partial transcript as follows:\n\n"
        '"WALLACE: But, Governor, as The Wall Street Journal wrote, people worry about his '
        "temperament. Why would Trump go down that road?\n\n"
        '"PENCE: Well, look, the question really should be why the Clinton campaign invited '
        "a celebrity to the debate.\n\n"
        "Q: And the polls?\n"
    )
    turns = [c for c in r.report.claims if c.cue == ":"]
    assert [r.content(c)[:12] for c in turns] == ["But, Governo", "Well, look, "]
    wallace, pence = (r.entity_of(c) for c in turns)
    assert "WALLACE" in r.names(wallace) and "PENCE" in r.names(pence)
    assert not [c for c in r.report.claims if "Journal" in r.entity_of(c).name]


def test_interrupted_quotation_keeps_the_speaker_between_its_halves(read: Read) -> None:
    r = read(
        "Shifting monsoon patterns could affect a billion people, Mr. Obama said in his "
        'interview.\n\n"If you have even a portion of those billion people displaced," he '
        "said, \"you now have the sorts of refugee crises that we haven't seen in our "
        'lifetimes."\n'
    )
    claims = r.claims_by("Obama")
    (quote,) = [c for c in claims if c.parts]
    assert r.content(quote).startswith("If you have even a portion")
    assert r.content(quote).endswith("in our lifetimes")
    assert "he" in r.names(r.entity_of(quote))


def test_a_report_inside_a_quotation_is_part_of_it(read: Read) -> None:
    """The second stage learned that PolNeAR never marks a report nested in another's
    content: "call" and "wish" here are the speakers' words, not claims of their own."""
    for text, cue in [
        (
            '"It\'s more tinkering at the edges," said Alan Cole, an economist at the Tax '
            "Foundation. \"I wouldn't call it reform. There aren't any major reformulations.\"",
            "said",
        ),
        (
            '"I don\'t judge what people choose to spend money on," he said. "But most people '
            'with kids going to college wish they could go back and change what they spent."',
            "said",
        ),
    ]:
        r = read(text)
        assert [c.cue for c in r.report.claims] == [cue]


def test_acts_are_not_statements(read: Read) -> None:
    """A verb with a person for subject and a thing for object is no report."""
    r = read(
        "Trump unleashed a series of tweets early Friday. Mitt Romney released his returns "
        "in 2012, even though they exposed his foreign bank accounts."
    )
    assert r.report.claims == []


def test_a_relative_pronoun_source_is_a_mention_of_its_speaker(read: Read) -> None:
    """PolNeAR marks "who" as the source of "…, who said …": it resolves to the noun, and is
    one of the speaker's mentions."""
    r = read(
        "The bill was blocked by Senate Majority Leader Mitch McConnell, who said the "
        "measure would raise taxes on small businesses."
    )
    (claim,) = r.claims_by("Mitch McConnell")
    who = r.text.index("who said")
    assert any(m.start == who for m in r.entity("Mitch McConnell").mentions)
    assert r.content(claim) == "the measure would raise taxes on small businesses"


def test_the_agent_of_a_passive_cue_is_no_content() -> None:
    from kg.extract.attributor import _in_agent
    from kg.extract.pipeline import load_model

    doc = load_model()("The plan was promoted by the Republican presidential nominee.")
    promoted = next(t for t in doc if t.lower_ == "promoted")
    nominee = next(t for t in doc if t.lower_ == "nominee")
    assert _in_agent(promoted, nominee.left_edge.i, nominee.i + 1)
    assert not _in_agent(promoted, 0, 2)  # "The plan"
    outraged = load_model()("Voters were outraged by the remarks.")
    feeling = next(t for t in outraged if t.lower_ == "outraged")
    assert not _in_agent(feeling, len(outraged) - 3, len(outraged) - 1)  # what outraged them


def test_a_country_that_speaks_is_the_claimant(read: Read) -> None:
    """ "Russia insisted …": the state speaks; PolNeAR and the project's gold attribute to the
    place itself, so the claim is kept with the place as claimant, a prov:Agent in the graph
    that the shapes accept."""
    from kg.graph.mapping import article_graphs
    from kg.graph.validate import validate_quads
    from kg.graph.vocab import PROV, RDF

    r = read(
        "North Korea tested a nuclear device on Friday. Russia insisted that Pyongyang stop "
        "its dangerous escapades."
    )
    (claim,) = r.claims_by("Russia")
    assert r.entity_of(claim).type == "Place"
    assert r.content(claim) == "Pyongyang stop its dangerous escapades"
    graphs = article_graphs(r.text, r.report)
    assert validate_quads(graphs.quads).conforms
    attributed = {q.object for q in graphs.quads if q.predicate == PROV.wasAttributedTo}
    assert {
        q.subject for q in graphs.quads if q.predicate == RDF.type and q.object == PROV.Agent
    } >= attributed


def test_the_cue_s_object_is_never_its_source() -> None:
    """ "admires *Putin* as a “strong leader”": the object is what is talked about; the
    speaker is the subject (PolNeAR train: 74 of 18,000 sources are the cue's object)."""
    from kg.extract.attributor import source_candidates
    from kg.extract.pipeline import load_model

    doc = load_model()(
        "The senator openly admires Russian President Vladimir Putin as a "
        "\u201cstrong leader.\u201d"
    )
    admires = next(t for t in doc if t.lower_ == "admires")
    names = {t.text for t in source_candidates(admires)}
    assert "senator" in names and "Putin" not in names
