"""Report → RDF: deterministic IRIs, the named-graph layout, what each part becomes."""

from __future__ import annotations

import datetime as dt

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.extract.report import Extraction, parse_report
from kg.graph.mapping import article_graphs, article_key, slug
from kg.graph.vocab import CG, NIF, ORG, PROV, RDF, SCHEMA, SEM, XSD
from tests.conftest import SEED

TEXT = SEED.with_suffix(".txt").read_text(encoding="utf-8")
FACTS = SEED.with_name(SEED.name + ".facts.json").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report() -> Extraction:
    return parse_report(FACTS)


def objects(quads: list[Quad], s: NamedNode, p: NamedNode) -> list[object]:
    return [q.object for q in quads if q.subject == s and q.predicate == p]


def test_same_input_same_quads(report: Extraction) -> None:
    t = dt.datetime(2025, 6, 9, 12, 0, tzinfo=dt.UTC)
    a = article_graphs(TEXT, report, ingested_at=t)
    b = article_graphs(TEXT, report, ingested_at=t)
    assert a.quads == b.quads
    assert len(a.quads) > 300


def test_base_iri_is_configurable(report: Extraction) -> None:
    g = article_graphs(TEXT, report, base="http://news.example/kg")
    iris = {t.value for q in g.quads for t in (q.subject, q.graph_name) if isinstance(t, NamedNode)}
    assert all(i.startswith("http://news.example/kg/") for i in iris)


def test_article_identity_is_its_url_else_its_text() -> None:
    assert article_key("one text", "https://x/a") == article_key("another text", "https://x/a")
    assert article_key("one text", None) != article_key("another text", None)


def test_layout_article_graph_and_proposition_graphs(report: Extraction) -> None:
    g = article_graphs(TEXT, report)
    art_graph = g.iris.graph
    claims = [q.subject for q in g.quads if q.predicate == RDF.type and q.object == SCHEMA.Claim]
    assert len(claims) == 8
    assert all(q.graph_name == art_graph for q in g.quads if q.subject in claims)
    arrest = next(q for q in g.quads if q.object == CG.Arrest)
    # The arrest is what the prosecutor's claim asserts: it lives in that claim's graph.
    assert arrest.graph_name in claims
    deployment = next(q for q in g.quads if q.object == CG.Deployment)
    assert deployment.graph_name == art_graph  # told in the article's own voice
    assert set(g.graphs) == {
        art_graph,
        *(q.graph_name for q in g.quads if q.object == CG.Arrest),
        *(q.graph_name for q in g.quads if q.object == CG.Attack),
    }


def test_claim_attribution(report: Extraction) -> None:
    g = article_graphs(TEXT, report)
    newsom = NamedNode("https://claimgraph.org/id/person/gavin-newsom")
    claim = next(
        q.subject for q in g.quads if q.predicate == PROV.wasAttributedTo and q.object == newsom
    )
    assert objects(g.quads, claim, CG.cue) == [Literal("called")]
    assert objects(g.quads, claim, SCHEMA.text) == [
        Literal("the president\u2019s move \u201cdeliberate incitement.\u201d")
    ]
    (span,) = objects(g.quads, claim, CG.contentSpan)
    assert isinstance(span, NamedNode) and span.value.endswith("#char=2462,2507")
    assert objects(g.quads, span, NIF.beginIndex) == [Literal("2462", datatype=XSD.integer)]


def test_one_node_per_entity_with_every_mention(report: Extraction) -> None:
    g = article_graphs(TEXT, report)
    trump = NamedNode("https://claimgraph.org/id/person/donald-trump")
    mentions = [
        q.subject for q in g.quads if q.object == trump and q.predicate.value.endswith("taIdentRef")
    ]
    anchors = {str(objects(g.quads, m, NIF.anchorOf)[0].value) for m in mentions}  # type: ignore[union-attr]
    assert anchors == {"Donald Trump", "Trump", "President Donald Trump", "he"}


def test_groups_belong_to_their_article(report: Extraction) -> None:
    g = article_graphs(TEXT, report)
    group = next(q.subject for q in g.quads if q.object == CG.Group)
    assert group.value.startswith(g.iris.article.value + "/group/")


def test_quantity_keeps_its_surface_text(report: Extraction) -> None:
    g = article_graphs(TEXT, report)
    q = next(q.subject for q in g.quads if q.object == Literal("more than a dozen protesters"))
    assert objects(g.quads, q, CG.qualifier) == [CG.MoreThan]
    assert objects(g.quads, q, SCHEMA.value)[0].value in ("12", "12.0")  # type: ignore[union-attr]


def test_offices_are_dated_by_the_article(report: Extraction) -> None:
    g = article_graphs(TEXT, report)
    holders = {q.subject.value for q in g.quads if q.predicate == ORG.holds}
    assert "https://claimgraph.org/id/person/pete-hegseth" in holders
    memberships = [q.subject for q in g.quads if q.object == ORG.Membership]
    assert len(memberships) == 5
    dates = [q.object for q in g.quads if q.predicate.value.endswith("inXSDDate")]
    assert dates == [Literal("2025-06-09", datatype=XSD.date)]


def test_event_roles(report: Extraction) -> None:
    g = article_graphs(TEXT, report)
    dep = next(q.subject for q in g.quads if q.object == CG.Deployment)
    assert objects(g.quads, dep, SEM.hasActor) == [
        NamedNode("https://claimgraph.org/id/person/donald-trump")
    ]
    assert objects(g.quads, dep, CG.force) == [
        NamedNode("https://claimgraph.org/id/organization/national-guard")
    ]
    assert objects(g.quads, dep, SEM.hasPlace) == [
        NamedNode("https://claimgraph.org/id/place/los-angeles")
    ]


def test_slug() -> None:
    assert slug("Adré") == "adre"
    assert slug("Milford Police Officers' Association") == "milford-police-officers-association"
    assert slug("北京").startswith("u")
