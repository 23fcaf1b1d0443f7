"""Linked data as a user checks it: pages for people, RDF for machines, 404 for the unknown."""

from __future__ import annotations

import html
import re

import httpx
from pyoxigraph import NamedNode, RdfFormat, parse

pytest_plugins = ["tests.api.conftest_rest"]

NEWSOM = "/id/article/44117d53a77468d5/claim/2462-2507"
ARREST = "/id/article/44117d53a77468d5/claim/2084-2130"
BASE = "https://claimgraph.org/id/"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_claim_page_highlights_the_claimed_words(web: httpx.Client) -> None:
    page = web.get(NEWSOM, headers=HTML)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    marked = re.findall(r"<mark>(.*?)</mark>", page.text, re.S)
    assert [html.unescape(m) for m in marked] == ["the president’s move “deliberate incitement.”"]
    assert "Gavin Newsom" in page.text and 'href="/id/person/gavin-newsom"' in page.text


def test_entity_page_lists_the_office(web: httpx.Client) -> None:
    page = web.get("/id/person/elena-marsh", headers=HTML)
    assert page.status_code == 200
    offices = page.text.split("<h2>Offices</h2>")[1].split("<h2>")[0]
    assert "Governor" in offices and "Oregon" in offices


def test_claim_turtle_holds_its_proposition_graph(web: httpx.Client) -> None:
    answer = web.get(ARREST, headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    triples = [q.triple for q in parse(answer.content, RdfFormat.TURTLE)]
    claim = NamedNode(BASE + ARREST.removeprefix("/id/"))
    assert any(t.subject == claim for t in triples)
    arrest = NamedNode("https://w3id.org/claimgraph/ns#Arrest")
    events = [t.subject for t in triples if t.object == arrest]
    assert events == [NamedNode(BASE + "article/44117d53a77468d5/event/2122-2130")]


def test_other_formats_and_unknown_iris(web: httpx.Client) -> None:
    jsonld = web.get(NEWSOM, headers={"Accept": "application/ld+json"})
    assert jsonld.status_code == 200 and jsonld.json()
    nt = web.get(NEWSOM, params={"format": "ntriples"})
    assert nt.headers["content-type"].startswith("application/n-triples")
    assert len(list(parse(nt.content, RdfFormat.N_TRIPLES))) > 10
    assert web.get("/id/person/nobody-at-all", headers=HTML).status_code == 404
    assert web.get(NEWSOM, headers={"Accept": "image/png"}).status_code == 406
    article = web.get("/id/article/44117d53a77468d5", headers=HTML)
    assert article.status_code == 200 and "Gavin Newsom" in article.text
    generic = web.get("/id/role/governor", headers=HTML)
    assert generic.status_code == 200 and "skos:prefLabel" in generic.text


def test_ontology_void_context_export(web: httpx.Client) -> None:
    docs = web.get("/ontology", headers=HTML)
    assert docs.status_code == 200 and "<html" in docs.text
    ttl = web.get("/ontology", headers={"Accept": "text/turtle"})
    assert "owl:Ontology" in ttl.text
    void = web.get("/.well-known/void")
    triples = [q.triple for q in parse(void.content, RdfFormat.TURTLE)]
    counts = {t.predicate.value.rsplit("#", 1)[-1]: t.object for t in triples}
    assert int(counts["triples"].value) > 2000
    assert "sparqlEndpoint" in counts and "dataDump" in counts
    assert "@context" in web.get("/context.jsonld").json()
    dump = web.get("/export", params={"format": "nquads"})
    assert dump.status_code == 200
    quads = list(parse(dump.content, RdfFormat.N_QUADS))
    assert len(quads) > 2000
    assert web.get("/export", params={"format": "jsonld"}).json()
