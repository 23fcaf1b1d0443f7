"""Running SPARQL safely and writing its results in the formats users ask for.

pyoxigraph evaluates SERVICE (and LOAD in updates) by fetching the URL it names, with no
switch to turn that off (docs/ARCHITECTURE.md). claimgraph never lets a query open a
connection, so `check_query` refuses both before evaluation. FROM and FROM NAMED never
fetch in Oxigraph: they name graphs of the store.
"""

from __future__ import annotations

import io
import re
from enum import Enum
from typing import IO

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
)

from kg.errors import QueryError, RefusedQuery
from kg.graph.vocab import PREFIXES, sparql_prefixes
from kg.store.formats import DUMP_FORMATS, RESULT_FORMATS, by_name
from kg.store.graphstore import GraphStore, QueryResult, Triples

# Strings, IRIs and comments can hold any word; blank them before looking for keywords.
_LEXEME = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
_KEYWORD = r"(?<![\w?$:.\-]){}(?![\w:\-])"
_FORBIDDEN = {
    "SERVICE": "SERVICE is refused: claimgraph never fetches data from other endpoints",
    "LOAD": "LOAD is refused: claimgraph never fetches documents named in a request",
}
_UPDATE_WORDS = (
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
)
_FORM = re.compile(_KEYWORD.format(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)"), re.IGNORECASE)
# The prologue (BASE and PREFIX declarations) comes before the first keyword of the
# request; with IRIs blanked, a declaration is the word and, for PREFIX, a name.
_PROLOGUE = re.compile(r"\s*(?:(?:BASE)\s+|(?:PREFIX)\s+[\w.\-]*:\s*)+", re.IGNORECASE)
_DATASET = re.compile(_KEYWORD.format("FROM"), re.IGNORECASE)
# pyoxigraph recurses once per nesting level, and once per element of a chain of operators
# or of OPTIONAL, MINUS, UNION and BIND, and overflows its stack (a segmentation fault, not an
# exception): near 3,000 nested groups, 4,000 OPTIONALs or BINDs, 8,000 `-` (pyoxigraph 0.5.13,
# 8 MB stack). Nested collections also take time growing with the fourth power of their depth
# (300 levels: 38 s to parse). The W3C SPARQL 1.1 test suite nests at most 5 levels and has
# at most 24 such operators in a query.
MAX_NESTING = 64
MAX_OPERATORS = 2000
_OPERATOR = re.compile(
    _KEYWORD.format("(?:OPTIONAL|MINUS|UNION|BIND|FILTER|GRAPH|EXISTS)")
    + r"|&&|\|\||[!=<>]=?|[-+*/{]",
    re.IGNORECASE,
)


class QueryForm(Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"


def scrub(sparql: str) -> str:
    """The query with strings, IRIs and comments blanked out (lengths kept)."""
    return _LEXEME.sub(lambda m: " " * len(m.group(0)), sparql)


def check_query(sparql: str) -> QueryForm:
    """Refuse what must never run; return the query form of what may."""
    if not sparql.strip():
        raise QueryError("the query is empty")
    try:
        sparql.encode("utf-8")
    except UnicodeEncodeError as exc:
        # A byte that is not UTF-8 (read with surrogateescape) or an unpaired \ud800 escape.
        raise QueryError(
            f"the query is not UTF-8 text (character {exc.start} is not a character): "
            "save or send it as UTF-8"
        ) from None
    bare = scrub(sparql)
    for word, reason in _FORBIDDEN.items():
        if re.search(_KEYWORD.format(word), bare, re.IGNORECASE):
            raise RefusedQuery(reason)
    if is_update(sparql):
        raise RefusedQuery("this is an update, not a query: the query interface is read-only")
    depth = nesting(sparql)
    if depth > MAX_NESTING:
        raise QueryError(
            f"the query nests {depth} levels of brackets deep, more than the {MAX_NESTING} "
            "claimgraph accepts: flatten it"
        )
    operators = len(_OPERATOR.findall(bare))
    if operators > MAX_OPERATORS:
        raise QueryError(
            f"the query has {operators} operators and group patterns, more than the "
            f"{MAX_OPERATORS} claimgraph accepts: split it into smaller queries"
        )
    return query_form(sparql)


def query_form(sparql: str) -> QueryForm:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read off the first keyword after the prologue."""
    m = _FORM.match(_first_words(scrub(sparql)))
    if m is None:
        raise QueryError("not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    return QueryForm(m.group(1).upper())


def nesting(sparql: str) -> int:
    """How deep the query's braces, parentheses and brackets nest, outside strings and comments.

    IRIs are counted too: the lexeme pattern's idea of an IRI (`<` to `>` without spaces)
    also covers `1<(((…)))>0`, which the parser reads as brackets.
    """
    code = _LEXEME.sub(lambda m: m.group(0) if m.group(0)[0] == "<" else " ", sparql)
    depth = deepest = 0
    for m in re.finditer(r"[{(\[\]})]", code):
        if m.group(0) in "{([":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(depth - 1, 0)
    return deepest


def _first_words(bare: str) -> str:
    prologue = _PROLOGUE.match(bare)
    return bare[prologue.end() if prologue else 0 :].lstrip()


def is_update(sparql: str) -> bool:
    """Whether the request's first keyword, after its prologue, is an update operation.

    An update may contain SELECT in a subquery (`INSERT { … } WHERE { { SELECT … } }`), so
    the first keyword decides, not whether a query keyword appears somewhere.
    """
    head = _first_words(scrub(sparql))
    return any(re.match(_KEYWORD.format(w), head, re.IGNORECASE) for w in _UPDATE_WORDS)


def names_dataset(sparql: str) -> bool:
    """Whether the query has its own FROM / FROM NAMED (then the union default is off)."""
    return _DATASET.search(scrub(sparql)) is not None


def with_prefixes(sparql: str) -> str:
    """Prepend the project's PREFIX lines for the prefixes the query uses but does not declare."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w-]*):", sparql, re.IGNORECASE)}
    missing = [p for p in PREFIXES if p.lower() not in declared]
    if not missing:
        return sparql
    lines = sparql_prefixes().splitlines(keepends=True)
    keep = [line for line in lines if line.split()[1][:-1] in missing]
    return "".join(keep) + sparql


def run_query(store: GraphStore, sparql: str) -> tuple[QueryForm, QueryResult]:
    form = check_query(sparql)
    return form, store.query(with_prefixes(sparql), union=not names_dataset(sparql))


RDF_NAMES = by_name(DUMP_FORMATS)
RESULT_NAMES = by_name(RESULT_FORMATS)


def write_result(result: QueryResult, fmt: str, out: IO[bytes]) -> None:
    """Serialise a result; `table` is for people, the rest are the standard formats."""
    if isinstance(result, QueryTriples | Triples):
        if fmt == "table":
            result.serialize(out, RdfFormat.TURTLE)
        elif fmt in RDF_NAMES:
            result.serialize(out, RDF_NAMES[fmt].rdf)
        else:
            raise QueryError(f"a graph result cannot be written as {fmt}: use turtle, jsonld …")
        return
    if fmt == "table":
        out.write(render_table(result).encode("utf-8"))
        return
    if fmt not in RESULT_NAMES:
        raise QueryError(f"a SELECT or ASK result cannot be written as {fmt}: use json, csv …")
    result.serialize(out, RESULT_NAMES[fmt].results)


def render_table(result: QuerySolutions | QueryBoolean) -> str:
    if isinstance(result, QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    names = [v.value for v in result.variables]
    rows = [[_short(row[i]) for i in range(len(names))] for row in result]
    widths = [len(n) for n in names]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = min(max(widths[i], len(cell)), 80)

    def fmt(cells: list[str]) -> str:
        return " | ".join(_clip(c, widths[i]).ljust(widths[i]) for i, c in enumerate(cells))

    buf = io.StringIO()
    buf.write(fmt(names).rstrip() + "\n")
    buf.write("-+-".join("-" * w for w in widths) + "\n")
    for row in rows:
        buf.write(fmt(row).rstrip() + "\n")
    buf.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
    return buf.getvalue()


def _clip(s: str, width: int) -> str:
    return s if len(s) <= width else s[: width - 1] + "…"


def _short(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri) :]}"
        return f"<{term.value}>"
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return term.value.replace("\n", " ")
    return str(term)
