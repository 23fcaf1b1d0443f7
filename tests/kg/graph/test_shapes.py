"""Every constraint of shapes/claimgraph.shapes.ttl, broken one at a time on the seed example.

Each case copies the valid example graph, makes a minimal change to nodes picked by query,
validates what the changed node reaches (`described`: the same report as the whole graph,
several times faster) and compares the report with the expected results: focus node,
result path, value and message, and their severity. The messages are copied by hand from
the shapes file, so a changed message or severity, a new constraint or a dropped one fails
here (`test_table_covers_every_constraint`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import NamedNode
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.extract.report import parse_report
from kg.factcheck.claimreview import FactCheck, Rating, Verdict
from kg.factcheck.rdf import review_iri, review_quads
from kg.graph.mapping import article_graphs
from kg.graph.validate import ValidationReport, shapes_graph, to_rdflib, validate_graph
from kg.graph.vocab import (
    CG,
    GRASPF,
    ITSRDF,
    NIF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SEM,
    SKOS,
    TIME,
    WIKIDATA_ENTITY,
    XSD,
)

XSD_HEX = URIRef("http://www.w3.org/2001/XMLSchema#hexBinary")
XSD_TOKEN = URIRef("http://www.w3.org/2001/XMLSchema#token")
SEED = Path(__file__).resolve().parents[3] / "examples" / "articles" / "seed-la-national-guard"
INGESTED_AT = dt.datetime(2025, 6, 10, 12, 0, tzinfo=dt.UTC)

Expected = tuple[str, str | None, str | None, str]
Pick = Callable[[rdflib.Graph], URIRef]
Apply = Callable[[rdflib.Graph, URIRef], list[Expected]]
Obj = Node | Callable[[rdflib.Graph, URIRef], Node]


def u(term: NamedNode) -> URIRef:
    return URIRef(term.value)


TYPE = u(RDF.type)

# ---------------------------------------------------------------- messages, from the shapes

ART_TEXT = "An article needs exactly one text (nif:isString)."
ART_HASH = "An article needs exactly one SHA-256 content hash, 64 lower-case hex digits."
ART_DATE = "An article's publication date must be one xsd:date (YYYY-MM-DD)."
ART_URL = "An article has at most one URL, typed xsd:anyURI."
ART_HEADLINE = "An article has at most one headline."
ART_PUBLISHER = "An article's publisher must be one schema:Organization."
ART_SPAN_READS = "Span {?value} does not read the article's text at {?begin}-{?end}."

SPAN_BEGIN = "A span needs one begin index, a non-negative integer before its end index."
SPAN_END = "A span needs one end index, a non-negative integer."
SPAN_ANCHOR = "A span needs exactly one anchor text (nif:anchorOf)."
SPAN_CONTEXT = "A span must point into exactly one article text (nif:referenceContext)."
SPAN_REFERENT = "A mention must refer to a person, organisation, group or place."

NAMED_NAME = "A person, organisation, place or group needs a non-empty name."
NAMED_SAME_AS = "owl:sameAs must be a Wikidata entity IRI (http://www.wikidata.org/entity/Q\u2026)."
PERSON_NOT_ORG = "A node cannot be both a person and an organisation."
PERSON_HOLDS = "A person holds posts (org:Post), nothing else."

POST_LABEL = "A post needs its title as a label."
POST_ROLE = "A post needs exactly one org:Role."
POST_IN = "A post is in at most one organisation."
POST_PLACE = "A post is the office of at most one place (cg:jurisdiction)."
MEMBER_PERSON = "An office holding needs exactly one person (org:member)."
MEMBER_ROLE = "An office holding needs exactly one role."
MEMBER_ORG = "An office holding is in at most one organisation."
MEMBER_DURING = "An office holding has at most one interval (org:memberDuring)."
INTERVAL_INSIDE = "An interval contains instants (time:Instant)."
INSTANT_DATE = "An instant needs exactly one xsd:date."
ROLE_LABEL = "A role needs a preferred label."

CLAIM_CLAIMANT = (
    "A claim needs exactly one claimant: a person, organisation, group, or a place speaking for "
    "its government."
)
CLAIM_APPEARANCE = "A claim needs exactly one article it appears in."
CLAIM_TEXT = "A claim needs exactly one non-empty text."
CLAIM_CUE = 'A claim needs exactly one reporting cue ("said", "according to").'
CLAIM_CONTENT_SPAN = "A claim needs exactly one content span."
CLAIM_CUE_SPAN = "A claim has at most one cue span."
CLAIM_TYPE = (
    "A claim needs one claim type: direct quote, indirect speech, according-to or narration."
)
CLAIM_CONFIDENCE = "A claim's confidence is one decimal between 0 and 1."
CLAIM_CERTAINTY = "Certainty is one of the GRaSP values CERTAIN, PROBABLE, POSSIBLE."
CLAIM_POLARITY = "Polarity is one of the GRaSP values POSITIVE, NEGATIVE."
CLAIM_TEMPORALITY = "Temporality is one of the GRaSP values FUTURE, NONFUTURE."
CLAIM_MEDIUM = "A claim's medium is one platform (a schema:Organization)."
CLAIM_MENTIONS = "A claim mentions people, organisations, groups or places."
CLAIM_QUANTITIES = "A claim's quantities are schema:QuantitativeValue nodes."
CLAIM_GENERATED_BY = "A claim was generated by at most one ingest activity."
CLAIM_CONFLICTS = "A claim conflicts only with other claims."

QTY_VALUE = "A quantity needs exactly one value, a decimal of at least 0."
QTY_MIN = "A quantity's minimum is one decimal of at least 0, not above its maximum."
QTY_MAX = "A quantity's maximum is one decimal of at least 0."
QTY_QUALIFIER = (
    "A quantity needs one qualifier: exact, approximately, at least, more than, at most"
    " or less than."
)
QTY_COUNTED = "A quantity counts at most one kind of thing."
QTY_COUNTED_OF = "What is counted belongs to at most one person, organisation, group or place."
QTY_UNIT = "A unit code is one three-letter code (ISO 4217 for money)."
QTY_SURFACE = "A quantity keeps its figure as written (cg:surfaceText)."
QTY_SPAN = "A quantity needs exactly one span in the article."

EVENT_LABEL = "An event needs its trigger word as its one label."
EVENT_SPAN = "An event needs exactly one trigger span."
EVENT_ACTOR = "An event's actor is a person, organisation or group."
EVENT_PLACE = "An event's place is a schema:Place."
EVENT_FORCE = "A deployed force is a schema:Organization."
EVENT_DATE = "An event has at most one date, an xsd:date."
EVENT_COUNT = "An event's counts are schema:QuantitativeValue nodes."

ACTIVITY_USED = "An ingest activity must say which article it used."
ACTIVITY_AGENT = "An ingest activity is run by exactly one software agent."
ACTIVITY_STARTED = "An ingest activity has at most one start time, an xsd:dateTime."
AGENT_VERSION = "A software agent needs exactly one version."

QTY_CONFLICTS = "A figure conflicts only with other figures."

REVIEW_URL = "A fact-check needs exactly one URL, typed xsd:anyURI."
REVIEW_CLAIM = "A fact-check needs exactly one non-empty claim it reviews."
REVIEW_UNRATED = "The fact-check has no rating: it is stored, with the verdict OTHER."
REVIEW_RATING = "A fact-check has at most one rating of its own, a schema:Rating."
REVIEW_ITEM = "A fact-check reviews at most one claim (a schema:CreativeWork, as in ClaimsKG)."
REVIEW_DATE = "A fact-check has at most one publication date, an xsd:date."
REVIEW_AUTHOR = "A fact-check has at most one publisher (schema:author), an organisation."
REVIEW_VERDICT = "A fact-check needs one normalised verdict: TRUE, FALSE, MIXTURE or OTHER."
RATING_VALUE = "A rating has at most one value, a decimal not above its best rating."
RATING_WORST = "A rating's worst value is one decimal, not above the rating's value."
RATING_BEST = "A rating has at most one best value, a decimal."
RATING_LABEL = "A rating has at most one label (schema:alternateName)."
REVIEWED_TEXT = "A reviewed claim needs exactly one text."

MATCH_CLAIM = "A fact-check link needs exactly one claim of ours."
MATCH_REVIEW = "A fact-check link needs exactly one schema:ClaimReview."
MATCH_SCORE = "A fact-check link needs exactly one score, a decimal."
MATCH_METHOD = "A fact-check link needs the method that made it."
MATCH_TIME = "A fact-check link was first made at one time, an xsd:dateTime."

# ---------------------------------------------------------------- the valid graph

MATCH = URIRef("https://example.org/factcheck/match/1")
FACT_CHECKED = FactCheck(
    url="https://factcheck.example.org/2025/06/national-guard-los-angeles",
    claim_reviewed="Trump sent 2,000 National Guard troops to Los Angeles.",
    date_published=dt.date(2025, 6, 9),
    publisher="PolitiFact",
    rating=Rating(label="True", value=5.0, best=6.0, worst=1.0),
    verdict=Verdict.TRUE,
    claimant="Donald Trump",
    claim_date=dt.date(2025, 6, 7),
)
REVIEW = URIRef(review_iri(FACT_CHECKED.url).value)


@pytest.fixture(scope="module")
def example() -> rdflib.Graph:
    text = SEED.with_suffix(".txt").read_text(encoding="utf-8")
    facts = SEED.with_name(SEED.name + ".facts.json").read_text(encoding="utf-8")
    graphs = article_graphs(text, parse_report(facts), ingested_at=INGESTED_AT)
    return to_rdflib(graphs.quads)


@pytest.fixture(scope="module")
def base(example: rdflib.Graph) -> rdflib.Graph:
    """The example plus one published fact-check, rated, as the importer writes it, and a
    valid link from the example's first claim to it (the mapping makes neither)."""
    g = copy(example)
    g += to_rdflib(review_quads(FACT_CHECKED))
    assert (REVIEW, TYPE, u(SCHEMA.ClaimReview)) in g
    g.add((MATCH, TYPE, u(CG.ClaimMatch)))
    g.add((MATCH, u(CG.matchedClaim), CLAIM(g)))
    g.add((MATCH, u(CG.matchedReview), REVIEW))
    g.add((MATCH, u(CG.matchScore), dec("0.9")))
    g.add((MATCH, u(CG.matchMethod), Literal("test")))
    g.add(
        (MATCH, u(PROV.generatedAtTime), Literal("2026-12-01T09:00:00Z", datatype=u(XSD.dateTime)))
    )
    return g


def copy(g: rdflib.Graph) -> rdflib.Graph:
    out = rdflib.Graph()
    out += g
    return out


def described(g: rdflib.Graph, focus: URIRef) -> rdflib.Graph:
    """What validating `focus` needs: every node reachable from it, with all its statements.

    Each shape reads only its focus node's own statements and the types of their objects,
    except the article's SPARQL constraint, which reaches the spans through their links to
    the article, and the reviewed-claim shape, which targets the objects of
    schema:itemReviewed; so an article brings all of its spans and a reviewed claim its
    review. Nodes left out are unchanged and valid, so the report on this subgraph is the
    report on the whole graph.
    """
    seeds: list[Node] = [focus]
    if (focus, TYPE, u(SCHEMA.NewsArticle)) in g:
        seeds += g.subjects(u(NIF.referenceContext), focus)
    seeds += g.subjects(u(SCHEMA.itemReviewed), focus)
    seen: set[Node] = set()
    while seeds:
        node = seeds.pop()
        if node not in seen and isinstance(node, URIRef | BNode):
            seen.add(node)
            seeds += g.objects(node)
    out = rdflib.Graph()
    for node in seen:
        for p, o in g.predicate_objects(node):
            out.add((node, p, o))
    return out


def ordered(items: list[Expected]) -> list[Expected]:
    return sorted(items, key=lambda r: tuple(x or "" for x in r))


def results(report: ValidationReport) -> list[Expected]:
    return ordered([(v.focus, v.path, v.value, v.message) for v in report.violations])


# ---------------------------------------------------------------- picking nodes and values


def first(cls: NamedNode, *having: NamedNode) -> Pick:
    """The first instance of `cls` (by IRI) that has every property in `having`."""

    def pick(g: rdflib.Graph) -> URIRef:
        nodes = sorted(
            s
            for s in g.subjects(TYPE, u(cls))
            if isinstance(s, URIRef) and all((s, u(p), None) in g for p in having)
        )
        assert nodes, f"the example has no {cls.value} with {[p.value for p in having]}"
        return nodes[0]

    return pick


ARTICLE = first(SCHEMA.NewsArticle)
SPAN = first(NIF.OffsetBasedString)
MENTION = first(NIF.OffsetBasedString, ITSRDF.taIdentRef)
CLAIM = first(SCHEMA.Claim)
QUANTITY = first(SCHEMA.QuantitativeValue)
EVENT = first(SEM.Event)
PERSON = first(SCHEMA.Person)
POST = first(ORG.Post)
MEMBERSHIP = first(ORG.Membership)
INTERVAL = first(TIME.Interval)
INSTANT = first(TIME.Instant)
ROLE = first(ORG.Role)
ACTIVITY = first(PROV.Activity)
SOFTWARE = first(PROV.SoftwareAgent)
GROUP = first(CG.Group)
PLACE = first(SCHEMA.Place)
ORGANIZATION = first(SCHEMA.Organization)
FACT_CHECK = first(CG.ClaimMatch)
CLAIM_REVIEW = first(SCHEMA.ClaimReview)
RATING = first(SCHEMA.Rating)
REVIEWED_CLAIM = first(SCHEMA.CreativeWork)


def other(cls: NamedNode, p: NamedNode | None = None) -> Obj:
    """An instance of `cls` that is neither the focus nor already its value of `p`."""

    def make(g: rdflib.Graph, focus: URIRef) -> Node:
        taken = set(g.objects(focus, u(p))) if p is not None else set()
        nodes = sorted(
            s
            for s in g.subjects(TYPE, u(cls))
            if isinstance(s, URIRef) and s != focus and s not in taken
        )
        return nodes[0]

    return make


def the(pick: Pick) -> Obj:
    return lambda g, focus: pick(g)


def tagged(p: NamedNode) -> Obj:
    """The current value of `p`, as a language-tagged string."""
    return lambda g, focus: Literal(str(g.value(focus, u(p))), lang="en")


def plain(p: NamedNode) -> Obj:
    """The current value of `p`, as an xsd:string."""
    return lambda g, focus: Literal(str(g.value(focus, u(p))))


def retyped(p: NamedNode, datatype: NamedNode) -> Obj:
    return lambda g, focus: Literal(str(g.value(focus, u(p))), datatype=u(datatype))


def shifted(p: NamedNode, delta: int) -> Obj:
    """The current integer value of `p` plus `delta`."""
    return lambda g, focus: integer(g.value(focus, u(p)).toPython() + delta)


def suffixed(p: NamedNode, suffix: str) -> Obj:
    return lambda g, focus: Literal(str(g.value(focus, u(p))) + suffix)


def unused(p: NamedNode, *choices: NamedNode | Literal) -> Obj:
    """The first of `choices` that is not already a value of `p`."""

    def make(g: rdflib.Graph, focus: URIRef) -> Node:
        terms = [u(c) if isinstance(c, NamedNode) else c for c in choices]
        return next(t for t in terms if (focus, u(p), t) not in g)

    return make


def resolve(obj: Obj, g: rdflib.Graph, focus: URIRef) -> Node:
    return obj(g, focus) if callable(obj) else obj


def dec(text: str) -> Literal:
    return Literal(text, datatype=u(XSD.decimal))


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=u(XSD.integer))


def date(text: str) -> Literal:
    return Literal(text, datatype=u(XSD.date))


# ---------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    pick: Pick
    apply: Apply
    message: str
    breaks: URIRef  # the constraint parameter the case is about, e.g. SH.minCount
    severity: str = "Violation"  # of every result, as kg.graph.validate.Violation.severity reads


def missing(pick: Pick, p: NamedNode, message: str, *, severity: str = "Violation") -> Case:
    def apply(g: rdflib.Graph, focus: URIRef) -> list[Expected]:
        assert (focus, u(p), None) in g
        g.remove((focus, u(p), None))
        return [(str(focus), p.value, None, message)]

    return Case(pick, apply, message, SH.minCount, severity)


def twice(
    pick: Pick,
    p: NamedNode,
    obj: Obj,
    message: str,
    *,
    invalid: bool = False,
    misreads: bool = False,
) -> Case:
    """A second value of `p`; `invalid` when that value also breaks the value constraint,
    `misreads` when the span then also reads differently from the text (see `wrong`)."""

    def apply(g: rdflib.Graph, focus: URIRef) -> list[Expected]:
        value = resolve(obj, g, focus)
        assert (focus, u(p), value) not in g
        g.add((focus, u(p), value))
        out = [(str(focus), p.value, None, message)]
        if invalid:
            out.append((str(focus), p.value, str(value), message))
        return out + (misreadings(g, focus) if misreads else [])

    return Case(pick, apply, message, SH.maxCount)


def wrong(
    pick: Pick,
    p: NamedNode,
    obj: Obj,
    message: str,
    breaks: URIRef,
    *,
    keep: bool = False,
    misreads: bool = False,
) -> Case:
    """Replace the value of `p` by `obj` (or add it, with `keep`), which breaks `breaks`.

    `misreads`: the change also makes the span read differently from the article's text,
    which the article's SPARQL constraint reports as well.
    """

    def apply(g: rdflib.Graph, focus: URIRef) -> list[Expected]:
        value = resolve(obj, g, focus)
        if not keep:
            g.remove((focus, u(p), None))
        g.add((focus, u(p), value))
        out = [(str(focus), p.value, str(value), message)]
        return out + (misreadings(g, focus) if misreads else [])

    return Case(pick, apply, message, breaks)


def misreadings(g: rdflib.Graph, span: URIRef) -> list[Expected]:
    """What the article's SPARQL constraint reports for `span`, computed independently."""
    article = g.value(span, u(NIF.referenceContext))
    text = str(g.value(article, u(NIF.isString)))
    out = []
    for begin in g.objects(span, u(NIF.beginIndex)):
        for end in g.objects(span, u(NIF.endIndex)):
            for anchor in g.objects(span, u(NIF.anchorOf)):
                actual = text[begin.toPython() : end.toPython()]
                if end.toPython() > len(text) or actual != str(anchor):
                    bound = {"value": span, "anchor": anchor, "begin": begin, "end": end}
                    msg = ART_SPAN_READS
                    for name, term in {**bound, "actual": actual}.items():
                        msg = msg.replace("{?" + name + "}", str(term))
                    out.append((str(article), NIF.anchorOf.value, str(span), msg))
    return out


def anchor_not_text(g: rdflib.Graph, article: URIRef) -> list[Expected]:
    span = SPAN(g)
    g.set((span, u(NIF.anchorOf), Literal("not what the article says")))
    return misreadings(g, span)


def end_beyond_text(g: rdflib.Graph, article: URIRef) -> list[Expected]:
    """The last span, stretched past the end of the text, its anchor still the text's tail."""
    text = str(g.value(article, u(NIF.isString)))
    span = max(
        g.subjects(TYPE, u(NIF.OffsetBasedString)),
        key=lambda s: g.value(s, u(NIF.beginIndex)).toPython(),
    )
    begin = g.value(span, u(NIF.beginIndex)).toPython()
    g.set((span, u(NIF.endIndex), integer(len(text) + 10)))
    g.set((span, u(NIF.anchorOf), Literal(text[begin:])))
    found = misreadings(g, span)
    assert len(found) == 1 and f"at {begin}-{len(text) + 10}." in found[0][3]
    return found


def anchor_with_backslash(g: rdflib.Graph, article: URIRef) -> list[Expected]:
    span = SPAN(g)
    g.set((span, u(NIF.anchorOf), Literal(r"C:\data\dump")))
    return misreadings(g, span)


def begin_not_before_end(g: rdflib.Graph, span: URIRef) -> list[Expected]:
    """Begin moved onto the end, anchor emptied to match, so only sh:lessThan breaks."""
    end = g.value(span, u(NIF.endIndex))
    g.set((span, u(NIF.beginIndex), end))
    g.set((span, u(NIF.anchorOf), Literal("")))
    assert misreadings(g, span) == []
    return [(str(span), NIF.beginIndex.value, str(end), SPAN_BEGIN)]


def end_negative(g: rdflib.Graph, span: URIRef) -> list[Expected]:
    """An end of -1 is also before the begin, and reads differently from the text."""
    begin = g.value(span, u(NIF.beginIndex))
    g.set((span, u(NIF.endIndex), integer(-1)))
    return [
        (str(span), NIF.endIndex.value, "-1", SPAN_END),
        (str(span), NIF.beginIndex.value, str(begin), SPAN_BEGIN),
        *misreadings(g, span),
    ]


def second_context(g: rdflib.Graph, span: URIRef) -> list[Expected]:
    """A second nif:Context that is not an article, so only the cardinality breaks."""
    context = URIRef("https://example.org/another-context")
    g.add((context, TYPE, u(NIF.Context)))
    g.add((span, u(NIF.referenceContext), context))
    return [(str(span), NIF.referenceContext.value, None, SPAN_CONTEXT)]


def second_review(g: rdflib.Graph, match: URIRef) -> list[Expected]:
    """A second, valid, fact-check, so only the link's cardinality breaks."""
    check = FactCheck(
        url="https://factcheck.example.org/2025/06/other",
        claim_reviewed="Another claim.",
        rating=Rating(label="False"),
        verdict=Verdict.FALSE,
    )
    g += to_rdflib(review_quads(check))
    review = URIRef(review_iri(check.url).value)
    g.add((match, u(CG.matchedReview), review))
    return [(str(match), CG.matchedReview.value, None, MATCH_REVIEW)]


def second_rating(g: rdflib.Graph, review: URIRef) -> list[Expected]:
    """A second schema:Rating, valid on its own, so only the cardinality breaks."""
    rating = URIRef(str(review) + "/rating/2")
    g.add((rating, TYPE, u(SCHEMA.Rating)))
    g.add((rating, u(SCHEMA.alternateName), Literal("Mostly True")))
    g.add((review, u(SCHEMA.reviewRating), rating))
    return [(str(review), SCHEMA.reviewRating.value, None, REVIEW_RATING)]


def second_item(g: rdflib.Graph, review: URIRef) -> list[Expected]:
    """A second reviewed claim, with its text, so only the cardinality breaks."""
    item = URIRef(str(review) + "/claim/2")
    g.add((item, TYPE, u(SCHEMA.CreativeWork)))
    g.add((item, u(SCHEMA.text), Literal("Another claim.")))
    g.add((review, u(SCHEMA.itemReviewed), item))
    return [(str(review), SCHEMA.itemReviewed.value, None, REVIEW_ITEM)]


def person_also_organization(g: rdflib.Graph, person: URIRef) -> list[Expected]:
    g.add((person, TYPE, u(SCHEMA.Organization)))
    return [(str(person), None, str(person), PERSON_NOT_ORG)]


def minimum_above_maximum(g: rdflib.Graph, quantity: URIRef) -> list[Expected]:
    g.add((quantity, u(SCHEMA.minValue), dec("10.0")))
    g.add((quantity, u(SCHEMA.maxValue), dec("5.0")))
    return [(str(quantity), SCHEMA.minValue.value, "10.0", QTY_MIN)]


def two_values(p: NamedNode, a: Obj, b: Obj, message: str) -> Apply:
    """Two values of `p`, which the focus has none of."""

    def apply(g: rdflib.Graph, focus: URIRef) -> list[Expected]:
        assert (focus, u(p), None) not in g
        g.add((focus, u(p), resolve(a, g, focus)))
        g.add((focus, u(p), resolve(b, g, focus)))
        return [(str(focus), p.value, None, message)]

    return apply


def case(id: str, c: Case, *marks: pytest.MarkDecorator) -> pytest.ParameterSet:
    return pytest.param(c, id=id, marks=marks)


CASES = [
    # article
    case("article-text-missing", missing(ARTICLE, NIF.isString, ART_TEXT)),
    case(
        "article-text-twice",
        twice(ARTICLE, NIF.isString, suffixed(NIF.isString, " (updated)"), ART_TEXT),
    ),
    case(
        "article-text-language-tagged",
        wrong(ARTICLE, NIF.isString, tagged(NIF.isString), ART_TEXT, SH.datatype),
    ),
    case("article-hash-missing", missing(ARTICLE, CG.contentHash, ART_HASH)),
    case("article-hash-twice", twice(ARTICLE, CG.contentHash, Literal("0" * 64), ART_HASH)),
    case(
        "article-hash-upper-case",
        wrong(ARTICLE, CG.contentHash, Literal("AB" * 32), ART_HASH, SH.pattern),
    ),
    case("article-date-twice", twice(ARTICLE, SCHEMA.datePublished, date("2025-06-10"), ART_DATE)),
    case(
        "article-date-as-string",
        wrong(ARTICLE, SCHEMA.datePublished, plain(SCHEMA.datePublished), ART_DATE, SH.datatype),
    ),
    case(
        "article-url-twice",
        twice(
            ARTICLE,
            SCHEMA.url,
            Literal("https://example.org/other", datatype=u(XSD.anyURI)),
            ART_URL,
        ),
    ),
    case(
        "article-url-as-string",
        wrong(ARTICLE, SCHEMA.url, plain(SCHEMA.url), ART_URL, SH.datatype),
    ),
    case(
        "article-headline-twice",
        Case(
            ARTICLE,
            two_values(SCHEMA.headline, Literal("One"), Literal("Two"), ART_HEADLINE),
            ART_HEADLINE,
            SH.maxCount,
        ),
    ),
    case(
        "article-headline-language-tagged",
        wrong(ARTICLE, SCHEMA.headline, Literal("Headline", lang="en"), ART_HEADLINE, SH.datatype),
    ),
    case(
        "article-publisher-twice",
        twice(
            ARTICLE, SCHEMA.publisher, other(SCHEMA.Organization, SCHEMA.publisher), ART_PUBLISHER
        ),
    ),
    case(
        "article-publisher-not-organization",
        wrong(ARTICLE, SCHEMA.publisher, the(PLACE), ART_PUBLISHER, SH["class"]),
    ),
    case("article-span-anchor-wrong", Case(ARTICLE, anchor_not_text, ART_SPAN_READS, SH.sparql)),
    case(
        "article-span-anchor-with-backslash",
        Case(ARTICLE, anchor_with_backslash, ART_SPAN_READS, SH.sparql),
    ),
    case("article-span-end-beyond-text", Case(ARTICLE, end_beyond_text, ART_SPAN_READS, SH.sparql)),
    # spans
    case("span-begin-missing", missing(SPAN, NIF.beginIndex, SPAN_BEGIN)),
    case(
        "span-begin-twice",
        twice(SPAN, NIF.beginIndex, shifted(NIF.beginIndex, -1), SPAN_BEGIN, misreads=True),
    ),
    case(
        "span-begin-non-negative-integer-type",
        wrong(
            SPAN,
            NIF.beginIndex,
            retyped(NIF.beginIndex, XSD.nonNegativeInteger),
            SPAN_BEGIN,
            SH.datatype,
        ),
    ),
    case(
        "span-begin-negative",
        wrong(SPAN, NIF.beginIndex, integer(-1), SPAN_BEGIN, SH.minInclusive, misreads=True),
    ),
    case("span-begin-not-before-end", Case(SPAN, begin_not_before_end, SPAN_BEGIN, SH.lessThan)),
    case("span-end-missing", missing(SPAN, NIF.endIndex, SPAN_END)),
    case(
        "span-end-twice",
        twice(SPAN, NIF.endIndex, shifted(NIF.endIndex, 1), SPAN_END, misreads=True),
    ),
    case(
        "span-end-non-negative-integer-type",
        wrong(
            SPAN, NIF.endIndex, retyped(NIF.endIndex, XSD.nonNegativeInteger), SPAN_END, SH.datatype
        ),
    ),
    case("span-end-negative", Case(SPAN, end_negative, SPAN_END, SH.minInclusive)),
    case("span-anchor-missing", missing(SPAN, NIF.anchorOf, SPAN_ANCHOR)),
    case(
        "span-anchor-twice",
        twice(SPAN, NIF.anchorOf, Literal("another"), SPAN_ANCHOR, misreads=True),
    ),
    case(
        "span-anchor-language-tagged",
        wrong(SPAN, NIF.anchorOf, tagged(NIF.anchorOf), SPAN_ANCHOR, SH.datatype),
    ),
    case("span-context-missing", missing(SPAN, NIF.referenceContext, SPAN_CONTEXT)),
    case("span-context-twice", Case(SPAN, second_context, SPAN_CONTEXT, SH.maxCount)),
    case(
        "span-context-not-context",
        wrong(SPAN, NIF.referenceContext, the(ACTIVITY), SPAN_CONTEXT, SH["class"]),
    ),
    case(
        "span-referent-not-agent-or-place",
        wrong(MENTION, ITSRDF.taIdentRef, the(EVENT), SPAN_REFERENT, SH.node),
    ),
    # named things and people
    case("group-name-missing", missing(GROUP, SCHEMA.name, NAMED_NAME)),
    case(
        "place-name-language-tagged",
        wrong(PLACE, SCHEMA.name, tagged(SCHEMA.name), NAMED_NAME, SH.datatype),
    ),
    case(
        "organization-name-empty",
        wrong(ORGANIZATION, SCHEMA.name, Literal(""), NAMED_NAME, SH.minLength),
    ),
    case(
        "person-same-as-literal",
        wrong(
            PERSON,
            OWL.sameAs,
            Literal(WIKIDATA_ENTITY + "Q22686"),
            NAMED_SAME_AS,
            SH.nodeKind,
            keep=True,
        ),
    ),
    case(
        "person-same-as-not-wikidata",
        wrong(
            PERSON,
            OWL.sameAs,
            URIRef("https://en.wikipedia.org/wiki/Donald_Trump"),
            NAMED_SAME_AS,
            SH.pattern,
            keep=True,
        ),
    ),
    case(
        "person-also-organization",
        Case(PERSON, person_also_organization, PERSON_NOT_ORG, SH["not"]),
    ),
    case(
        "person-holds-role-not-post",
        wrong(PERSON, ORG.holds, the(ROLE), PERSON_HOLDS, SH["class"], keep=True),
    ),
    # offices
    case("post-label-missing", missing(POST, RDFS.label, POST_LABEL)),
    case(
        "post-label-language-tagged",
        wrong(POST, RDFS.label, tagged(RDFS.label), POST_LABEL, SH.datatype),
    ),
    case("post-role-missing", missing(POST, ORG.role, POST_ROLE)),
    case("post-role-twice", twice(POST, ORG.role, other(ORG.Role, ORG.role), POST_ROLE)),
    case("post-role-not-role", wrong(POST, ORG.role, the(PERSON), POST_ROLE, SH["class"])),
    case(
        "post-in-twice",
        twice(
            first(ORG.Post, ORG.postIn),
            ORG.postIn,
            other(SCHEMA.Organization, ORG.postIn),
            POST_IN,
        ),
    ),
    case(
        "post-in-not-organization",
        wrong(first(ORG.Post, ORG.postIn), ORG.postIn, the(PLACE), POST_IN, SH["class"]),
    ),
    case(
        "post-jurisdiction-twice",
        twice(
            first(ORG.Post, CG.jurisdiction),
            CG.jurisdiction,
            other(SCHEMA.Place, CG.jurisdiction),
            POST_PLACE,
        ),
    ),
    case(
        "post-jurisdiction-not-place",
        wrong(
            first(ORG.Post, CG.jurisdiction), CG.jurisdiction, the(PERSON), POST_PLACE, SH["class"]
        ),
    ),
    case(
        "article-hash-not-string",
        wrong(
            ARTICLE,
            CG.contentHash,
            lambda g, focus: Literal("ab" * 32, datatype=XSD_HEX),
            ART_HASH,
            SH.datatype,
        ),
    ),
    case(
        "activity-used-not-article",
        wrong(ACTIVITY, PROV.used, the(PERSON), ACTIVITY_USED, SH["class"]),
    ),
    case("membership-member-missing", missing(MEMBERSHIP, ORG.member, MEMBER_PERSON)),
    case(
        "membership-member-twice",
        twice(MEMBERSHIP, ORG.member, other(SCHEMA.Person, ORG.member), MEMBER_PERSON),
    ),
    case(
        "membership-member-not-person",
        wrong(MEMBERSHIP, ORG.member, the(ORGANIZATION), MEMBER_PERSON, SH["class"]),
    ),
    case("membership-role-missing", missing(MEMBERSHIP, ORG.role, MEMBER_ROLE)),
    case(
        "membership-role-twice",
        twice(MEMBERSHIP, ORG.role, other(ORG.Role, ORG.role), MEMBER_ROLE),
    ),
    case(
        "membership-role-not-role",
        wrong(MEMBERSHIP, ORG.role, the(POST), MEMBER_ROLE, SH["class"]),
    ),
    case(
        "membership-organization-twice",
        twice(
            first(ORG.Membership, ORG.organization),
            ORG.organization,
            other(SCHEMA.Organization, ORG.organization),
            MEMBER_ORG,
        ),
    ),
    case(
        "membership-organization-not-organization",
        wrong(
            first(ORG.Membership, ORG.organization),
            ORG.organization,
            the(PLACE),
            MEMBER_ORG,
            SH["class"],
        ),
    ),
    case(
        "membership-interval-twice",
        twice(
            MEMBERSHIP,
            ORG.memberDuring,
            other(TIME.Interval, ORG.memberDuring),
            MEMBER_DURING,
        ),
    ),
    case(
        "membership-interval-not-interval",
        wrong(MEMBERSHIP, ORG.memberDuring, the(INSTANT), MEMBER_DURING, SH["class"]),
    ),
    case(
        "interval-inside-not-instant",
        wrong(INTERVAL, TIME.inside, the(ROLE), INTERVAL_INSIDE, SH["class"]),
    ),
    case("instant-date-missing", missing(INSTANT, TIME.inXSDDate, INSTANT_DATE)),
    case("instant-date-twice", twice(INSTANT, TIME.inXSDDate, date("2025-06-10"), INSTANT_DATE)),
    case(
        "instant-date-as-string",
        wrong(INSTANT, TIME.inXSDDate, plain(TIME.inXSDDate), INSTANT_DATE, SH.datatype),
    ),
    case("role-label-missing", missing(ROLE, SKOS.prefLabel, ROLE_LABEL)),
    case(
        "role-label-language-tagged",
        wrong(ROLE, SKOS.prefLabel, tagged(SKOS.prefLabel), ROLE_LABEL, SH.datatype),
    ),
    # claims
    case("claim-claimant-missing", missing(CLAIM, PROV.wasAttributedTo, CLAIM_CLAIMANT)),
    case(
        "claim-claimant-twice",
        twice(
            CLAIM, PROV.wasAttributedTo, other(SCHEMA.Person, PROV.wasAttributedTo), CLAIM_CLAIMANT
        ),
    ),
    case(
        "claim-claimant-an-article",
        wrong(CLAIM, PROV.wasAttributedTo, the(ARTICLE), CLAIM_CLAIMANT, SH.node),
    ),
    case("claim-appearance-missing", missing(CLAIM, SCHEMA.appearance, CLAIM_APPEARANCE)),
    case(
        "claim-appearance-twice",
        twice(CLAIM, SCHEMA.appearance, the(ACTIVITY), CLAIM_APPEARANCE, invalid=True),
    ),
    case(
        "claim-appearance-not-article",
        wrong(CLAIM, SCHEMA.appearance, the(ACTIVITY), CLAIM_APPEARANCE, SH["class"]),
    ),
    case("claim-text-missing", missing(CLAIM, SCHEMA.text, CLAIM_TEXT)),
    case("claim-text-twice", twice(CLAIM, SCHEMA.text, Literal("something else"), CLAIM_TEXT)),
    case(
        "claim-text-language-tagged",
        wrong(CLAIM, SCHEMA.text, tagged(SCHEMA.text), CLAIM_TEXT, SH.datatype),
    ),
    case("claim-text-empty", wrong(CLAIM, SCHEMA.text, Literal(""), CLAIM_TEXT, SH.minLength)),
    case("claim-cue-missing", missing(CLAIM, CG.cue, CLAIM_CUE)),
    case("claim-cue-twice", twice(CLAIM, CG.cue, Literal("claimed"), CLAIM_CUE)),
    case(
        "claim-cue-language-tagged",
        wrong(CLAIM, CG.cue, tagged(CG.cue), CLAIM_CUE, SH.datatype),
    ),
    case("claim-cue-empty", wrong(CLAIM, CG.cue, Literal(""), CLAIM_CUE, SH.minLength)),
    case("claim-content-span-missing", missing(CLAIM, CG.contentSpan, CLAIM_CONTENT_SPAN)),
    case(
        "claim-content-span-twice",
        twice(
            CLAIM,
            CG.contentSpan,
            other(NIF.OffsetBasedString, CG.contentSpan),
            CLAIM_CONTENT_SPAN,
        ),
    ),
    case(
        "claim-content-span-not-span",
        wrong(CLAIM, CG.contentSpan, the(ARTICLE), CLAIM_CONTENT_SPAN, SH["class"]),
    ),
    case(
        "claim-cue-span-twice",
        twice(CLAIM, CG.cueSpan, other(NIF.OffsetBasedString, CG.cueSpan), CLAIM_CUE_SPAN),
    ),
    case(
        "claim-cue-span-not-span",
        wrong(CLAIM, CG.cueSpan, the(ARTICLE), CLAIM_CUE_SPAN, SH["class"]),
    ),
    case("claim-type-missing", missing(CLAIM, CG.claimType, CLAIM_TYPE)),
    case(
        "claim-type-twice",
        twice(CLAIM, CG.claimType, unused(CG.claimType, CG.DirectQuote, CG.Narration), CLAIM_TYPE),
    ),
    case(
        "claim-type-not-listed",
        wrong(CLAIM, CG.claimType, u(CG.Exact), CLAIM_TYPE, SH["in"]),
    ),
    case("claim-confidence-missing", missing(CLAIM, CG.confidence, CLAIM_CONFIDENCE)),
    case(
        "claim-confidence-twice",
        twice(
            CLAIM, CG.confidence, unused(CG.confidence, dec("0.25"), dec("0.5")), CLAIM_CONFIDENCE
        ),
    ),
    case(
        "claim-confidence-double",
        wrong(
            CLAIM,
            CG.confidence,
            Literal("0.5", datatype=u(XSD.double)),
            CLAIM_CONFIDENCE,
            SH.datatype,
        ),
    ),
    case(
        "claim-confidence-below-0",
        wrong(CLAIM, CG.confidence, dec("-0.1"), CLAIM_CONFIDENCE, SH.minInclusive),
    ),
    case(
        "claim-confidence-above-1",
        wrong(CLAIM, CG.confidence, dec("1.5"), CLAIM_CONFIDENCE, SH.maxInclusive),
    ),
    case(
        "claim-certainty-twice",
        twice(
            CLAIM,
            CG.certainty,
            unused(CG.certainty, GRASPF.CERTAIN, GRASPF.POSSIBLE),
            CLAIM_CERTAINTY,
        ),
    ),
    case(
        "claim-certainty-not-listed",
        wrong(CLAIM, CG.certainty, u(GRASPF.NEGATIVE), CLAIM_CERTAINTY, SH["in"]),
    ),
    case(
        "claim-polarity-twice",
        twice(
            CLAIM,
            CG.polarity,
            unused(CG.polarity, GRASPF.POSITIVE, GRASPF.NEGATIVE),
            CLAIM_POLARITY,
        ),
    ),
    case(
        "claim-polarity-not-listed",
        wrong(CLAIM, CG.polarity, u(GRASPF.CERTAIN), CLAIM_POLARITY, SH["in"]),
    ),
    case(
        "claim-temporality-twice",
        twice(
            CLAIM,
            CG.temporality,
            unused(CG.temporality, GRASPF.FUTURE, GRASPF.NONFUTURE),
            CLAIM_TEMPORALITY,
        ),
    ),
    case(
        "claim-temporality-not-listed",
        wrong(CLAIM, CG.temporality, u(GRASPF.POSITIVE), CLAIM_TEMPORALITY, SH["in"]),
    ),
    case(
        "claim-medium-twice",
        twice(
            first(SCHEMA.Claim, CG.medium),
            CG.medium,
            other(SCHEMA.Organization, CG.medium),
            CLAIM_MEDIUM,
        ),
    ),
    case(
        "claim-medium-not-organization",
        wrong(first(SCHEMA.Claim, CG.medium), CG.medium, the(PLACE), CLAIM_MEDIUM, SH["class"]),
    ),
    case(
        "claim-mentions-an-event",
        wrong(CLAIM, SCHEMA.mentions, the(EVENT), CLAIM_MENTIONS, SH.node, keep=True),
    ),
    case(
        "claim-quantity-an-event",
        wrong(CLAIM, CG.mentionsQuantity, the(EVENT), CLAIM_QUANTITIES, SH["class"], keep=True),
    ),
    case(
        "claim-generated-twice",
        twice(CLAIM, PROV.wasGeneratedBy, the(ARTICLE), CLAIM_GENERATED_BY, invalid=True),
    ),
    case(
        "claim-generated-not-activity",
        wrong(CLAIM, PROV.wasGeneratedBy, the(ARTICLE), CLAIM_GENERATED_BY, SH["class"]),
    ),
    case(
        "claim-conflicts-with-an-event",
        wrong(CLAIM, CG.conflictsWith, the(EVENT), CLAIM_CONFLICTS, SH["class"], keep=True),
    ),
    # quantities
    case("quantity-value-missing", missing(QUANTITY, SCHEMA.value, QTY_VALUE)),
    case("quantity-value-twice", twice(QUANTITY, SCHEMA.value, dec("7.0"), QTY_VALUE)),
    case(
        "quantity-value-integer",
        wrong(QUANTITY, SCHEMA.value, integer(7), QTY_VALUE, SH.datatype),
    ),
    case(
        "quantity-value-negative",
        wrong(QUANTITY, SCHEMA.value, dec("-1.0"), QTY_VALUE, SH.minInclusive),
    ),
    case(
        "quantity-min-twice",
        Case(
            QUANTITY,
            two_values(SCHEMA.minValue, dec("1.0"), dec("2.0"), QTY_MIN),
            QTY_MIN,
            SH.maxCount,
        ),
    ),
    case(
        "quantity-min-integer",
        wrong(QUANTITY, SCHEMA.minValue, integer(1), QTY_MIN, SH.datatype),
    ),
    case(
        "quantity-min-negative",
        wrong(QUANTITY, SCHEMA.minValue, dec("-1.0"), QTY_MIN, SH.minInclusive),
    ),
    case(
        "quantity-min-above-max",
        Case(QUANTITY, minimum_above_maximum, QTY_MIN, SH.lessThanOrEquals),
    ),
    case(
        "quantity-max-twice",
        Case(
            QUANTITY,
            two_values(SCHEMA.maxValue, dec("1.0"), dec("2.0"), QTY_MAX),
            QTY_MAX,
            SH.maxCount,
        ),
    ),
    case(
        "quantity-max-integer",
        wrong(QUANTITY, SCHEMA.maxValue, integer(1), QTY_MAX, SH.datatype),
    ),
    case(
        "quantity-max-negative",
        wrong(QUANTITY, SCHEMA.maxValue, dec("-1.0"), QTY_MAX, SH.minInclusive),
    ),
    case("quantity-qualifier-missing", missing(QUANTITY, CG.qualifier, QTY_QUALIFIER)),
    case(
        "quantity-qualifier-twice",
        twice(QUANTITY, CG.qualifier, unused(CG.qualifier, CG.AtMost, CG.LessThan), QTY_QUALIFIER),
    ),
    case(
        "quantity-qualifier-not-listed",
        wrong(QUANTITY, CG.qualifier, u(CG.DirectQuote), QTY_QUALIFIER, SH["in"]),
    ),
    case(
        "quantity-counted-twice", twice(QUANTITY, CG.counted, Literal("other things"), QTY_COUNTED)
    ),
    case(
        "quantity-counted-language-tagged",
        wrong(QUANTITY, CG.counted, tagged(CG.counted), QTY_COUNTED, SH.datatype),
    ),
    case(
        "quantity-counted-of-twice",
        Case(
            QUANTITY,
            two_values(CG.countedOf, the(PERSON), the(ORGANIZATION), QTY_COUNTED_OF),
            QTY_COUNTED_OF,
            SH.maxCount,
        ),
    ),
    case(
        "quantity-counted-of-an-event",
        wrong(QUANTITY, CG.countedOf, the(EVENT), QTY_COUNTED_OF, SH.node),
    ),
    case(
        "quantity-unit-twice",
        Case(
            QUANTITY,
            two_values(SCHEMA.unitCode, Literal("USD"), Literal("EUR"), QTY_UNIT),
            QTY_UNIT,
            SH.maxCount,
        ),
    ),
    case(
        "quantity-unit-not-string",
        wrong(
            QUANTITY,
            SCHEMA.unitCode,
            lambda g, focus: Literal("USD", datatype=XSD_TOKEN),
            QTY_UNIT,
            SH.datatype,
        ),
    ),
    case(
        "quantity-unit-lower-case",
        wrong(QUANTITY, SCHEMA.unitCode, Literal("usd"), QTY_UNIT, SH.pattern),
    ),
    case("quantity-surface-missing", missing(QUANTITY, CG.surfaceText, QTY_SURFACE)),
    case(
        "quantity-surface-twice",
        twice(QUANTITY, CG.surfaceText, suffixed(CG.surfaceText, "!"), QTY_SURFACE),
    ),
    case(
        "quantity-surface-language-tagged",
        wrong(QUANTITY, CG.surfaceText, tagged(CG.surfaceText), QTY_SURFACE, SH.datatype),
    ),
    case("quantity-span-missing", missing(QUANTITY, CG.span, QTY_SPAN)),
    case(
        "quantity-span-twice",
        twice(QUANTITY, CG.span, other(NIF.OffsetBasedString, CG.span), QTY_SPAN),
    ),
    case(
        "quantity-span-not-span",
        wrong(QUANTITY, CG.span, the(ARTICLE), QTY_SPAN, SH["class"]),
    ),
    case(
        "quantity-conflicts-with-a-claim",
        wrong(QUANTITY, CG.conflictsWith, the(CLAIM), QTY_CONFLICTS, SH["class"], keep=True),
    ),
    # events
    case("event-label-missing", missing(EVENT, RDFS.label, EVENT_LABEL)),
    case("event-label-twice", twice(EVENT, RDFS.label, suffixed(RDFS.label, "ed"), EVENT_LABEL)),
    case(
        "event-label-language-tagged",
        wrong(EVENT, RDFS.label, tagged(RDFS.label), EVENT_LABEL, SH.datatype),
    ),
    case("event-span-missing", missing(EVENT, CG.span, EVENT_SPAN)),
    case(
        "event-span-twice",
        twice(EVENT, CG.span, other(NIF.OffsetBasedString, CG.span), EVENT_SPAN),
    ),
    case("event-span-not-span", wrong(EVENT, CG.span, the(ARTICLE), EVENT_SPAN, SH["class"])),
    case(
        "event-actor-a-place",
        wrong(first(SEM.Event, SEM.hasActor), SEM.hasActor, the(PLACE), EVENT_ACTOR, SH.node),
    ),
    case(
        "event-place-a-person",
        wrong(first(SEM.Event, SEM.hasPlace), SEM.hasPlace, the(PERSON), EVENT_PLACE, SH["class"]),
    ),
    case(
        "event-force-a-place",
        wrong(first(SEM.Event, CG.force), CG.force, the(PLACE), EVENT_FORCE, SH["class"]),
    ),
    case(
        "event-date-twice",
        twice(
            first(SEM.Event, SEM.hasTimeStamp),
            SEM.hasTimeStamp,
            date("2025-01-01"),
            EVENT_DATE,
        ),
    ),
    case(
        "event-date-as-string",
        wrong(
            first(SEM.Event, SEM.hasTimeStamp),
            SEM.hasTimeStamp,
            plain(SEM.hasTimeStamp),
            EVENT_DATE,
            SH.datatype,
        ),
    ),
    case(
        "event-count-a-claim",
        wrong(EVENT, CG.count, the(CLAIM), EVENT_COUNT, SH["class"], keep=True),
    ),
    # provenance
    case("activity-used-missing", missing(ACTIVITY, PROV.used, ACTIVITY_USED)),
    case(
        "activity-agent-missing",
        missing(ACTIVITY, PROV.wasAssociatedWith, ACTIVITY_AGENT),
    ),
    case(
        "activity-agent-twice",
        twice(ACTIVITY, PROV.wasAssociatedWith, the(PERSON), ACTIVITY_AGENT, invalid=True),
    ),
    case(
        "activity-agent-not-software",
        wrong(ACTIVITY, PROV.wasAssociatedWith, the(PERSON), ACTIVITY_AGENT, SH["class"]),
    ),
    case(
        "activity-started-twice",
        twice(
            ACTIVITY,
            PROV.startedAtTime,
            Literal("2025-06-11T00:00:00+00:00", datatype=u(XSD.dateTime)),
            ACTIVITY_STARTED,
        ),
    ),
    case(
        "activity-started-a-date",
        wrong(ACTIVITY, PROV.startedAtTime, date("2025-06-10"), ACTIVITY_STARTED, SH.datatype),
    ),
    case("software-version-missing", missing(SOFTWARE, CG.softwareVersion, AGENT_VERSION)),
    case(
        "software-version-twice", twice(SOFTWARE, CG.softwareVersion, Literal("99"), AGENT_VERSION)
    ),
    case(
        "software-version-integer",
        wrong(SOFTWARE, CG.softwareVersion, integer(0), AGENT_VERSION, SH.datatype),
    ),
    # published fact-checks
    case("review-url-missing", missing(CLAIM_REVIEW, SCHEMA.url, REVIEW_URL)),
    case(
        "review-url-twice",
        twice(
            CLAIM_REVIEW,
            SCHEMA.url,
            Literal("https://factcheck.example.org/other", datatype=u(XSD.anyURI)),
            REVIEW_URL,
        ),
    ),
    case(
        "review-url-as-string",
        wrong(CLAIM_REVIEW, SCHEMA.url, plain(SCHEMA.url), REVIEW_URL, SH.datatype),
    ),
    case("review-claim-missing", missing(CLAIM_REVIEW, SCHEMA.claimReviewed, REVIEW_CLAIM)),
    case(
        "review-claim-twice",
        twice(CLAIM_REVIEW, SCHEMA.claimReviewed, Literal("Something else."), REVIEW_CLAIM),
    ),
    case(
        "review-claim-language-tagged",
        wrong(
            CLAIM_REVIEW,
            SCHEMA.claimReviewed,
            tagged(SCHEMA.claimReviewed),
            REVIEW_CLAIM,
            SH.datatype,
        ),
    ),
    case(
        "review-claim-empty",
        wrong(CLAIM_REVIEW, SCHEMA.claimReviewed, Literal(""), REVIEW_CLAIM, SH.minLength),
    ),
    case(
        "review-rating-missing",
        missing(CLAIM_REVIEW, SCHEMA.reviewRating, REVIEW_UNRATED, severity="Warning"),
    ),
    case("review-rating-twice", Case(CLAIM_REVIEW, second_rating, REVIEW_RATING, SH.maxCount)),
    case(
        "review-rating-not-rating",
        wrong(CLAIM_REVIEW, SCHEMA.reviewRating, the(REVIEWED_CLAIM), REVIEW_RATING, SH["class"]),
    ),
    case("review-item-twice", Case(CLAIM_REVIEW, second_item, REVIEW_ITEM, SH.maxCount)),
    case(
        "review-item-not-creative-work",
        wrong(CLAIM_REVIEW, SCHEMA.itemReviewed, the(CLAIM), REVIEW_ITEM, SH["class"]),
    ),
    case(
        "review-date-twice",
        twice(CLAIM_REVIEW, SCHEMA.datePublished, date("2025-06-10"), REVIEW_DATE),
    ),
    case(
        "review-date-as-string",
        wrong(
            CLAIM_REVIEW,
            SCHEMA.datePublished,
            plain(SCHEMA.datePublished),
            REVIEW_DATE,
            SH.datatype,
        ),
    ),
    case(
        "review-author-twice",
        twice(
            CLAIM_REVIEW,
            SCHEMA.author,
            other(SCHEMA.Organization, SCHEMA.author),
            REVIEW_AUTHOR,
        ),
    ),
    case(
        "review-author-a-person",
        wrong(CLAIM_REVIEW, SCHEMA.author, the(PERSON), REVIEW_AUTHOR, SH["class"]),
    ),
    case(
        "review-verdict-missing",
        missing(CLAIM_REVIEW, CG.normalizedVerdict, REVIEW_VERDICT),
    ),
    case(
        "review-verdict-twice",
        twice(
            CLAIM_REVIEW,
            CG.normalizedVerdict,
            unused(CG.normalizedVerdict, CG.VerdictTrue, CG.VerdictOther),
            REVIEW_VERDICT,
        ),
    ),
    case(
        "review-verdict-not-listed",
        wrong(CLAIM_REVIEW, CG.normalizedVerdict, u(GRASPF.POSITIVE), REVIEW_VERDICT, SH["in"]),
    ),
    # ratings: worst 1 <= value 5 <= best 6
    case(
        "rating-value-twice",
        twice(RATING, SCHEMA.ratingValue, dec("3"), RATING_VALUE),
    ),
    case(
        "rating-value-integer",
        wrong(RATING, SCHEMA.ratingValue, integer(5), RATING_VALUE, SH.datatype),
    ),
    case(
        "rating-value-above-best",
        wrong(RATING, SCHEMA.ratingValue, dec("7"), RATING_VALUE, SH.lessThanOrEquals),
    ),
    case("rating-worst-twice", twice(RATING, SCHEMA.worstRating, dec("0"), RATING_WORST)),
    case(
        "rating-worst-integer",
        wrong(RATING, SCHEMA.worstRating, integer(1), RATING_WORST, SH.datatype),
    ),
    case(
        "rating-worst-above-value",
        wrong(RATING, SCHEMA.worstRating, dec("5.5"), RATING_WORST, SH.lessThanOrEquals),
    ),
    case("rating-best-twice", twice(RATING, SCHEMA.bestRating, dec("10"), RATING_BEST)),
    case(
        "rating-best-integer",
        wrong(RATING, SCHEMA.bestRating, integer(6), RATING_BEST, SH.datatype),
    ),
    case(
        "rating-label-twice",
        twice(RATING, SCHEMA.alternateName, Literal("Mostly True"), RATING_LABEL),
    ),
    case(
        "rating-label-language-tagged",
        wrong(
            RATING, SCHEMA.alternateName, tagged(SCHEMA.alternateName), RATING_LABEL, SH.datatype
        ),
    ),
    # the claims fact-checkers review
    case("reviewed-claim-text-missing", missing(REVIEWED_CLAIM, SCHEMA.text, REVIEWED_TEXT)),
    case(
        "reviewed-claim-text-twice",
        twice(REVIEWED_CLAIM, SCHEMA.text, Literal("Something else."), REVIEWED_TEXT),
    ),
    case(
        "reviewed-claim-text-language-tagged",
        wrong(REVIEWED_CLAIM, SCHEMA.text, tagged(SCHEMA.text), REVIEWED_TEXT, SH.datatype),
    ),
    # fact-check links
    case("match-claim-missing", missing(FACT_CHECK, CG.matchedClaim, MATCH_CLAIM)),
    case(
        "match-claim-twice",
        twice(FACT_CHECK, CG.matchedClaim, other(SCHEMA.Claim, CG.matchedClaim), MATCH_CLAIM),
    ),
    case(
        "match-claim-not-claim",
        wrong(FACT_CHECK, CG.matchedClaim, the(EVENT), MATCH_CLAIM, SH["class"]),
    ),
    case("match-review-missing", missing(FACT_CHECK, CG.matchedReview, MATCH_REVIEW)),
    case("match-review-twice", Case(FACT_CHECK, second_review, MATCH_REVIEW, SH.maxCount)),
    case(
        "match-review-not-review",
        wrong(FACT_CHECK, CG.matchedReview, the(ARTICLE), MATCH_REVIEW, SH["class"]),
    ),
    case("match-score-missing", missing(FACT_CHECK, CG.matchScore, MATCH_SCORE)),
    case("match-score-twice", twice(FACT_CHECK, CG.matchScore, dec("0.1"), MATCH_SCORE)),
    case(
        "match-score-double",
        wrong(
            FACT_CHECK,
            CG.matchScore,
            Literal("0.9", datatype=u(XSD.double)),
            MATCH_SCORE,
            SH.datatype,
        ),
    ),
    case("match-method-missing", missing(FACT_CHECK, CG.matchMethod, MATCH_METHOD)),
    case("match-method-twice", twice(FACT_CHECK, CG.matchMethod, Literal("other"), MATCH_METHOD)),
    case(
        "match-method-language-tagged",
        wrong(FACT_CHECK, CG.matchMethod, tagged(CG.matchMethod), MATCH_METHOD, SH.datatype),
    ),
    case(
        "match-time-twice",
        twice(
            FACT_CHECK,
            PROV.generatedAtTime,
            Literal("2026-12-02T10:00:00Z", datatype=u(XSD.dateTime)),
            MATCH_TIME,
        ),
    ),
    case(
        "match-time-a-date",
        wrong(
            FACT_CHECK,
            PROV.generatedAtTime,
            Literal("2026-12-01", datatype=u(XSD.date)),
            MATCH_TIME,
            SH.datatype,
        ),
    ),
]


# ---------------------------------------------------------------- tests


def test_example_conforms(example: rdflib.Graph) -> None:
    report = validate_graph(example)
    assert report.violations == []
    assert report.conforms


def test_example_with_fact_check_link_conforms(base: rdflib.Graph) -> None:
    report = validate_graph(base)
    assert report.violations == []
    assert report.conforms


@pytest.mark.parametrize("c", CASES)
def test_broken_constraint_is_reported_exactly(c: Case, base: rdflib.Graph) -> None:
    g = copy(base)
    focus = c.pick(g)
    expected = c.apply(g, focus)
    report = validate_graph(described(g, focus))
    assert results(report) == ordered(expected)
    assert {v.severity for v in report.violations} == {c.severity}
    assert report.conforms is (c.severity != "Violation")  # warnings alone conform


CONSTRAINT_PARAMETERS = frozenset(
    SH[name]
    for name in (
        "minCount maxCount datatype class node or in pattern minInclusive maxInclusive "
        "minExclusive maxExclusive minLength maxLength lessThan lessThanOrEquals nodeKind "
        "not and xone hasValue equals disjoint closed uniqueLang qualifiedValueShape"
    ).split()
)


def test_table_covers_every_constraint() -> None:
    """Each (message, parameter, severity) in the shapes has a case, and no case tests a
    missing one."""
    shapes = shapes_graph()
    declared: set[tuple[str, URIRef, str]] = set()
    for node, message in shapes.subject_objects(SH.message):
        severity = str(shapes.value(node, SH.severity, default=SH.Violation)).rsplit("#", 1)[-1]
        if (node, SH.select, None) in shapes:
            declared.add((str(message), SH.sparql, severity))
        else:
            declared |= {
                (str(message), p, severity)
                for p in shapes.predicates(node)
                if p in CONSTRAINT_PARAMETERS
            }
    unmessaged = [
        s
        for s in set(shapes.subjects(SH.path, None))
        if isinstance(s, BNode) and (s, SH.message, None) not in shapes
    ]
    assert unmessaged == []
    covered = {(c.values[0].message, c.values[0].breaks, c.values[0].severity) for c in CASES}
    assert covered == declared
