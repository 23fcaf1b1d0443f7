"""Out to fact-checkers: our claims as ClaimReview-ready JSON-LD, and ClaimsKG-shaped RDF.

Fact-checkers review `schema:Claim` objects (text, author, appearance, dates), one file
or a DataFeed; the JSON-LD names its context "https://schema.org" as their tools expect.
ClaimsKG (GESIS) publishes reviews in its own RDF model: a ClaimReview reviews a
`schema:CreativeWork`, ratings are told apart by their author (the publisher's own, and
ClaimsKG's normalised one with values FALSE 1, MIXTURE 2, TRUE 3, OTHER -1), schema.org
is `http://schema.org/`, and entity mentions use ITS under its `https` namespace (a quirk
of ClaimsKG kept here so that the two graphs merge).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from pyoxigraph import Literal, NamedNode, QuerySolutions, Triple

from kg.factcheck.claimreview import Verdict
from kg.graph.vocab import (
    CG,
    CLAIMSKG,
    CLAIMSKG_ITSRDF,
    CLAIMSKG_ORG,
    CLAIMSKG_SCHEMA,
    NIF,
    OWL,
    PROV,
    RDF,
    SCHEMA,
    SCHEMA_CONTEXT,
    XSD,
)
from kg.store.graphstore import GraphStore

# The prefixes ClaimsKG's own Turtle dumps declare (ITS RDF under https, as it writes it).
CLAIMSKG_PREFIXES = {
    "schema": SCHEMA.iri,
    "nif": NIF.iri,
    "itsrdf": CLAIMSKG_ITSRDF.iri,
    "xsd": XSD.iri,
}

_CLAIMS = f"""
SELECT ?claim ?text ?who ?name ?kind ?article ?url ?headline ?date ?publisher
       (GROUP_CONCAT(DISTINCT ?appearance; separator=" ") AS ?appearances)
WHERE {{
  ?claim a {SCHEMA.Claim} ; {SCHEMA.text} ?text ; {PROV.wasAttributedTo} ?who ;
         {SCHEMA.appearance} ?article .
  ?who {SCHEMA.name} ?name .
  BIND (IF(EXISTS {{ ?who a {SCHEMA.Person} }}, "Person", "Organization") AS ?kind)
  OPTIONAL {{ ?article {SCHEMA.url} ?url }}
  OPTIONAL {{ ?article {SCHEMA.headline} ?headline }}
  OPTIONAL {{ ?article {SCHEMA.datePublished} ?date }}
  OPTIONAL {{ ?article {SCHEMA.publisher}/{SCHEMA.name} ?publisher }}
  OPTIONAL {{ ?claim {SCHEMA.appearance}/{SCHEMA.url} ?appearance }}
}}
GROUP BY ?claim ?text ?who ?name ?kind ?article ?url ?headline ?date ?publisher
ORDER BY ?date ?claim
"""


def _v(term: object) -> str | None:
    return term.value if isinstance(term, (NamedNode, Literal)) else None


def claims_jsonld(store: GraphStore) -> list[dict[str, Any]]:
    """Every claim of ours as a schema:Claim object a fact-checker can review."""
    result = store.query(_CLAIMS)
    assert isinstance(result, QuerySolutions)
    out: list[dict[str, Any]] = []
    for row in result:
        article: dict[str, Any] = {"@type": "NewsArticle", "@id": _v(row["article"])}
        for key, var in (("url", "url"), ("headline", "headline"), ("datePublished", "date")):
            if _v(row[var]):
                article[key] = _v(row[var])
        if _v(row["publisher"]):
            article["publisher"] = {"@type": "Organization", "name": _v(row["publisher"])}
        claim: dict[str, Any] = {
            "@context": SCHEMA_CONTEXT,
            "@type": "Claim",
            "@id": _v(row["claim"]),
            "text": _v(row["text"]),
            "author": {"@type": _v(row["kind"]), "@id": _v(row["who"]), "name": _v(row["name"])},
            "appearance": article,
            "firstAppearance": article,
        }
        if _v(row["date"]):
            claim["datePublished"] = _v(row["date"])
        out.append(claim)
    return out


def claims_datafeed(store: GraphStore, *, name: str = "claimgraph claims") -> dict[str, Any]:
    items = []
    for claim in claims_jsonld(store):
        claim.pop("@context")
        items.append({"@type": "DataFeedItem", "item": claim})
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "DataFeed",
        "name": name,
        "dateModified": dt.date.today().isoformat(),
        "dataFeedElement": items,
    }


_REVIEWS = f"""
SELECT ?review ?url ?headline ?date ?author ?authorName ?authorUrl ?verdict ?label ?value
       ?best ?worst ?claimText ?claimant ?claimDate
WHERE {{
  ?review a {SCHEMA.ClaimReview} ; {SCHEMA.url} ?url ; {CG.normalizedVerdict} ?verdict ;
          {SCHEMA.itemReviewed} ?item .
  ?item {SCHEMA.text} ?claimText .
  OPTIONAL {{ ?item {SCHEMA.author} ?claimant }}
  OPTIONAL {{ ?item {SCHEMA.datePublished} ?claimDate }}
  OPTIONAL {{ ?review {SCHEMA.headline} ?headline }}
  OPTIONAL {{ ?review {SCHEMA.datePublished} ?date }}
  OPTIONAL {{ ?review {SCHEMA.author} ?author . ?author {SCHEMA.name} ?authorName
             OPTIONAL {{ ?author {SCHEMA.url} ?authorUrl }} }}
  OPTIONAL {{ ?review {SCHEMA.reviewRating} ?r .
             OPTIONAL {{ ?r {SCHEMA.alternateName} ?label }}
             OPTIONAL {{ ?r {SCHEMA.ratingValue} ?value }}
             OPTIONAL {{ ?r {SCHEMA.bestRating} ?best }}
             OPTIONAL {{ ?r {SCHEMA.worstRating} ?worst }} }}
}}
"""

_VERDICT_OF = {
    CG.VerdictTrue.value: Verdict.TRUE,
    CG.VerdictFalse.value: Verdict.FALSE,
    CG.VerdictMixture.value: Verdict.MIXTURE,
    CG.VerdictOther.value: Verdict.OTHER,
}


def _uuid_like(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def claimskg_triples(store: GraphStore) -> list[Triple]:
    """The store's reviews, and our claims, in ClaimsKG's RDF model."""
    s = SCHEMA
    out: list[Triple] = []

    def add(a: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        out.append(Triple(a, p, o))

    add(CLAIMSKG_ORG, RDF.type, s.Organization)
    add(CLAIMSKG_ORG, s.name, Literal("ClaimsKG"))
    for v in Verdict:
        node = NamedNode(f"{CLAIMSKG}rating/normalized/claimskg_{v.value}")
        add(node, RDF.type, s.Rating)
        add(node, s.alternateName, Literal(v.value, language="en"))
        add(node, s.author, CLAIMSKG_ORG)
        add(node, s.ratingValue, Literal(str(v.claimskg_value), datatype=XSD.integer))

    result = store.query(_REVIEWS)
    assert isinstance(result, QuerySolutions)
    for row in result:
        url = _v(row["url"]) or ""
        review = NamedNode(f"{CLAIMSKG}claim_review/{_uuid_like('review', url)}")
        work = NamedNode(f"{CLAIMSKG}creative_work/{_uuid_like('work', url)}")
        add(review, RDF.type, s.ClaimReview)
        add(review, s.url, NamedNode(url))
        add(review, s.itemReviewed, work)
        verdict = _VERDICT_OF.get(_v(row["verdict"]) or "", Verdict.OTHER)
        add(review, s.reviewRating, NamedNode(f"{CLAIMSKG}rating/normalized/claimskg_{verdict}"))
        if _v(row["headline"]):
            add(review, s.headline, Literal(_v(row["headline"]) or ""))
        if _v(row["date"]):
            add(review, s.datePublished, Literal(_v(row["date"]) or "", datatype=XSD.date))
        author = row["author"]
        if isinstance(author, NamedNode):
            add(review, s.author, author)
            add(author, RDF.type, s.Organization)
            add(author, s.name, Literal(_v(row["authorName"]) or ""))
            if _v(row["authorUrl"]):
                add(author, s.url, NamedNode(_v(row["authorUrl"]) or ""))
        if any(_v(row[k]) for k in ("label", "value")):
            rating = NamedNode(review.value.replace("/claim_review/", "/rating/original/"))
            add(review, s.reviewRating, rating)
            add(rating, RDF.type, s.Rating)
            if isinstance(author, NamedNode):
                add(rating, s.author, author)
            if _v(row["label"]):
                add(rating, s.alternateName, Literal(_v(row["label"]) or ""))
            for key, p in (
                ("value", s.ratingValue),
                ("best", s.bestRating),
                ("worst", s.worstRating),
            ):
                if _v(row[key]):
                    add(rating, p, Literal(_v(row[key]) or "", datatype=XSD.decimal))
        add(work, RDF.type, s.CreativeWork)
        add(work, s.text, Literal(_v(row["claimText"]) or ""))
        if _v(row["claimant"]):
            person = NamedNode(
                f"{CLAIMSKG}creative_work_author/{_uuid_like('author', _v(row['claimant']) or '')}"
            )
            add(work, s.author, person)
            add(person, RDF.type, CLAIMSKG_SCHEMA.Thing)
            add(person, s.name, Literal(_v(row["claimant"]) or ""))
        if _v(row["claimDate"]):
            add(work, s.datePublished, Literal(_v(row["claimDate"]) or "", datatype=XSD.date))

    out.extend(_our_claims_as_creative_works(store))
    return out


_MENTIONS = f"""
SELECT ?claim ?text ?name ?date ?url ?entity ?entityName ?same WHERE {{
  ?claim a {SCHEMA.Claim} ; {SCHEMA.text} ?text ; {PROV.wasAttributedTo}/{SCHEMA.name} ?name ;
         {SCHEMA.appearance} ?article .
  OPTIONAL {{ ?article {SCHEMA.datePublished} ?date }}
  OPTIONAL {{ ?article {SCHEMA.url} ?url }}
  OPTIONAL {{ ?claim {SCHEMA.mentions} ?entity . ?entity {SCHEMA.name} ?entityName
             OPTIONAL {{ ?entity {OWL.sameAs} ?same }} }}
}}
"""


def _our_claims_as_creative_works(store: GraphStore) -> list[Triple]:
    s = SCHEMA
    its = CLAIMSKG_ITSRDF.taIdentRef
    out: list[Triple] = []
    result = store.query(_MENTIONS)
    assert isinstance(result, QuerySolutions)
    for row in result:
        claim = row["claim"]
        assert isinstance(claim, NamedNode)
        text = _v(row["text"]) or ""
        out.append(Triple(claim, RDF.type, s.CreativeWork))
        out.append(Triple(claim, s.text, Literal(text)))
        author = NamedNode(
            f"{CLAIMSKG}creative_work_author/{_uuid_like('author', _v(row['name']) or '')}"
        )
        out.append(Triple(claim, s.author, author))
        out.append(Triple(author, RDF.type, CLAIMSKG_SCHEMA.Thing))
        out.append(Triple(author, s.name, Literal(_v(row["name"]) or "")))
        if _v(row["date"]):
            out.append(
                Triple(claim, s.datePublished, Literal(_v(row["date"]) or "", datatype=XSD.date))
            )
        if _v(row["url"]):
            out.append(Triple(claim, CLAIMSKG_SCHEMA.citation, NamedNode(_v(row["url"]) or "")))
        name = _v(row["entityName"])
        if name and name in text:
            begin = text.index(name)
            mention = NamedNode(f"{claim.value}/mention/{begin}")
            target = row["same"] if isinstance(row["same"], NamedNode) else row["entity"]
            assert isinstance(target, NamedNode)
            out.append(Triple(claim, s.mentions, mention))
            out.append(Triple(mention, RDF.type, NIF.Context))
            out.append(Triple(mention, RDF.type, NamedNode(NIF.iri + "RFC5147String")))
            out.append(Triple(mention, NIF.beginIndex, Literal(str(begin), datatype=XSD.integer)))
            out.append(
                Triple(mention, NIF.endIndex, Literal(str(begin + len(name)), datatype=XSD.integer))
            )
            out.append(Triple(mention, NIF.isString, Literal(name)))
            out.append(Triple(mention, its, target))
    return out
