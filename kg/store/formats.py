"""Every RDF and query-result format claimgraph reads or writes, in one table.

pyoxigraph already knows each format's media type and file extension (`RdfFormat`,
`QueryResultsFormat`); this table only adds what is ours: the names users type (the CLI's
`--format`, the API's `?format=`, the key a query worker is handed) and the further media
types content negotiation accepts. Names are a contract: RDF/XML has been called `xml` by
the CLI and `rdfxml` by the API, so both names select it.

This module imports pyoxigraph and the standard library only: `api.evaluate` runs inside
query worker processes and must stay cheap to import.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat


@dataclass(frozen=True)
class Format:
    """One serialisation: its name, its media type, and what else selects it.

    `syntax` is pyoxigraph's format (None for what pyoxigraph does not write, such as HTML
    pages); `media_type` defaults to pyoxigraph's. `names` are further names users may type
    for it, `aliases` further media types an Accept header may ask for it by.
    """

    key: str
    media_type: str
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    syntax: RdfFormat | QueryResultsFormat | None = None

    @classmethod
    def of(
        cls,
        key: str,
        syntax: RdfFormat | QueryResultsFormat,
        aliases: tuple[str, ...] = (),
        names: tuple[str, ...] = (),
    ) -> Format:
        """A format pyoxigraph writes, with pyoxigraph's media type.

        pyoxigraph writes CSV's and TSV's as `text/csv; charset=utf-8`; negotiation matches
        the bare type, and `content_type` adds the charset back.
        """
        return cls(key, syntax.media_type.split(";")[0].strip(), aliases, names, syntax)

    @property
    def rdf(self) -> RdfFormat:
        """pyoxigraph's RDF format for this one (ValueError if it is not RDF)."""
        if not isinstance(self.syntax, RdfFormat):
            raise ValueError(f"{self.key} is not an RDF format")
        return self.syntax

    @property
    def results(self) -> QueryResultsFormat:
        """pyoxigraph's query-results format for this one (ValueError if it is not one)."""
        if not isinstance(self.syntax, QueryResultsFormat):
            raise ValueError(f"{self.key} is not a query-results format")
        return self.syntax

    @property
    def extension(self) -> str | None:
        """The usual file extension (without the dot), as pyoxigraph knows it."""
        return None if self.syntax is None else self.syntax.file_extension


# -- SELECT and ASK results (SPARQL 1.1 Query Results formats) ---------------------------

RESULTS_JSON = Format.of("json", QueryResultsFormat.JSON, ("application/json",))
RESULTS_XML = Format.of("xml", QueryResultsFormat.XML, ("application/xml", "text/xml"))
RESULTS_CSV = Format.of("csv", QueryResultsFormat.CSV)
RESULTS_TSV = Format.of("tsv", QueryResultsFormat.TSV)

# -- RDF ---------------------------------------------------------------------------------

TURTLE = Format.of("turtle", RdfFormat.TURTLE, ("application/x-turtle",), ("ttl",))
N_TRIPLES = Format.of("ntriples", RdfFormat.N_TRIPLES, ("text/plain",))
N_QUADS = Format.of("nquads", RdfFormat.N_QUADS)
TRIG = Format.of("trig", RdfFormat.TRIG)
JSON_LD = Format.of("jsonld", RdfFormat.JSON_LD, ("application/json",))
RDF_XML = Format.of("rdfxml", RdfFormat.RDF_XML, ("application/xml", "text/xml"), ("xml",))

# -- pages for people (not RDF; offered beside it by the linked-data and match routes) ----

HTML = Format("html", "text/html", ("application/xhtml+xml",))

# Negotiation offers these in this order: the first is the answer to `*/*` or no Accept.
RESULT_FORMATS: tuple[Format, ...] = (RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV)
# What the API serves a graph (CONSTRUCT, DESCRIBE, a dereferenced IRI) as: triples only.
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)
# What the CLI and `GET /export` write a graph or a whole dataset as; datasets first.
DUMP_FORMATS: tuple[Format, ...] = (N_QUADS, TRIG, TURTLE, N_TRIPLES, JSON_LD, RDF_XML)

# Media types whose Content-Type carries `charset=utf-8` (the others define their encoding).
TEXTUAL = frozenset(
    {"text/csv", "text/tab-separated-values", "text/turtle", "application/n-triples"}
)


def names(formats: tuple[Format, ...]) -> tuple[str, ...]:
    """Every name users may type for one of `formats`, canonical names first."""
    return tuple(f.key for f in formats) + tuple(n for f in formats for n in f.names)


def by_name(formats: tuple[Format, ...]) -> dict[str, Format]:
    """`formats` by each name users may type for them."""
    return {n: f for f in formats for n in (f.key, *f.names)}


def rdf_format(name: str) -> RdfFormat:
    """pyoxigraph's RDF format for a name users type (KeyError if none)."""
    return by_name(DUMP_FORMATS)[name].rdf


def results_format(name: str) -> QueryResultsFormat:
    """pyoxigraph's query-results format for a name users type (KeyError if none)."""
    return by_name(RESULT_FORMATS)[name].results


def query_output_names() -> tuple[str, ...]:
    """What `claimgraph query --format` accepts: `table` for people, then the standard names.

    `xml` is SPARQL XML results for a SELECT or ASK and RDF/XML for a CONSTRUCT or DESCRIBE.
    """
    results = names(RESULT_FORMATS)
    return ("table", *results, *(n for n in names(DUMP_FORMATS) if n not in results))


def content_type(fmt: Format) -> str:
    """The Content-Type header for a response in `fmt`."""
    return fmt.media_type + ("; charset=utf-8" if fmt.media_type in TEXTUAL else "")
