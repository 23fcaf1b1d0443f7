"""Every IRI claimgraph writes or reads, in one place.

Each vocabulary is a class that declares its terms as `NamedNode` attributes (the habit of
rdflib's DefinedNamespace), so that mypy rejects a misspelt term (`CG.cueSapn`) before the
code runs, and Python raises AttributeError at the first use rather than a query returning
nothing a month later. `CG` is our own ontology (ontology/claimgraph.ttl); a test checks
that every term listed here is declared there with a label and a comment, and the reverse.

Terms are pyoxigraph `NamedNode`s because pyoxigraph builds and stores every quad;
`kg.graph.validate` converts to rdflib only for pyshacl. This module imports pyoxigraph only, so
the query workers may use it.
"""

from __future__ import annotations

import inspect

from pyoxigraph import NamedNode


class Vocabulary:
    """A namespace with a closed list of terms: those its subclass declares as annotations.

    A subclass lists `term: NamedNode` for each term; an instance binds each to
    `NamedNode(iri + term)`. There is deliberately no `__getattr__`: with one, mypy would
    accept any attribute. `V["term"]` looks a term up by a name known only at run time.
    """

    iri: str
    prefix: str
    terms: frozenset[str]

    def __init__(self, iri: str, prefix: str) -> None:
        self.iri = iri
        self.prefix = prefix
        declared = [
            name
            for cls in type(self).__mro__
            if cls is not Vocabulary and issubclass(cls, Vocabulary)
            for name in inspect.get_annotations(cls)
        ]
        self.terms = frozenset(declared)
        for name in declared:
            setattr(self, name, NamedNode(iri + name))

    def __getitem__(self, name: str) -> NamedNode:
        if name not in self.terms:
            raise AttributeError(f"{self.prefix}:{name} is not a term of <{self.iri}>")
        node: NamedNode = getattr(self, name)
        return node

    def __contains__(self, iri: object) -> bool:
        value = iri.value if isinstance(iri, NamedNode) else str(iri)
        return value.startswith(self.iri) and value[len(self.iri) :] in self.terms

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.prefix}: <{self.iri}>>"


CG_IRI = "https://w3id.org/claimgraph/ns#"


class ClaimgraphNS(Vocabulary):
    """Our own ontology, ontology/claimgraph.ttl (tests/kg/test_ontology.py keeps them in step)."""

    Group: NamedNode
    Deployment: NamedNode
    Raid: NamedNode
    Protest: NamedNode
    Arrest: NamedNode
    Attack: NamedNode
    ClaimMatch: NamedNode
    # concept schemes and their concepts
    ClaimTypes: NamedNode
    DirectQuote: NamedNode
    IndirectSpeech: NamedNode
    AccordingTo: NamedNode
    Narration: NamedNode
    Qualifiers: NamedNode
    Exact: NamedNode
    Approximately: NamedNode
    AtLeast: NamedNode
    MoreThan: NamedNode
    AtMost: NamedNode
    LessThan: NamedNode
    Verdicts: NamedNode
    VerdictTrue: NamedNode
    VerdictFalse: NamedNode
    VerdictMixture: NamedNode
    VerdictOther: NamedNode
    # article and provenance
    contentHash: NamedNode
    softwareVersion: NamedNode
    modelVersion: NamedNode
    # claims
    cue: NamedNode
    cueSpan: NamedNode
    contentSpan: NamedNode
    sourceSpan: NamedNode
    claimType: NamedNode
    medium: NamedNode
    confidence: NamedNode
    certainty: NamedNode
    polarity: NamedNode
    temporality: NamedNode
    mentionsQuantity: NamedNode
    conflictsWith: NamedNode
    # quantities, events, spans of either
    qualifier: NamedNode
    counted: NamedNode
    countedOf: NamedNode
    surfaceText: NamedNode
    span: NamedNode
    force: NamedNode
    count: NamedNode
    jurisdiction: NamedNode
    # fact-check links
    matchedClaim: NamedNode
    matchedReview: NamedNode
    matchScore: NamedNode
    matchMethod: NamedNode
    normalizedVerdict: NamedNode


CG = ClaimgraphNS(CG_IRI, "cg")


class SchemaNS(Vocabulary):
    """schema.org, over http as schema.org's own RDF and ClaimsKG write it."""

    NewsArticle: NamedNode
    Claim: NamedNode
    ClaimReview: NamedNode
    Rating: NamedNode
    CreativeWork: NamedNode
    Person: NamedNode
    Organization: NamedNode
    GovernmentOrganization: NamedNode
    Place: NamedNode
    City: NamedNode
    State: NamedNode
    Country: NamedNode
    AdministrativeArea: NamedNode
    QuantitativeValue: NamedNode
    DataFeed: NamedNode
    name: NamedNode
    alternateName: NamedNode
    url: NamedNode
    datePublished: NamedNode
    dateModified: NamedNode
    publisher: NamedNode
    author: NamedNode
    headline: NamedNode
    text: NamedNode
    appearance: NamedNode
    firstAppearance: NamedNode
    mentions: NamedNode
    sameAs: NamedNode
    value: NamedNode
    minValue: NamedNode
    maxValue: NamedNode
    unitCode: NamedNode
    unitText: NamedNode
    itemReviewed: NamedNode
    claimReviewed: NamedNode
    reviewRating: NamedNode
    ratingValue: NamedNode
    bestRating: NamedNode
    worstRating: NamedNode
    identifier: NamedNode
    description: NamedNode
    creator: NamedNode
    inLanguage: NamedNode


SCHEMA = SchemaNS("http://schema.org/", "schema")


class ProvNS(Vocabulary):
    """W3C PROV-O: who a claim is attributed to, what produced a graph."""

    Entity: NamedNode
    Activity: NamedNode
    Agent: NamedNode
    SoftwareAgent: NamedNode
    wasAttributedTo: NamedNode
    wasDerivedFrom: NamedNode
    wasQuotedFrom: NamedNode
    wasGeneratedBy: NamedNode
    wasAssociatedWith: NamedNode
    used: NamedNode
    startedAtTime: NamedNode
    endedAtTime: NamedNode
    generatedAtTime: NamedNode


PROV = ProvNS("http://www.w3.org/ns/prov#", "prov")


class OrgNS(Vocabulary):
    """W3C Organization Ontology: posts, roles and memberships."""

    Post: NamedNode
    Role: NamedNode
    Membership: NamedNode
    holds: NamedNode
    heldBy: NamedNode
    postIn: NamedNode
    role: NamedNode
    member: NamedNode
    organization: NamedNode
    memberDuring: NamedNode


ORG = OrgNS("http://www.w3.org/ns/org#", "org")


class NifNS(Vocabulary):
    """NLP Interchange Format: offsets of spans in an article's text."""

    Context: NamedNode
    OffsetBasedString: NamedNode
    String: NamedNode
    isString: NamedNode
    beginIndex: NamedNode
    endIndex: NamedNode
    anchorOf: NamedNode
    referenceContext: NamedNode


NIF = NifNS("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#", "nif")


class ItsRdfNS(Vocabulary):
    """ITS 2.0 in RDF: the entity a span identifies."""

    taIdentRef: NamedNode


ITSRDF = ItsRdfNS("http://www.w3.org/2005/11/its/rdf#", "itsrdf")


class SemNS(Vocabulary):
    """Simple Event Model: events, their actors, places and times."""

    Event: NamedNode
    hasActor: NamedNode
    hasPlace: NamedNode
    hasTimeStamp: NamedNode


SEM = SemNS("http://semanticweb.cs.vu.nl/2009/11/sem/", "sem")


class TimeNS(Vocabulary):
    """OWL-Time: intervals and instants."""

    Interval: NamedNode
    Instant: NamedNode
    inside: NamedNode
    inXSDDate: NamedNode


TIME = TimeNS("http://www.w3.org/2006/time#", "time")


class GraspFactualityNS(Vocabulary):
    """GRaSP factuality: certainty, polarity and temporality of a claim."""

    CertaintyValue: NamedNode
    PolarityValue: NamedNode
    TemporalValue: NamedNode
    CERTAIN: NamedNode
    PROBABLE: NamedNode
    POSSIBLE: NamedNode
    POSITIVE: NamedNode
    NEGATIVE: NamedNode
    FUTURE: NamedNode
    NONFUTURE: NamedNode


GRASPF = GraspFactualityNS("http://groundedannotationframework.org/grasp/factuality#", "graspf")


class SkosNS(Vocabulary):
    """SKOS: the concept schemes of claim types, qualifiers and verdicts."""

    Concept: NamedNode
    ConceptScheme: NamedNode
    prefLabel: NamedNode
    inScheme: NamedNode


SKOS = SkosNS("http://www.w3.org/2004/02/skos/core#", "skos")


class RdfNS(Vocabulary):
    """RDF itself."""

    type: NamedNode


RDF = RdfNS("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf")


class RdfsNS(Vocabulary):
    """RDF Schema."""

    label: NamedNode
    comment: NamedNode


RDFS = RdfsNS("http://www.w3.org/2000/01/rdf-schema#", "rdfs")


class OwlNS(Vocabulary):
    """OWL."""

    sameAs: NamedNode


OWL = OwlNS("http://www.w3.org/2002/07/owl#", "owl")


class XsdNS(Vocabulary):
    """XML Schema datatypes."""

    string: NamedNode
    integer: NamedNode
    decimal: NamedNode
    double: NamedNode
    date: NamedNode
    dateTime: NamedNode
    nonNegativeInteger: NamedNode
    anyURI: NamedNode


XSD = XsdNS("http://www.w3.org/2001/XMLSchema#", "xsd")


WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

# -- what others call these namespaces, and vocabularies outside our own graph -----------

# schema.org's https form: JSON-LD feeds use it, and the ClaimsKG export names its context so.
SCHEMA_HTTPS = "https://schema.org/"
SCHEMA_CONTEXT = "https://schema.org"


class ClaimsKGSchemaNS(Vocabulary):
    """schema.org terms only the ClaimsKG export writes.

    They stay out of `SCHEMA` because claimgraph's own graph never uses them, and every
    term of `VOCABULARIES` must be declared in the ontology.
    """

    Thing: NamedNode
    citation: NamedNode


# ClaimsKG (GESIS) mints its IRIs under this base and writes ITS RDF over https.
CLAIMSKG = "http://data.gesis.org/claimskg/"
CLAIMSKG_ORG = NamedNode(CLAIMSKG + "organization/claimskg")  # the author of its own ratings
CLAIMSKG_SCHEMA = ClaimsKGSchemaNS(SCHEMA.iri, "schema")
CLAIMSKG_ITSRDF = ItsRdfNS("https://www.w3.org/2005/11/its/rdf#", "itsrdf")

# Namespaces that only the API's descriptions of itself use (VoID, DCAT, the SPARQL service
# description, Hydra paging): not prefixes of queries, so not in PREFIXES.
SERVICE_PREFIXES: dict[str, str] = {
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "formats": "http://www.w3.org/ns/formats/",
    "ent": "http://www.w3.org/ns/entailment/",
    "hydra": "http://www.w3.org/ns/hydra/core#",
}
# XML namespaces: sitemaps (where fact-check sites list their reviews), SPARQL XML results.
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SPARQL_RESULTS_XML = "http://www.w3.org/2005/sparql-results#"

VOCABULARIES = (CG, SCHEMA, PROV, ORG, NIF, ITSRDF, SEM, TIME, GRASPF, SKOS, RDF, RDFS, OWL, XSD)

PREFIXES: dict[str, str] = {v.prefix: v.iri for v in VOCABULARIES}


def turtle_prefixes(*prefixes: str) -> str:
    """`@prefix` lines for these prefixes (of PREFIXES or SERVICE_PREFIXES), in this order."""
    known = {**PREFIXES, **SERVICE_PREFIXES}
    return "".join(f"@prefix {p}: <{known[p]}> .\n" for p in prefixes)


def sparql_prefixes() -> str:
    """The PREFIX lines every query may rely on (the CLI and the API prepend them)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
