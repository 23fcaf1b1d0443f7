"""Fact-checks as RDF: a pure function, in the shape ClaimsKG uses and our ontology adds to.

Each review gets a deterministic IRI from its URL (so a re-import replaces, never
duplicates) and a named graph of its own, `<REVIEW/graph>`. The reviewed claim is a
`schema:CreativeWork`, as in ClaimsKG: it is someone's claim as the fact-checker states
it, not a claim extracted by us (those are `schema:Claim` with their spans). The
publisher's own rating is kept as published; `cg:normalizedVerdict` stands beside it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad

from kg.factcheck.claimreview import FactCheck, Verdict
from kg.graph.mapping import DEFAULT_BASE_IRI, shared_graph, slug
from kg.graph.vocab import CG, PROV, RDF, SCHEMA, XSD

VERDICT_TERMS = {
    Verdict.TRUE: CG.VerdictTrue,
    Verdict.FALSE: CG.VerdictFalse,
    Verdict.MIXTURE: CG.VerdictMixture,
    Verdict.OTHER: CG.VerdictOther,
}


def review_iri(url: str, base: str = DEFAULT_BASE_IRI) -> NamedNode:
    return NamedNode(f"{base}review/{hashlib.sha256(url.encode('utf-8')).hexdigest()[:16]}")


def review_graph(review: NamedNode) -> NamedNode:
    return NamedNode(review.value + "/graph")


def _dec(value: float) -> Literal:
    return Literal(format(Decimal(repr(value)).normalize(), "f"), datatype=XSD.decimal)


def review_quads(r: FactCheck, base: str = DEFAULT_BASE_IRI) -> list[Quad]:
    """One review's quads, all in its own graph."""
    node = review_iri(r.url, base)
    g = review_graph(node)
    shared = shared_graph(base)
    out: list[Quad] = []

    def add(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        # The fact-checker's own description is shared by all of its reviews.
        out.append(Quad(s, p, o, g if s.value.startswith(node.value) else shared))

    add(node, RDF.type, SCHEMA.ClaimReview)
    add(node, SCHEMA.url, Literal(r.url, datatype=XSD.anyURI))
    add(node, SCHEMA.claimReviewed, Literal(r.claim_reviewed))
    if r.identifier:
        add(node, SCHEMA.identifier, Literal(r.identifier))
    if r.headline:
        add(node, SCHEMA.headline, Literal(r.headline))
    if r.description:
        add(node, SCHEMA.description, Literal(r.description))
    if r.date_published:
        add(node, SCHEMA.datePublished, Literal(r.date_published.isoformat(), datatype=XSD.date))
    if r.language:
        add(node, SCHEMA.inLanguage, Literal(r.language))
    if r.publisher:
        org = NamedNode(f"{base}organization/{quote(slug(r.publisher))}")
        add(node, SCHEMA.author, org)
        add(org, RDF.type, SCHEMA.Organization)
        add(org, RDF.type, PROV.Agent)
        add(org, SCHEMA.name, Literal(r.publisher))
        if r.publisher_url:
            add(org, SCHEMA.url, Literal(r.publisher_url, datatype=XSD.anyURI))
    if r.creator:
        add(node, SCHEMA.creator, Literal(r.creator))
    add(node, CG.normalizedVerdict, VERDICT_TERMS[r.verdict])
    if r.rating is not None:
        rating = NamedNode(node.value + "/rating")
        add(node, SCHEMA.reviewRating, rating)
        add(rating, RDF.type, SCHEMA.Rating)
        if r.rating.label:
            add(rating, SCHEMA.alternateName, Literal(r.rating.label))
        for p, v in (
            (SCHEMA.ratingValue, r.rating.value),
            (SCHEMA.bestRating, r.rating.best),
            (SCHEMA.worstRating, r.rating.worst),
        ):
            if v is not None:
                add(rating, p, _dec(v))
    item = NamedNode(node.value + "/claim")
    add(node, SCHEMA.itemReviewed, item)
    add(item, RDF.type, SCHEMA.CreativeWork)
    add(item, SCHEMA.text, Literal(r.claim_reviewed))
    if r.claimant:
        add(item, SCHEMA.author, Literal(r.claimant))
    if r.claim_date:
        add(item, SCHEMA.datePublished, Literal(r.claim_date.isoformat(), datatype=XSD.date))
    for url in r.appearances:
        add(item, SCHEMA.appearance, Literal(url, datatype=XSD.anyURI))
    return out


def reviews_quads(reviews: Iterable[FactCheck], base: str = DEFAULT_BASE_IRI) -> list[Quad]:
    return [q for r in reviews for q in review_quads(r, base)]
