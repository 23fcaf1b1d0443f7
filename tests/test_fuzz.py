"""Property tests through the `claimgraph` command: whatever the input, a clean answer.

Four kinds of input, each from strategies that start from real inputs and break them:
article files, fact sheets (the report format of kg/extract/report.py), ClaimReview JSON-LD and
SPARQL. Whatever a command is given, it exits 0 or with its documented code and an
`error: …` message, never a traceback; a refused input leaves the store's sorted N-Quads
export byte for byte as it was; nothing ever connects to the loopback listener the inputs
name (a remote `@context`, SERVICE, LOAD, FROM).

The strategies are shared with tests/api/test_fuzz_api.py, which sends the same inputs to
the HTTP API.
"""

from __future__ import annotations

import copy
import gc
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pyoxigraph import NamedNode, RdfFormat, parse
from typer.testing import CliRunner

from kg.cli import app
from kg.extract import load_model
from kg.extract.report import mistyped_references, parse_report, spans_outside
from kg.extract.textio import looks_like_html
from kg.graph.validate import validate_quads
from tests.conftest import EXAMPLES, ROOT

ARTICLES = EXAMPLES / "articles"
STEMS = sorted(p.stem for p in ARTICLES.glob("*.txt"))
TEXTS = {stem: (ARTICLES / f"{stem}.txt").read_text(encoding="utf-8") for stem in STEMS}
FACTS = {
    stem: json.loads((ARTICLES / f"{stem}.facts.json").read_text(encoding="utf-8"))
    for stem in STEMS
}
QUERIES = [p.read_text(encoding="utf-8") for p in sorted((EXAMPLES / "queries").glob("*.rq"))]

# Inputs name http://127.0.0.1:PORT/…; each test puts its listener's port in.
PORT = "@PORT@"
HERE = f"http://127.0.0.1:{PORT}"

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def fuzz(examples: int) -> settings:
    """`examples` per test, kept small for the test suite's time (about a minute in all);
    CLAIMGRAPH_FUZZ_SCALE=20 runs twenty times as many, for a longer search."""
    scale = float(os.environ.get("CLAIMGRAPH_FUZZ_SCALE") or 1)
    return settings(FUZZ, max_examples=max(1, round(examples * scale)))


# -- JSON, broken from real documents -------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """JSON text spliced in verbatim: what json.dumps will not write (1e999, 5,000 nested
    arrays, a 5,000-digit integer)."""

    text: str


NASTY_STRINGS = [
    "",
    " \t\n",
    "\x00",
    "a\x00b",
    "\ud800",  # an unpaired surrogate: valid JSON ("\ud800"), not Unicode
    "x\udc80y",
    "\udfff\ud800",
    "\ufeffBOM",
    "\u202e\u0007\u001b[31m",
    "\U0010ffff\U0001d54f",
    "e\u0301" * 50,
    '"><script>alert(1)</script>',
    '" } ; DROP ALL ; INSERT DATA { <a> <b> <c> } #',
    f"' . }} SERVICE <{HERE}/sparql> {{ ?s ?p ?o }} #",
    "Q0",
    "Q" + "9" * 40,
    "2026-02-30",
    "0000-00-00T25:61:61",
    "99999-12-31",
    "https://schema.org",
    f"{HERE}/context.jsonld",
    "file:///etc/passwd",
    "not a url <>",
]
RAW_JSON = [
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "-Infinity",
    "1E-400",
    "-0",
    "9" * 400,
    "9" * 5000,  # beyond Python's int-to-string limit
    "[" * 5000 + "]" * 5000,
    '{"a":' * 3000 + "1" + "}" * 3000,
    "[" * 900 + "]" * 900,
    '"\\ud800"',
    '"\\udc80\\ud800"',
]
KEYS = [
    "id",
    "start",
    "end",
    "value",
    "type",
    "name",
    "@type",
    "@context",
    "@id",
    "@value",
    "@graph",
    "url",
    "claimReviewed",
    "reviewRating",
    "ratingValue",
    "bestRating",
    "itemReviewed",
    "author",
    "appearance",
    "dataFeedElement",
    "claims",
    "claimReview",
]
SPAN_KEYS = {"start", "end", "cue_start", "cue_end"}
REFERENCE_KEYS = {"person", "organization", "jurisdiction", "claimant", "counted_of", "actor"}
REFERENCE_KEYS |= {"place", "force", "claim"}

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(NASTY_STRINGS),
    st.builds(lambda: "x" * 20_000),
    st.sampled_from(RAW_JSON).map(Raw),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=3),
    ),
    max_leaves=8,
)


def span_values(length: int) -> st.SearchStrategy[Any]:
    """Offsets around the edges of a text of `length` characters, and far beyond."""
    return st.one_of(
        st.integers(min_value=-3, max_value=length + 3),
        st.sampled_from([0, length - 1, length, length + 1, 2**31, 2**63, 10**30, -(2**63)]),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(["12", "", None, True]),
    )


Slot = tuple[Any, Any]  # a container and a key (or an index) in it


def slots(doc: Any) -> list[Slot]:
    """Every place in a JSON document where a value sits."""
    out: list[Slot] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            out.append((node, key))
            if isinstance(value, (dict, list)):
                stack.append(value)
    return out


@st.composite
def mutated(draw: st.DrawFn, doc: Any, text_length: int = 1000) -> Any:
    """`doc` with one to four changes a careless writer or a hostile one would make."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        places = slots(doc)
        if not places:
            return draw(json_values)
        op = draw(
            st.sampled_from(
                ["delete", "retype", "span", "reference", "duplicate", "rename", "garbage"]
            )
        )
        targets = {
            "span": [s for s in places if s[1] in SPAN_KEYS],
            "reference": [s for s in places if s[1] in REFERENCE_KEYS],
        }.get(op) or places
        container, key = draw(st.sampled_from(targets))
        if op == "delete":
            del container[key]
        elif op == "span":
            container[key] = draw(span_values(text_length))
        elif op == "reference":
            ids = [v for c, k in places if k == "id" and isinstance(v := c[k], str)]
            container[key] = draw(st.sampled_from([*ids, "nobody", "", "\ud800"]))
        elif op == "duplicate":
            twin = copy.deepcopy(container[key])
            if isinstance(container, list):
                container.insert(draw(st.integers(0, len(container))), twin)
            else:
                container[draw(st.sampled_from(KEYS))] = twin
        elif op == "rename" and isinstance(container, dict):
            container[draw(st.sampled_from(KEYS) | st.text(max_size=6))] = container.pop(key)
        elif op == "garbage":
            container[key] = draw(
                st.sampled_from(NASTY_STRINGS) | st.sampled_from(RAW_JSON).map(Raw)
            )
        else:
            container[key] = draw(json_values)
    return doc


def to_json(doc: Any, *, ascii_only: bool = True) -> str:
    """JSON text of `doc`, with each `Raw` written as it is."""
    raws: list[str] = []

    def swap(node: Any) -> Any:
        if isinstance(node, Raw):
            raws.append(node.text)
            return f"\x00RAW{len(raws) - 1}\x00"
        if isinstance(node, dict):
            return {k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        return node

    text = json.dumps(swap(doc), ensure_ascii=ascii_only, allow_nan=True)
    for i, raw in enumerate(raws):
        text = text.replace(json.dumps(f"\x00RAW{i}\x00"), raw)
    return text


@st.composite
def encoded(draw: st.DrawFn, text: str) -> bytes:
    """The bytes of `text` as a file might hold them: UTF-8, or broken on the way."""
    data = text.encode("utf-8", "surrogatepass")  # unpaired surrogates: invalid UTF-8 bytes
    how = draw(st.sampled_from(["utf-8"] * 6 + ["bom", "truncate", "splice", "latin-1", "utf-16"]))
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if how == "splice":
        at = draw(st.integers(0, len(data)))
        junk = draw(st.sampled_from([b"\x00", b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\x1b"]))
        return data[:at] + junk + data[at:]
    if how in ("latin-1", "utf-16"):
        return text.encode(how, "replace")
    return data


def fill(data: bytes, port: int) -> bytes:
    return data.replace(PORT.encode(), str(port).encode())


def as_bytes(text: str) -> bytes:
    """UTF-8, with what a shell's undecodable bytes became (\\udc80-\\udcff) turned back into
    those bytes, and any other unpaired surrogate written as the invalid bytes it would be."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


# Fact sheets: an example article with its own sheet, broken; as a document, and as a file.
fact_sheet_docs = st.sampled_from(STEMS).flatmap(
    lambda stem: st.tuples(st.just(stem), mutated(FACTS[stem], len(TEXTS[stem])))
)
fact_sheets = fact_sheet_docs.flatmap(
    lambda sheet: st.tuples(
        st.just(sheet[0]),
        st.booleans().flatmap(lambda ascii_only: encoded(to_json(sheet[1], ascii_only=ascii_only))),
    )
)


# ClaimReview as fact-checkers publish it, in the shapes the reader knows.
REVIEW: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example.org/2026/06/troops",
    "claimReviewed": "4,000 National Guard troops were sent to Los Angeles.",
    "datePublished": "2026-06-10",
    "inLanguage": "en",
    "author": {"@type": "Organization", "name": "Example Fact Check", "url": "https://fc.example"},
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": "4",
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly true",
    },
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Gavin Newsom"},
        "datePublished": "2026-06-08",
        "appearance": [{"@type": "CreativeWork", "url": "https://news.example/a"}],
    },
}


def _feed_items(n: int) -> list[Any]:
    with gzip.open(ROOT / "tests" / "data" / "factcheck" / "tideline.datafeed.jsonld.gz") as f:
        return list(json.load(f)["dataFeedElement"][:n])


REVIEW_DOCUMENTS: list[Any] = [
    REVIEW,
    {**REVIEW, "@context": f"{HERE}/context.jsonld"},  # a remote context, never to be fetched
    {"@context": {"@vocab": "http://schema.org/"}, "@graph": [REVIEW, {"@type": "MediaReview"}]},
    [REVIEW, {**REVIEW, "url": "https://factcheck.example.org/other", "@type": ["ClaimReview"]}],
    {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": _feed_items(3),
    },
    {
        "claims": [
            {
                "text": "The bridge will reopen on Monday.",
                "claimant": "Ada Quill",
                "claimDate": "2026-05-01T00:00:00Z",
                "claimReview": [
                    {
                        "publisher": {"name": "Example Checks", "site": "checks.example"},
                        "url": "https://checks.example/bridge",
                        "title": "No, the bridge stays closed",
                        "reviewDate": "2026-05-02T00:00:00Z",
                        "textualRating": "False",
                        "languageCode": "en",
                    }
                ],
            }
        ]
    },
    {
        "http://schema.org/@type": "x",
        "@type": "schema:ClaimReview",
        "schema:url": "https://fc.example/prefixed",
        "https://schema.org/claimReviewed": "A claim in https keys.",
        "schema:reviewRating": {"schema:ratingValue": "1,5", "schema:bestRating": "5"},
    },
]


@dataclass(frozen=True)
class ReviewFile:
    name: str
    data: bytes


review_docs = st.sampled_from(REVIEW_DOCUMENTS).flatmap(mutated)


@st.composite
def review_files(draw: st.DrawFn) -> ReviewFile:
    doc = draw(review_docs)
    text = to_json(doc, ascii_only=draw(st.booleans()))
    kind = draw(st.sampled_from(["json", "jsonld", "html", "gz", "badgz"]))
    if kind == "html":
        page = (
            "<!doctype html><html><head><title>x</title>"
            f'<script type="application/ld+json">{text}</script>'
            f"{draw(st.sampled_from(['', '<script type=application/ld+json>{', '<!-- <![CDATA[']))}"
            "</head><body><p>A page.</p></body></html>"
        )
        return ReviewFile("page.html", draw(encoded(page)))
    data = draw(encoded(text))
    if kind == "gz":
        return ReviewFile("feed.json.gz", gzip.compress(data))
    if kind == "badgz":
        packed = gzip.compress(data)
        cut = draw(st.integers(0, len(packed)))
        return ReviewFile("feed.jsonld.gz", packed[:cut] + b"\x00garbage" + packed[cut + 8 :])
    return ReviewFile(f"review.{kind}", data)


# Article files: the examples, broken.
@st.composite
def article_texts(draw: st.DrawFn) -> str:
    text = TEXTS[draw(st.sampled_from(STEMS))]
    op = draw(
        st.sampled_from(["splice", "splice", "truncate", "html", "figures", "replace", "repeat"])
    )
    if op == "splice":
        at = draw(st.integers(0, len(text)))
        junk = draw(st.sampled_from(NASTY_STRINGS) | st.text(min_size=1, max_size=40))
        return text[:at] + junk + text[at:]
    if op == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if op == "html":
        return f"<!doctype html><html><body><article><p>{text}</p></article></body></html>"
    if op == "figures":
        figure = draw(
            st.sampled_from(
                ["$" + "1,000" * 120, "1e999 people", "between 300 and 200", "-5 workers"]
            )
        )
        return text.replace(".", f", a spokesman said {figure}.", 1)
    if op == "repeat":
        return text * draw(st.integers(2, 6))
    return draw(st.text(max_size=300) | st.sampled_from(["", "   \n", "\x00" * 10, "ab\ud800"]))


article_files = article_texts().flatmap(encoded)


# SPARQL from the grammar's fragments.
variables = st.sampled_from(["?s", "?p", "?o", "?x", "$y", "?name", "?g", "?n"])
predicates = st.sampled_from(
    [
        "a",
        "schema:name",
        "prov:wasAttributedTo",
        "cg:cue",
        "schema:text",
        "<http://schema.org/url>",
        "nif:anchorOf",
        "schema:value",
        "ex:undeclared",
        "<relative>",
        f"<{HERE}/p>",
        "schema:name/schema:name",
        "^schema:mentions",
        "(schema:mentions|prov:wasAttributedTo)?",
        "!rdf:type",
    ]
)
iris = st.sampled_from(
    [
        f"<{HERE}/data.ttl>",
        "<https://claimgraph.org/id/person/gavin-newsom>",
        "schema:Person",
        "cg:Claim",
        "<urn:x>",
        "<http://a b>",
        "<>",
        "<#frag>",
        "<http://example.org/\\u0041>",
        "_:b0",
        "[]",
    ]
)
literals = st.one_of(
    st.sampled_from(
        [
            '"Gavin Newsom"',
            f"'SERVICE <{HERE}/x> {{ ?s ?p ?o }}'",
            f'"""LOAD <{HERE}/x>\n{{ }} ((("""',
            '"\\u0053ERVICE"',
            '"\\uD800"',
            '"\\U0010FFFF"',
            '"a"@en',
            '"a"@not-a-tag-',
            '"abc"^^xsd:integer',
            '"1e999"^^xsd:double',
            "99999999999999999999999999999999",
            "1e999",
            "-0.0",
            "true",
            "'''" + "\\'" * 500 + "'''",
            '"\x00"',
        ]
    ),
    st.text(max_size=15).map(json.dumps),
    st.builds(lambda: '"' + "x" * 100_000 + '"'),
)
terms = st.one_of(variables, iris, literals)
triples = st.builds(
    lambda s, p, o: f"{s} {p} {o} .",
    st.one_of(variables, iris),
    predicates,
    terms,
)
expressions = st.recursive(
    terms,
    lambda e: st.one_of(
        e.map(lambda a: f"({a})"),
        e.map(lambda a: f"!{a}"),
        st.tuples(e, st.sampled_from(["&&", "||", "=", "!=", "<", "+", "*", "/"]), e).map(" ".join),
        e.map(lambda a: f"STR({a})"),
        e.map(lambda a: f'REGEX({a}, "^(a+)+$", "i")'),
        st.tuples(e, e).map(lambda ab: f"CONCAT({ab[0]}, {ab[1]})"),
        st.tuples(e, e, e).map(lambda abc: "IF({}, {}, {})".format(*abc)),
        e.map(lambda a: f"SUBSTR({a}, 1, 99999999999999)"),
        e.map(lambda a: f"<{HERE}/function>({a})"),
        e.map(lambda a: f"xsd:integer({a})"),
        triples.map(lambda t: f"EXISTS {{ {t} }}"),
    ),
    max_leaves=4,
)
patterns = st.recursive(
    triples,
    lambda p: st.one_of(
        st.tuples(p, p).map(" ".join),
        p.map(lambda a: f"{{ {a} }}"),
        p.map(lambda a: f"OPTIONAL {{ {a} }}"),
        st.tuples(p, p).map(lambda ab: f"{{ {ab[0]} }} UNION {{ {ab[1]} }}"),
        p.map(lambda a: f"MINUS {{ {a} }}"),
        p.map(lambda a: f"GRAPH ?g {{ {a} }}"),
        p.map(lambda a: f"GRAPH <{HERE}/g> {{ {a} }}"),
        p.map(lambda a: f"SERVICE <{HERE}/sparql> {{ {a} }}"),
        p.map(lambda a: f"sErViCe SILENT <{HERE}/sparql> {{ {a} }}"),
        p.map(lambda a: f"SERVICE ?g {{ {a} }}"),
        expressions.map(lambda e: f"FILTER({e})"),
        expressions.map(lambda e: f"BIND({e} AS ?z)"),
        p.map(lambda a: f"{{ SELECT * WHERE {{ {a} }} LIMIT 3 }}"),
        p.map(lambda a: f"FILTER NOT EXISTS {{ {a} }}"),
        st.just('VALUES ?x { 1 "a" <urn:x> UNDEF }'),
    ),
    max_leaves=5,
)
prologues = st.lists(
    st.sampled_from(
        [
            "PREFIX ex: <http://example.org/>",
            f"BASE <{HERE}/>",
            "PREFIX : <x>",
            "PREFIX schema: <https://schema.org/>",
            "prefix cg: <urn:cg#>",
            "# SERVICE <http://127.0.0.1:9/> in a comment",
        ]
    ),
    max_size=2,
).map("\n".join)
forms = st.sampled_from(
    [
        "SELECT *",
        "SELECT DISTINCT ?s",
        "SELECT (COUNT(*) AS ?n)",
        "select reduced ?s ?o",
        "ASK",
        "CONSTRUCT { ?s ?p ?o }",
        "CONSTRUCT",
        "DESCRIBE ?s",
        "DESCRIBE <urn:x>",
    ]
)
datasets = st.lists(
    st.sampled_from(
        [
            f"FROM <{HERE}/d.ttl>",
            f"FROM NAMED <{HERE}/n.ttl>",
            "FROM <https://claimgraph.org/id/graph/shared>",
        ]
    ),
    max_size=2,
).map(" ".join)
modifiers = st.sampled_from(
    [
        "",
        "LIMIT 5",
        "ORDER BY ?s LIMIT 2",
        "GROUP BY ?s",
        "OFFSET 99999999999999999999",
        "LIMIT -1",
        "HAVING (COUNT(*) > 1)",
        "VALUES ?s { <urn:x> }",
    ]
)
queries = st.builds(
    lambda pro, form, data, body, mod: f"{pro}\n{form} {data} WHERE {{ {body} }} {mod}",
    prologues,
    forms,
    datasets,
    patterns,
    modifiers,
)
updates = st.sampled_from(
    [
        'INSERT DATA { <http://example.org/a> <http://example.org/b> "c" }',
        "DELETE WHERE { ?s ?p ?o }",
        f"LOAD <{HERE}/data.ttl>",
        f"load silent <{HERE}/d> INTO GRAPH <urn:g>",
        "CLEAR ALL",
        "DROP ALL",
        "CREATE GRAPH <urn:g>",
        "ADD DEFAULT TO <urn:g>",
        "COPY <urn:a> TO <urn:b>",
        "MOVE DEFAULT TO <urn:m>",
        "WITH <urn:g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "INSERT { ?s ?p 1 } WHERE { SELECT * { ?s ?p ?o } }",
        "PREFIX x: <y>\nINSERT DATA {}",
        "SELECT * {} ; INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "ASK {} ; DROP ALL",
        "\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }",
    ]
)
DEEP = {
    "groups": lambda n: "SELECT * WHERE " + "{" * n + " ?s ?p ?o " + "}" * n,
    "brackets": lambda n: "ASK { FILTER(" + "(" * n + "1" + ")" * n + ") }",
    "collections": lambda n: "ASK { ?s schema:name " + "(" * n + ")" * n + " }",
    "blank nodes": lambda n: "ASK { ?s schema:name " + "[ schema:name " * n + "1" + " ]" * n + " }",
    "in an IRI": lambda n: "ASK { FILTER(1<" + "(" * n + "1" + ")" * n + ">0) }",
    "negations": lambda n: "ASK { FILTER(" + "!" * n + "true) }",
    "optionals": lambda n: "ASK { " + "OPTIONAL { ?s ?p ?o } " * n + "}",
    "subtractions": lambda n: "ASK { FILTER(1" + " - 1" * n + ") }",
    "unions": lambda n: "ASK { {} " + "UNION {} " * n + "}",
}
deep_queries = st.builds(
    lambda kind, n: DEEP[kind](n),
    st.sampled_from(sorted(DEEP)),
    st.sampled_from([10, 63, 64, 65, 300, 1000, 2500]),
)


@st.composite
def noisy(draw: st.DrawFn, query: str) -> str:
    """A query with a few characters inserted, deleted or re-cased."""
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(query)))
        op = draw(st.sampled_from(["insert", "delete", "upper"]))
        if op == "insert":
            junk = draw(
                st.sampled_from(["{", "}", "(", "'", '"', "#", "\\u", "\x00", "\ud800", "\u00a0"])
                | st.text(max_size=3)
            )
            query = query[:at] + junk + query[at:]
        elif op == "delete":
            query = query[:at] + query[at + draw(st.integers(1, 5)) :]
        else:
            query = query[:at] + query[at:].upper()
    return query


sparql = st.one_of(
    queries,
    queries.flatmap(noisy),
    updates,
    updates.flatmap(noisy),
    deep_queries,
    st.sampled_from(QUERIES),
    st.sampled_from(QUERIES).flatmap(noisy),
    st.text(max_size=40),
)


# -- the command, in-process ----------------------------------------------------------------


@dataclass
class Run:
    args: tuple[str, ...]
    exit_code: int
    stdout: bytes
    stderr: str
    error: BaseException | None  # an exception the command let escape: a traceback


class Claimgraph:
    """`claimgraph --store STORE …` in-process, as the console script runs it.

    `known` is the store's export after the last input it accepted: a refused input must
    leave exactly that.
    """

    def __init__(self, store: Path) -> None:
        self.store = store
        self.runner = CliRunner()
        self.known: list[bytes] = []

    def __call__(self, *args: str, input: bytes | None = None) -> Run:
        r = self.runner.invoke(app, ["--store", str(self.store), *args], input=input)
        error = r.exception if not isinstance(r.exception, SystemExit) else None
        run = Run(args, r.exit_code, r.stdout_bytes, r.stderr, error)
        del r
        if run.exit_code != 0:
            # The process would end here. In-process, the frames of the exception behind the
            # exit can keep a query result, and with it the store's lock, until a collection.
            gc.collect()
        return run

    def export(self) -> list[bytes]:
        """The store's content as sorted N-Quads lines."""
        r = self("export", "--format", "nquads")
        assert r.exit_code == 0 and r.error is None, r.stderr
        return sorted(r.stdout.splitlines())

    def settle(self, run: Run) -> None:
        """After a refusal, the store must be as it was; after an acceptance, it is the new
        state to compare with."""
        now = self.export()
        if run.exit_code != 0:
            assert now == self.known, "a refused input changed the store"
        self.known = now


def assert_clean(run: Run, codes: set[int]) -> None:
    """Exit 0, or a documented code with an `error: …` message; never a traceback."""
    if run.error is not None:
        trace = "".join(traceback.format_exception(run.error))
        pytest.fail(f"claimgraph {' '.join(run.args)[:300]} raised:\n{trace}")
    assert run.exit_code in codes, (run.exit_code, run.stderr[:2000])
    assert "Traceback (most recent call last)" not in run.stderr, run.stderr[:2000]
    if run.exit_code != 0:
        first = run.stderr.splitlines()[0] if run.stderr else ""
        assert first.startswith("error: ") and first[len("error: ") :].strip(), run.stderr[:500]
        assert run.stdout == b"", run.stdout[:500]


def nothing_connected(listener: socket.socket) -> bool:
    try:
        listener.accept()[0].close()
    except BlockingIOError:
        return True
    return False


@contextmanager
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A work directory in memory where the machine has one (/dev/shm), else under tmp.

    Every command opens and closes the store, and RocksDB syncs its files on close: on a busy
    disk that was most of a command's time (0.24 s against 0.05 s for an export).
    """
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path_factory.mktemp("fuzz")
        return
    where = Path(tempfile.mkdtemp(prefix="claimgraph-fuzz-", dir=shm))
    try:
        yield where
    finally:
        shutil.rmtree(where, ignore_errors=True)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with scratch(tmp_path_factory) as where:
        yield where


@pytest.fixture(scope="module")
def cg(workdir: Path) -> Iterator[Claimgraph]:
    """A store holding the seed article (from its fact sheet) and one fact-check."""
    cg = Claimgraph(workdir / "store")
    seed = ARTICLES / "seed-la-national-guard"
    r = cg("ingest", f"{seed}.txt", "--facts", f"{seed}.facts.json")
    assert r.exit_code == 0, r.stderr
    review = workdir / "review.json"
    review.write_text(json.dumps(REVIEW), encoding="utf-8")
    assert cg("factcheck", "import", str(review)).exit_code == 0
    cg.known = cg.export()
    load_model()
    # What is loaded now (spaCy's model above all) lives as long as the tests: leaving it out
    # of the collections that each command's close runs keeps a command at 0.1 s.
    gc.freeze()
    yield cg
    gc.unfreeze()


class Files:
    """Fresh file names in the work directory, one per example."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.n = 0

    def write(self, name: str, data: bytes) -> Path:
        self.n += 1
        path = self.where / f"{self.n}-{name}"
        path.write_bytes(data)
        return path


@pytest.fixture(scope="module")
def files(workdir: Path) -> Files:
    (workdir / "inputs").mkdir()
    return Files(workdir / "inputs")


# -- the properties -------------------------------------------------------------------------

# Inputs that once ended in a traceback, kept as explicit examples.
INFINITE_FIGURE = to_json(
    {**FACTS["dev-port-strike"], "quantities": [{"value": Raw("1e999"), "start": 0, "end": 4}]}
).encode()
NAN_RATING = to_json(
    {**REVIEW, "reviewRating": {"ratingValue": Raw("NaN"), "bestRating": 5, "worstRating": 1}}
).encode()
SURROGATES = (
    b'{"@type": "ClaimReview", "url": "https://fc.example/\\udc80", "claimReviewed": "\\ud800"}'
)


@fuzz(8)
@given(data=article_files)
@example(data=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
@example(data="\ufeffThe mayor said 3 people left.".encode())
def test_extract_any_article_file(cg: Claimgraph, files: Files, data: bytes) -> None:
    """`extract` prints a report whose spans fit the text, or refuses with exit 2."""
    path = files.write("article.txt", data)
    run = cg("extract", str(path), "--format", "json", "--published", "2026-04-13")
    assert_clean(run, {0, 2})
    if run.exit_code == 0:
        report = parse_report(run.stdout)  # the report is itself a valid fact sheet …
        text = data.decode("utf-8")
        if not looks_like_html(text):  # … of this text (HTML is reduced to its main text)
            assert spans_outside(report, text) == []
            assert mistyped_references(report) == []


@fuzz(4)
@given(data=article_files)
def test_ingest_any_article_file(cg: Claimgraph, files: Files, data: bytes) -> None:
    """`ingest` (with extraction) stores the article, or refuses it and stores nothing."""
    path = files.write("article.txt", data)
    run = cg("ingest", str(path), "--url", f"https://example.org/fuzz/{files.n}")
    assert_clean(run, {0, 2, 3})
    cg.settle(run)


@fuzz(20)
@given(sheet=fact_sheets)
@example(sheet=("dev-port-strike", b"[" * 5000 + b"]" * 5000))
@example(sheet=("dev-port-strike", INFINITE_FIGURE))
def test_ingest_any_fact_sheet(cg: Claimgraph, files: Files, sheet: tuple[str, bytes]) -> None:
    """A broken fact sheet is refused (exit 2 or 3) with nothing stored, or it is stored."""
    stem, data = sheet
    facts = files.write("facts.json", data)
    run = cg("ingest", str(ARTICLES / f"{stem}.txt"), "--facts", str(facts))
    assert_clean(run, {0, 2, 3})
    if run.exit_code == 0:
        assert run.stdout.startswith((b"created: ", b"replaced: ", b"unchanged: ")), run.stdout
    cg.settle(run)


def assert_stored_reviews_conform(before: list[bytes], after: list[bytes]) -> None:
    """Every graph an import changed passes the shapes: no refused review got in.

    The changed graphs are checked with what the shared graph says of the nodes they name
    (a review's publisher lives there), as the import checks them.
    """
    old = set(before)
    added = list(parse(b"\n".join(line for line in after if line not in old), RdfFormat.N_QUADS))
    if not added:
        return
    everything = list(parse(b"\n".join(after), RdfFormat.N_QUADS))
    changed = {q.graph_name for q in added if not str(q.graph_name).endswith("/graph/shared>")}
    quads = [q for q in everything if q.graph_name in changed]
    named = {t for q in quads for t in (q.subject, q.object) if isinstance(t, NamedNode)}
    quads += [q for q in everything if q.graph_name not in changed and q.subject in named]
    report = validate_quads(quads)
    assert report.errors == [], report.text()


@fuzz(20)
@given(review=review_files())
@example(review=ReviewFile("deep.json", b'{"a":' * 950 + json.dumps(REVIEW).encode() + b"}" * 950))
@example(review=ReviewFile("nan.json", NAN_RATING))
@example(review=ReviewFile("surrogates.json", SURROGATES))
def test_import_any_claimreview(
    cg: Claimgraph, files: Files, listener: socket.socket, review: ReviewFile
) -> None:
    """`factcheck import` stores what conforms, refuses the rest; never fetches a context."""
    before = cg.known
    path = files.write(review.name, fill(review.data, listener.getsockname()[1]))
    run = cg("factcheck", "import", str(path))
    assert_clean(run, {0, 2})
    cg.settle(run)
    if run.exit_code == 0:
        assert b" fact-checks stored (" in run.stdout, run.stdout
        assert_stored_reviews_conform(before, cg.known)
    assert nothing_connected(listener)


def test_query_anything(cg: Claimgraph, files: Files, listener: socket.socket) -> None:
    """`query` answers or refuses (exit 2 or 5); the store never changes, nothing connects."""
    port = listener.getsockname()[1]

    @fuzz(40)
    @given(
        query=sparql,
        channel=st.sampled_from(["argument", "file", "stdin"]),
        fmt=st.sampled_from(["table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld"]),
    )
    @example(query=DEEP["groups"](5000), channel="file", fmt="json")
    @example(query=DEEP["optionals"](5000), channel="stdin", fmt="table")
    @example(query='SELECT * { ?s ?p "\udcff" }', channel="argument", fmt="table")
    @example(
        query="SELECT * { FILTER(<http://example.org/f>(1)) }", channel="argument", fmt="table"
    )
    def check(query: str, channel: str, fmt: str) -> None:
        text = query.replace(PORT, str(port))
        data = as_bytes(text)
        if channel == "argument" and text != "-":
            run = cg("query", "--format", fmt, "--", text)
        elif channel == "file":
            run = cg("query", "--format", fmt, "--file", str(files.write("query.rq", data)))
        else:  # undecodable stdin is a known failure: test_undecodable_stdin below
            run = cg("query", "--format", fmt, "-", input=text.encode("utf-8", "replace"))
        assert_clean(run, {0, 2, 5})
        if run.exit_code == 0 and fmt == "json":
            json.loads(run.stdout)
        if run.exit_code != 0:
            assert cg.export() == cg.known, "a refused query changed the store"
        assert nothing_connected(listener)

    check()
    assert cg.export() == cg.known, "a query changed the store"


# A figure beyond a float's range: the extractor makes it `inf` (kg/extract/numbers.py
# `numeral_value`: float("9" * 400)), which no xsd:decimal can hold.
BEYOND_FLOATS = "The mayor said " + "9" * 400 + " troops were deployed in Los Angeles on Monday."


def test_ingest_refuses_a_figure_beyond_floats_quietly(
    cg: Claimgraph, files: Files, caplog: pytest.LogCaptureFixture
) -> None:
    """The SHACL gate refuses the article (exit 3, nothing stored) with its own report: no
    traceback logged by rdflib for the ill-typed literal."""
    path = files.write("article.txt", BEYOND_FLOATS.encode())
    run = cg("ingest", str(path), "--url", "https://example.org/fuzz/beyond-floats")
    assert_clean(run, {0, 3})
    cg.settle(run)
    assert not [r for r in caplog.records if r.exc_info], caplog.text[:2000]


def test_extract_a_figure_beyond_floats(cg: Claimgraph, files: Files) -> None:
    path = files.write("article.txt", BEYOND_FLOATS.encode())
    run = cg("extract", str(path), "--format", "json")
    assert_clean(run, {0})
    report = json.loads(run.stdout, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
    parse_report(json.dumps(report))


def test_undecodable_stdin(cg: Claimgraph) -> None:
    """`query -` with bytes that are not UTF-8 on stdin: a message, as for `--file`."""
    run = cg("query", "-", input=b'SELECT * { ?s ?p "\xff" }')
    assert_clean(run, {2, 5})


# -- the shell's bytes, in a real process ---------------------------------------------------


@pytest.mark.parametrize(
    "argv, stdin",
    [
        ([b'SELECT * { ?s ?p "\xff" }'], None),  # argv bytes that are not UTF-8
        ([b"-"], b"SELECT * WHERE " + b"{" * 5000 + b" ?s ?p ?o " + b"}" * 5000),
    ],
)
def test_query_bytes_from_the_shell(tmp_path: Path, argv: list[bytes], stdin: bytes | None) -> None:
    """What a shell passes (undecodable bytes, a query nested past pyoxigraph's stack) ends
    in exit 5 and one message, not a traceback or a segmentation fault."""
    run = subprocess.run(
        [sys.executable, "-m", "kg.cli", "--store", str(tmp_path / "store"), "query", *argv],
        input=stdin or b"",
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    stderr = run.stderr.decode("utf-8", "replace")
    assert run.returncode == 5, stderr
    assert stderr.startswith("error: the query ") and "Traceback" not in stderr, stderr
