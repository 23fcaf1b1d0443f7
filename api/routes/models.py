"""The JSON bodies of the REST routes, as Pydantic models, and their JSON-LD @context.

Every body carries `"@context": "/context.jsonld"`, so a JSON-LD processor reads it as RDF
in the graph's own terms (schema.org, PROV, cg:); a plain JSON client ignores the @ keys.
Lists are Hydra collections: `items` is hydra:member, `next` hydra:next.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kg.graph.vocab import PREFIXES, SERVICE_PREFIXES

CONTEXT: dict[str, Any] = {
    **{p: ns for p, ns in PREFIXES.items() if p in ("schema", "prov", "cg", "org", "rdfs", "xsd")},
    "hydra": SERVICE_PREFIXES["hydra"],
    "items": {"@id": "hydra:member", "@container": "@set"},
    "next": {"@id": "hydra:next", "@type": "@id"},
    "href": {"@id": "rdfs:seeAlso", "@type": "@id"},
    "name": "schema:name",
    "text": "schema:text",
    "cue": "cg:cue",
    "claimType": {"@id": "cg:claimType", "@type": "@id"},
    "claimant": {"@id": "prov:wasAttributedTo"},
    "article": {"@id": "schema:appearance"},
    "mentions": {"@id": "schema:mentions", "@container": "@set"},
    "quantities": {"@id": "cg:mentionsQuantity", "@container": "@set"},
    "url": {"@id": "schema:url", "@type": "xsd:anyURI"},
    "headline": "schema:headline",
    "datePublished": {"@id": "schema:datePublished", "@type": "xsd:date"},
    "publisher": {"@id": "schema:publisher"},
    "types": {"@id": "@type", "@container": "@set"},
    "sameAs": {"@id": "schema:sameAs", "@type": "@id", "@container": "@set"},
    "offices": {"@id": "org:holds", "@container": "@set"},
    "organization": {"@id": "org:postIn"},
    "jurisdiction": {"@id": "cg:jurisdiction"},
    "label": "rdfs:label",
    "value": {"@id": "schema:value", "@type": "xsd:decimal"},
    "minValue": {"@id": "schema:minValue", "@type": "xsd:decimal"},
    "maxValue": {"@id": "schema:maxValue", "@type": "xsd:decimal"},
    "qualifier": {"@id": "cg:qualifier", "@type": "@vocab"},
    "counted": "cg:counted",
    "unit": "schema:unitCode",
    "surfaceText": "cg:surfaceText",
    "claim": {"@id": "cg:matchedClaim"},
    "review": {"@id": "cg:matchedReview"},
    "claimReviewed": "schema:claimReviewed",
    "verdict": {"@id": "cg:normalizedVerdict", "@type": "@vocab"},
    "rating": "schema:alternateName",
    "score": {"@id": "cg:matchScore", "@type": "xsd:decimal"},
    "method": "cg:matchMethod",
    "conflictsWith": {"@id": "cg:conflictsWith"},
    "linkedAt": {"@id": "prov:generatedAtTime", "@type": "xsd:dateTime"},
    "title": "schema:headline",
}


class Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class Ref(Model):
    """A node of the graph: its IRI, its name, and where this API describes it."""

    iri: str = Field(
        serialization_alias="@id", description="The node's IRI; dereferenceable when under the base"
    )
    name: str | None = None
    href: str | None = Field(default=None, description="Its REST URL on this server")


class ArticleRef(Model):
    iri: str = Field(serialization_alias="@id")
    url: str | None = None
    headline: str | None = None
    datePublished: str | None = None


class Page(Model):
    """One page of a listing. Follow `next` for the following page: it carries an opaque
    `after` cursor (the last row's sort key), so every page costs what the first costs."""

    context: str = Field(default="/context.jsonld", serialization_alias="@context")
    limit: int
    offset: int = Field(description="Items skipped (the `offset` asked for; 0 with `after`)")
    after: str | None = Field(default=None, description="The cursor this page starts after")
    next: str | None = Field(
        default=None,
        description="The next page (same filters, `after` this page's last row); "
        "absent on the last one",
    )


class Article(ArticleRef):
    publisher: str | None = None
    claims: int = 0
    href: str | None = None


class ArticlePage(Page):
    items: list[Article]


class Claim(Model):
    iri: str = Field(serialization_alias="@id")
    href: str
    text: str
    cue: str
    claimType: str | None = None
    claimant: Ref
    article: ArticleRef
    mentions: list[Ref] = Field(default_factory=list)


class ClaimPage(Page):
    items: list[Claim]


class ClaimDetail(Claim):
    context: str = Field(default="/context.jsonld", serialization_alias="@context")
    certainty: str | None = None
    polarity: str | None = None
    temporality: str | None = None
    confidence: float | None = None
    medium: Ref | None = None
    quantities: list[str] = Field(default_factory=list, description="Quantity IRIs")
    conflictsWith: list[str] = Field(default_factory=list, description="Conflicting claims")
    factchecks: str = Field(description="Where the claim's fact-check links are listed")


class Office(Model):
    iri: str = Field(serialization_alias="@id")
    label: str
    organization: Ref | None = None
    jurisdiction: Ref | None = None


class Entity(Model):
    iri: str = Field(serialization_alias="@id")
    href: str
    name: str
    types: list[str]


class EntityPage(Page):
    items: list[Entity]


class EntityDetail(Entity):
    context: str = Field(default="/context.jsonld", serialization_alias="@context")
    alternateNames: list[str] = Field(default_factory=list)
    sameAs: list[str] = Field(default_factory=list)
    offices: list[Office] = Field(default_factory=list)
    claimsMade: int = 0
    claimsMentioning: int = 0
    claims: str = Field(description="Its claims: /claims?claimant=…")


class Quantity(Model):
    iri: str = Field(serialization_alias="@id")
    surfaceText: str
    value: float
    minValue: float | None = None
    maxValue: float | None = None
    qualifier: str | None = None
    counted: str | None = None
    unit: str | None = None
    claim: Ref
    claimant: Ref
    article: ArticleRef
    about: list[Ref] = Field(default_factory=list, description="Places and entities concerned")


class QuantityPage(Page):
    items: list[Quantity]


class FactCheckLink(Model):
    """One stored cg:ClaimMatch: the review it links the claim to, and how."""

    iri: str = Field(serialization_alias="@id")
    review: str
    url: str
    claimReviewed: str
    verdict: str | None = None
    score: float | None = None
    method: str | None = None


class FactCheckLinks(Model):
    context: str = Field(default="/context.jsonld", serialization_alias="@context")
    claim: str
    items: list[FactCheckLink]


class Review(Model):
    iri: str = Field(serialization_alias="@id")
    url: str
    claimReviewed: str
    verdict: str | None = None
    rating: str | None = None
    publisher: str | None = None
    datePublished: str | None = None


class ReviewPage(Page):
    items: list[Review]


class Match(Model):
    """A link from one of our claims to a published fact-check, and when it was made."""

    iri: str = Field(serialization_alias="@id")
    claim: str
    claimText: str | None = None
    href: str = Field(description="The claim's REST resource")
    review: str
    url: str | None = None
    claimReviewed: str | None = None
    verdict: str | None = None
    rating: str | None = None
    publisher: str | None = None
    score: float
    linkedAt: str = Field(description="When the link was first made (UTC)")


class MatchPage(Page):
    since: str | None = Field(default=None, description="The `since` asked for, in UTC")
    items: list[Match]


class ImportResult(Model):
    context: str = Field(default="/context.jsonld", serialization_alias="@context")
    read: int
    new: int
    updated: int
    refused: list[str]
    skipped: list[str]


class Side(Model):
    claim: Ref
    claimant: Ref
    figure: str
    value: float
    counted: str | None = None
    article: ArticleRef


class Conflict(Model):
    a: Side
    b: Side


class ConflictPage(Page):
    items: list[Conflict]


class Violation(Model):
    severity: str
    focus: str
    path: str | None = None
    value: str | None = None
    message: str
    text: str | None = None


class IngestOut(Model):
    context: str = Field(default="/context.jsonld", serialization_alias="@context")
    article: Ref
    change: str = Field(description="created, replaced or unchanged")
    quads: int
    claims: int
    entities: int
    conflicts: int = Field(description="Conflicting pairs in the whole graph after the write")
    conforms: bool
    warnings: list[Violation]
    extraction: dict[str, Any] = Field(description="The report stored (kg.extract.report format)")


class SearchHit(Model):
    """One search result: the resource, why it matched (the snippet), and where it lives."""

    iri: str = Field(serialization_alias="@id")
    types: list[str] = Field(description="Its classes: schema:Claim, schema:NewsArticle, …")
    kind: str = Field(description="claim, article, entity or factcheck")
    href: str | None = Field(default=None, description="Its REST or linked-data URL here")
    title: str | None = None
    snippet: str = Field(description="HTML: the text around the match, matched words in <mark>")
    score: float = Field(description="BM25 relevance (higher is better)")
    claimant: Ref | None = None
    datePublished: str | None = None
    article: Ref | None = None


class SearchPage(Page):
    items: list[SearchHit]
    order: str = Field(
        default="relevance",
        description="relevance (BM25), or newest: a search matching over 20,000 documents is "
        "listed newest indexed first, since ranking them all costs a second at scale",
    )


class Count(Model):
    key: str
    name: str | None = None
    count: int


class CountList(Model):
    context: str = Field(default="/context.jsonld", serialization_alias="@context")
    by: str
    total: int = Field(description="How many keys there are (items holds the first `limit`)")
    items: list[Count]
