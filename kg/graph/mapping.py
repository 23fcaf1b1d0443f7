"""From an article and its report to RDF quads: a pure function, no I/O.

The layout (docs/ARCHITECTURE.md, nanopublication pattern):

- the article's graph `<ARTICLE/graph>` holds what the article says and who said it: the
  article and its text (NIF), spans, entities as this article knows them, offices, claims
  with their attribution, quantities, the article's own events, and provenance;
- each claim's proposition graph, named by the claim's IRI, holds what the claim asserts
  (its events); so "who said a deployment happened" is `GRAPH ?claim { ?e a cg:Deployment }`.

Queries run over the union of all graphs, so common questions need no GRAPH clause;
flat shortcuts (`schema:mentions`, `cg:mentionsQuantity` on a claim) keep them short.

IRIs are deterministic: the same input under the same base gives the same quads, which is
what lets a re-ingest compare and skip, and links stay stable across runs. People,
organisations and places are global (one node across articles, by type and name); unnamed
groups are the article's own ("eyewitnesses" in two articles are not the same people).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad

from kg.extract.report import Claim, Entity, Event, Extraction, Quantity
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
from kg.settings import DEFAULT_BASE_IRI

_ENTITY_CLASSES = {
    "Person": (SCHEMA.Person, PROV.Agent),
    "Organization": (SCHEMA.Organization, PROV.Agent),
    "Publisher": (SCHEMA.Organization, PROV.Agent),
    "Place": (SCHEMA.Place,),
    "Group": (CG.Group, PROV.Agent),
}
_SUBTYPES = {
    "GovernmentOrganization": SCHEMA.GovernmentOrganization,
    "City": SCHEMA.City,
    "State": SCHEMA.State,
    "Country": SCHEMA.Country,
    "AdministrativeArea": SCHEMA.AdministrativeArea,
}
_CLAIM_TYPES = {
    "direct_quote": CG.DirectQuote,
    "indirect": CG.IndirectSpeech,
    "according_to": CG.AccordingTo,
    "narration": CG.Narration,
}
_QUALIFIERS = {
    "exact": CG.Exact,
    "approximately": CG.Approximately,
    "at_least": CG.AtLeast,
    "more_than": CG.MoreThan,
    "at_most": CG.AtMost,
    "less_than": CG.LessThan,
}
_CERTAINTY = {"certain": GRASPF.CERTAIN, "probable": GRASPF.PROBABLE, "possible": GRASPF.POSSIBLE}
_POLARITY = {"positive": GRASPF.POSITIVE, "negative": GRASPF.NEGATIVE}
_TENSE = {"future": GRASPF.FUTURE, "non_future": GRASPF.NONFUTURE}
_SpanFn = Callable[[int, int], NamedNode]

_EVENT_CLASSES = {
    "Deployment": CG.Deployment,
    "Raid": CG.Raid,
    "Protest": CG.Protest,
    "Arrest": CG.Arrest,
    "Attack": CG.Attack,
}


def slug(text: str) -> str:
    """A readable, stable IRI segment: ASCII, lower case, hyphens."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.replace("\u2019", "").replace("'", "")
    s = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if s:
        return s[:80]
    # A name with no Latin letters still needs a stable segment.
    return "u" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_key(text: str, url: str | None) -> str:
    """The article's identity: its URL when known (so a corrected article replaces the old
    one), else its text (so the same text is the same article)."""
    basis = ("url:" + url.strip()) if url else ("text:" + text_hash(text))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ArticleIris:
    """The IRIs an article owns; everything under `article` is replaced with it."""

    base: str
    key: str

    @property
    def article(self) -> NamedNode:
        return NamedNode(f"{self.base}article/{self.key}")

    @property
    def graph(self) -> NamedNode:
        return NamedNode(f"{self.base}article/{self.key}/graph")

    def own(self, *parts: str) -> NamedNode:
        return NamedNode(f"{self.base}article/{self.key}/" + "/".join(parts))

    def span(self, start: int, end: int) -> NamedNode:
        # RFC 5147 fragment, as NIF 2.0 recommends for offset-based strings.
        return NamedNode(f"{self.base}article/{self.key}#char={start},{end}")


@dataclass(frozen=True)
class ArticleGraphs:
    """One article's quads, and the names a store needs to replace them as a unit.

    `owned` are the quads of the article's own graphs (replaced with it); `shared` those of
    the shared graph (only ever added to, since other articles say them too).
    """

    iris: ArticleIris
    quads: list[Quad]
    content_hash: str

    @property
    def article(self) -> NamedNode:
        return self.iris.article

    @property
    def shared_graph(self) -> NamedNode:
        return shared_graph(self.iris.base)

    @property
    def owned(self) -> list[Quad]:
        return [q for q in self.quads if q.graph_name != self.shared_graph]

    @property
    def graphs(self) -> list[NamedNode]:
        """The article's own graphs: its graph and its claims' proposition graphs."""
        seen: dict[str, NamedNode] = {}
        for q in self.owned:
            g = q.graph_name
            if isinstance(g, NamedNode):
                seen.setdefault(g.value, g)
        return list(seen.values())


def entity_iri(base: str, entity: Entity, iris: ArticleIris) -> NamedNode:
    if entity.type == "Group":
        return iris.own("group", slug(entity.name))
    kind = "organization" if entity.type == "Publisher" else entity.type.lower()
    return NamedNode(f"{base}{kind}/{quote(slug(entity.name))}")


def _lit(value: str) -> Literal:
    return Literal(value)


def _decimal(value: float) -> Literal:
    d = Decimal(repr(value)).normalize()
    text = format(d, "f")
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def _date(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def _int(value: int) -> Literal:
    # xsd:integer, not NIF's xsd:nonNegativeInteger: Oxigraph stores every integer subtype
    # as xsd:integer, so the stored data could never match the narrower datatype. The
    # shapes require the value to be at least 0 instead.
    return Literal(str(value), datatype=XSD.integer)


def shared_graph(base: str = DEFAULT_BASE_IRI) -> NamedNode:
    """The graph of what many articles say alike: the names and types of global entities,
    offices and their holders, software agents, fact-checkers."""
    return NamedNode(f"{base}graph/shared")


class _Writer:
    """Collects quads, dropping exact repeats, and routes shared statements.

    A statement about a node the article does not own (a person, an organisation, a post)
    goes to the shared graph, where every article asserts it into the same set: in the
    union of all graphs it then appears once, not once per article that mentions it
    (Oxigraph's union default graph keeps one copy per graph, so "Snopes" named in 14,000
    review graphs would multiply every row that joins on its name).
    """

    def __init__(self, owned: str, shared: NamedNode) -> None:
        self.quads: list[Quad] = []
        self._seen: set[Quad] = set()
        self._owned = owned
        self._shared = shared

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal, g: NamedNode) -> None:
        if not s.value.startswith(self._owned):
            g = self._shared
        q = Quad(s, p, o, g)
        if q not in self._seen:
            self._seen.add(q)
            self.quads.append(q)


def article_graphs(
    text: str,
    report: Extraction,
    *,
    base: str = DEFAULT_BASE_IRI,
    ingested_at: dt.datetime | None = None,
    software_version: str = "0",
    model_version: str | None = None,
    known: Mapping[str, NamedNode] | None = None,
) -> ArticleGraphs:
    """Map one article and its report to quads. Deterministic but for `ingested_at`.

    `known` maps report entity ids to IRIs the graph already uses (`kg.ingest.resolve`).
    """
    if not base.endswith(("/", "#")):
        base += "/"
    meta = report.article
    iris = ArticleIris(base, article_key(text, meta.url))
    art, g = iris.article, iris.graph
    # Spans are <article#char=…>, everything else the article owns is under <article/…>.
    w = _Writer(owned=art.value, shared=shared_graph(base))

    def span(start: int, end: int) -> NamedNode:
        node = iris.span(start, end)
        w.add(node, RDF.type, NIF.OffsetBasedString, g)
        w.add(node, NIF.beginIndex, _int(start), g)
        w.add(node, NIF.endIndex, _int(end), g)
        w.add(node, NIF.anchorOf, _lit(text[start:end]), g)
        w.add(node, NIF.referenceContext, art, g)
        return node

    # The article, its text and its provenance.
    digest = text_hash(text)
    for cls in (SCHEMA.NewsArticle, NIF.Context, PROV.Entity):
        w.add(art, RDF.type, cls, g)
    w.add(art, NIF.isString, _lit(text), g)
    w.add(art, CG.contentHash, _lit(digest), g)
    w.add(art, SCHEMA.inLanguage, _lit(meta.language), g)
    if meta.url:
        w.add(art, SCHEMA.url, Literal(meta.url, datatype=XSD.anyURI), g)
    if meta.title:
        w.add(art, SCHEMA.headline, _lit(meta.title), g)
    if meta.published:
        w.add(art, SCHEMA.datePublished, _date(meta.published), g)
    if meta.author:
        w.add(art, SCHEMA.author, _lit(meta.author), g)

    agent = NamedNode(f"{base}agent/claimgraph-{slug(software_version)}")
    activity = iris.own("ingest")
    w.add(activity, RDF.type, PROV.Activity, g)
    w.add(activity, PROV.used, art, g)
    w.add(activity, PROV.wasAssociatedWith, agent, g)
    if ingested_at is not None:
        started = Literal(ingested_at.isoformat(), datatype=XSD.dateTime)
        w.add(activity, PROV.startedAtTime, started, g)
    w.add(agent, RDF.type, PROV.SoftwareAgent, g)
    w.add(agent, RDFS.label, _lit(f"claimgraph {software_version}"), g)
    w.add(agent, CG.softwareVersion, _lit(software_version), g)
    if model_version:
        w.add(activity, CG.modelVersion, _lit(model_version), g)

    # Entities, as this article knows them.
    ent: dict[str, NamedNode] = {}
    by_name: dict[str, NamedNode] = {}
    speakers = {c.claimant for c in report.claims}
    for e in report.entities:
        node = (known or {}).get(e.id) or entity_iri(base, e, iris)
        ent[e.id] = node
        by_name[e.name.casefold()] = node
        for cls in _ENTITY_CLASSES[e.type]:
            w.add(node, RDF.type, cls, g)
        if e.type == "Place" and e.id in speakers:
            w.add(node, RDF.type, PROV.Agent, g)  # "Russia insisted": the state as an agent
        if e.subtype in _SUBTYPES:
            w.add(node, RDF.type, _SUBTYPES[e.subtype], g)
        w.add(node, SCHEMA.name, _lit(e.name), g)
        for alias in sorted(set(e.aliases) - {e.name}):
            w.add(node, SCHEMA.alternateName, _lit(alias), g)
        if e.wikidata:
            w.add(node, OWL.sameAs, NamedNode(WIKIDATA_ENTITY + e.wikidata), g)
        for m in e.mentions:
            w.add(span(m.start, m.end), ITSRDF.taIdentRef, node, g)
        if e.type == "Publisher":
            w.add(art, SCHEMA.publisher, node, g)

    if meta.publisher and not any(e.type == "Publisher" for e in report.entities):
        pub = NamedNode(f"{base}organization/{quote(slug(meta.publisher))}")
        w.add(pub, RDF.type, SCHEMA.Organization, g)
        w.add(pub, RDF.type, PROV.Agent, g)
        w.add(pub, SCHEMA.name, _lit(meta.publisher), g)
        w.add(art, SCHEMA.publisher, pub, g)

    # Offices, dated by the article: the holder held the post at some interval that
    # contains the publication date, which is all the text tells.
    date_node = iris.own("date")
    if meta.published:
        w.add(date_node, RDF.type, TIME.Instant, g)
        w.add(date_node, TIME.inXSDDate, _date(meta.published), g)
    for i, r in enumerate(report.roles):
        person = ent[r.person]
        org = ent.get(r.organization) if r.organization else None
        place = ent.get(r.jurisdiction) if r.jurisdiction else None
        title_slug = slug(r.title)
        holder = org or place or person
        post = NamedNode(f"{holder.value.replace(base, base + 'post/', 1)}/{title_slug}")
        role = NamedNode(f"{base}role/{title_slug}")
        w.add(person, ORG.holds, post, g)
        w.add(post, RDF.type, ORG.Post, g)
        w.add(post, RDFS.label, _lit(r.title), g)
        w.add(post, ORG.role, role, g)
        w.add(role, RDF.type, ORG.Role, g)
        w.add(role, RDF.type, SKOS.Concept, g)
        w.add(role, SKOS.prefLabel, _lit(r.title), g)
        if org is not None:
            w.add(post, ORG.postIn, org, g)
        if place is not None:
            w.add(post, CG.jurisdiction, place, g)
        membership = iris.own("role", str(i + 1))
        w.add(membership, RDF.type, ORG.Membership, g)
        w.add(membership, ORG.member, person, g)
        w.add(membership, ORG.role, role, g)
        if org is not None:
            w.add(membership, ORG.organization, org, g)
        if r.start is not None and r.end is not None:
            w.add(membership, CG.span, span(r.start, r.end), g)
        if meta.published:
            interval = iris.own("role", str(i + 1), "during")
            w.add(membership, ORG.memberDuring, interval, g)
            w.add(interval, RDF.type, TIME.Interval, g)
            w.add(interval, TIME.inside, date_node, g)

    # Quantities: text facts, in the article's graph.
    qty: dict[str, NamedNode] = {}
    for q in report.quantities:
        node = _quantity(w, q, iris, text, ent, g, span)
        if q.id:
            qty[q.id] = node

    # Claims: attribution in the article's graph, propositions in the claim's own graph.
    claim_nodes: dict[str, NamedNode] = {}
    used: set[str] = set()
    for c in report.claims:
        node = _claim_iri(iris, c, used)
        if c.id:
            claim_nodes[c.id] = node
        _claim(w, c, node, text, art, activity, ent, by_name, qty, base, g, span)

    for ev in report.events:
        graph = claim_nodes[ev.claim] if ev.claim else g
        _event(w, ev, iris, ent, qty, graph, span)

    return ArticleGraphs(iris=iris, quads=w.quads, content_hash=digest)


def _claim_iri(iris: ArticleIris, c: Claim, used: set[str]) -> NamedNode:
    local = f"{c.start}-{c.end}"
    n = 1
    while (local if n == 1 else f"{local}-{n}") in used:
        n += 1
    local = local if n == 1 else f"{local}-{n}"
    used.add(local)
    return iris.own("claim", local)


def _quantity(
    w: _Writer,
    q: Quantity,
    iris: ArticleIris,
    text: str,
    ent: dict[str, NamedNode],
    g: NamedNode,
    span: _SpanFn,
) -> NamedNode:
    node = iris.own("quantity", f"{q.start}-{q.end}")
    w.add(node, RDF.type, SCHEMA.QuantitativeValue, g)
    w.add(node, SCHEMA.value, _decimal(q.value), g)
    if q.min_value is not None:
        w.add(node, SCHEMA.minValue, _decimal(q.min_value), g)
    if q.max_value is not None:
        w.add(node, SCHEMA.maxValue, _decimal(q.max_value), g)
    if q.unit:
        # ISO 4217 codes (and UN/CEFACT codes) are three capitals; anything else is prose.
        if re.fullmatch(r"[A-Z]{3}", q.unit):
            w.add(node, SCHEMA.unitCode, _lit(q.unit), g)
        else:
            w.add(node, SCHEMA.unitText, _lit(q.unit), g)
    w.add(node, CG.qualifier, _QUALIFIERS[q.qualifier], g)
    if q.counted:
        w.add(node, CG.counted, _lit(q.counted), g)
    if q.counted_of:
        w.add(node, CG.countedOf, ent[q.counted_of], g)
    w.add(node, CG.surfaceText, _lit(text[q.start : q.end]), g)
    w.add(node, CG.span, span(q.start, q.end), g)
    return node


def _claim(
    w: _Writer,
    c: Claim,
    node: NamedNode,
    text: str,
    art: NamedNode,
    activity: NamedNode,
    ent: dict[str, NamedNode],
    by_name: dict[str, NamedNode],
    qty: dict[str, NamedNode],
    base: str,
    g: NamedNode,
    span: _SpanFn,
) -> None:
    claimant = ent[c.claimant]
    w.add(node, RDF.type, SCHEMA.Claim, g)
    w.add(node, RDF.type, PROV.Entity, g)
    w.add(node, PROV.wasAttributedTo, claimant, g)
    if c.type == "direct_quote":
        w.add(node, PROV.wasQuotedFrom, claimant, g)
    w.add(node, PROV.wasDerivedFrom, art, g)
    w.add(node, SCHEMA.appearance, art, g)
    w.add(node, PROV.wasGeneratedBy, activity, g)
    w.add(node, SCHEMA.text, _lit(c.text(text)), g)
    w.add(node, CG.cue, _lit(c.cue), g)
    w.add(node, CG.contentSpan, span(c.start, c.end), g)
    if c.cue_start is not None and c.cue_end is not None:
        w.add(node, CG.cueSpan, span(c.cue_start, c.cue_end), g)
    w.add(node, CG.claimType, _CLAIM_TYPES[c.type], g)
    w.add(node, CG.confidence, _decimal(c.confidence), g)
    w.add(node, CG.certainty, _CERTAINTY[c.factuality.certainty], g)
    w.add(node, CG.polarity, _POLARITY[c.factuality.polarity], g)
    w.add(node, CG.temporality, _TENSE[c.factuality.tense], g)
    if c.medium:
        platform = by_name.get(c.medium.casefold())
        if platform is None:
            platform = NamedNode(f"{base}organization/{quote(slug(c.medium))}")
            w.add(platform, RDF.type, SCHEMA.Organization, g)
            w.add(platform, SCHEMA.name, _lit(c.medium), g)
        w.add(node, CG.medium, platform, g)
    for ref in c.mentions:
        w.add(node, SCHEMA.mentions, ent[ref], g)
    for ref in c.quantities:
        w.add(node, CG.mentionsQuantity, qty[ref], g)


def _event(
    w: _Writer,
    ev: Event,
    iris: ArticleIris,
    ent: dict[str, NamedNode],
    qty: dict[str, NamedNode],
    graph: NamedNode,
    span: _SpanFn,
) -> None:
    node = iris.own("event", f"{ev.start}-{ev.end}")
    w.add(node, RDF.type, SEM.Event, graph)
    if ev.type in _EVENT_CLASSES:
        w.add(node, RDF.type, _EVENT_CLASSES[ev.type], graph)
    w.add(node, RDFS.label, _lit(ev.trigger), graph)
    w.add(node, CG.span, span(ev.start, ev.end), graph)
    if ev.actor:
        w.add(node, SEM.hasActor, ent[ev.actor], graph)
    if ev.place:
        w.add(node, SEM.hasPlace, ent[ev.place], graph)
    if ev.force:
        w.add(node, CG.force, ent[ev.force], graph)
    if ev.date:
        w.add(node, SEM.hasTimeStamp, _date(ev.date), graph)
    for ref in ev.quantities:
        w.add(node, CG.count, qty[ref], graph)
