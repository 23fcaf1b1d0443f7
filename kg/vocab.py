"""Every IRI claimgraph writes or reads, in one place.

Each vocabulary lists its terms, so that a misspelt term fails at import time
rather than in a query a month later (the habit of rdflib's DefinedNamespace).
`CG` is our own ontology (ontology/claimgraph.ttl); a test checks that every
term listed here is declared there with a label and a comment, and the reverse.

Terms are pyoxigraph `NamedNode`s because pyoxigraph builds and stores every
quad; `kg.validate` converts to rdflib only for pyshacl.
"""

from __future__ import annotations

from pyoxigraph import NamedNode


class Vocabulary:
    """A namespace with a closed list of terms: `V.term` is a NamedNode, `V.tpyo` an error."""

    def __init__(self, iri: str, prefix: str, terms: str) -> None:
        self.iri = iri
        self.prefix = prefix
        self.terms = frozenset(terms.split())
        self._nodes = {t: NamedNode(iri + t) for t in self.terms}

    def __getattr__(self, name: str) -> NamedNode:
        try:
            return self.__dict__["_nodes"][name]
        except KeyError:
            raise AttributeError(f"{self.prefix}:{name} is not a term of <{self.iri}>") from None

    def __getitem__(self, name: str) -> NamedNode:
        return self.__getattr__(name)

    def __contains__(self, iri: object) -> bool:
        value = iri.value if isinstance(iri, NamedNode) else str(iri)
        return value.startswith(self.iri) and value[len(self.iri) :] in self.terms


CG_IRI = "https://w3id.org/claimgraph/ns#"

CG = Vocabulary(
    CG_IRI,
    "cg",
    # classes
    "Group Deployment Raid Protest Arrest Attack ClaimMatch "
    # concept schemes and their concepts
    "ClaimTypes DirectQuote IndirectSpeech AccordingTo Narration "
    "Qualifiers Exact Approximately AtLeast MoreThan AtMost LessThan "
    "Verdicts VerdictTrue VerdictFalse VerdictMixture VerdictOther "
    # article and provenance
    "contentHash softwareVersion modelVersion "
    # claims
    "cue cueSpan contentSpan sourceSpan claimType medium confidence "
    "certainty polarity temporality mentionsQuantity conflictsWith "
    # quantities, events, spans of either
    "qualifier counted countedOf surfaceText span force count jurisdiction "
    # fact-check links
    "matchedClaim matchedReview matchScore matchMethod normalizedVerdict",
)

SCHEMA = Vocabulary(
    "http://schema.org/",
    "schema",
    "NewsArticle Claim ClaimReview Rating CreativeWork Person Organization "
    "GovernmentOrganization Place City State Country AdministrativeArea QuantitativeValue "
    "DataFeed "
    "name alternateName url datePublished dateModified publisher author headline text "
    "appearance firstAppearance mentions sameAs value minValue maxValue unitCode unitText "
    "itemReviewed claimReviewed reviewRating ratingValue bestRating worstRating "
    "identifier description creator inLanguage",
)

PROV = Vocabulary(
    "http://www.w3.org/ns/prov#",
    "prov",
    "Entity Activity Agent SoftwareAgent wasAttributedTo wasDerivedFrom wasQuotedFrom "
    "wasGeneratedBy wasAssociatedWith used startedAtTime endedAtTime generatedAtTime",
)

ORG = Vocabulary(
    "http://www.w3.org/ns/org#",
    "org",
    "Post Role Membership holds heldBy postIn role member organization memberDuring",
)

NIF = Vocabulary(
    "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "nif",
    "Context OffsetBasedString String isString beginIndex endIndex anchorOf referenceContext",
)

ITSRDF = Vocabulary("http://www.w3.org/2005/11/its/rdf#", "itsrdf", "taIdentRef")

SEM = Vocabulary(
    "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "sem",
    "Event hasActor hasPlace hasTimeStamp",
)

TIME = Vocabulary(
    "http://www.w3.org/2006/time#",
    "time",
    "Interval Instant inside inXSDDate",
)

GRASPF = Vocabulary(
    "http://groundedannotationframework.org/grasp/factuality#",
    "graspf",
    "CertaintyValue PolarityValue TemporalValue "
    "CERTAIN PROBABLE POSSIBLE POSITIVE NEGATIVE FUTURE NONFUTURE",
)

SKOS = Vocabulary(
    "http://www.w3.org/2004/02/skos/core#",
    "skos",
    "Concept ConceptScheme prefLabel inScheme",
)

RDF = Vocabulary("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf", "type")
RDFS = Vocabulary("http://www.w3.org/2000/01/rdf-schema#", "rdfs", "label comment")
OWL = Vocabulary("http://www.w3.org/2002/07/owl#", "owl", "sameAs")
XSD = Vocabulary(
    "http://www.w3.org/2001/XMLSchema#",
    "xsd",
    "string integer decimal double date dateTime boolean nonNegativeInteger anyURI",
)

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

VOCABULARIES = (CG, SCHEMA, PROV, ORG, NIF, ITSRDF, SEM, TIME, GRASPF, SKOS, RDF, RDFS, OWL, XSD)

PREFIXES: dict[str, str] = {v.prefix: v.iri for v in VOCABULARIES}


def sparql_prefixes() -> str:
    """The PREFIX lines every query may rely on (the CLI and the API prepend them)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
