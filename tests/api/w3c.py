"""A runner for the W3C SPARQL 1.1 test suites: query evaluation, syntax, protocol.

Query-evaluation and syntax tests run in process, against the engine the API uses
(pyoxigraph in memory) behind kg's query guard (`kg.store.query.check_query`), so a SERVICE test
fails here by design. Protocol tests run as HTTP requests against a live server. Update,
graph-store and service-description tests do not apply to a read-only query endpoint.

Manifests are read with rdflib (for its RDF lists) under the suites' published base IRI, so
graph names and IRIs in expected results match the files' own.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
)
from rdflib import RDF, Graph, URIRef
from rdflib import BNode as RBNode
from rdflib import Literal as RLiteral
from rdflib.collection import Collection
from rdflib.namespace import Namespace

from kg.errors import QueryError
from kg.store.query import check_query, scrub

# The suites' files that these tests read, copied from W3C's rdf-tests (sparql/sparql11) with
# their licence: tests/data/w3c-sparql11/README.md says which parts and from where.
SUITES = Path(
    os.environ.get("CLAIMGRAPH_W3C_DIR")
    or Path(__file__).resolve().parent.parent / "data" / "w3c-sparql11"
)
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")

EVAL_TYPES = {MF.QueryEvaluationTest, MF.CSVResultFormatTest}
POSITIVE_SYNTAX = {MF.PositiveSyntaxTest11, MF.PositiveSyntaxTest}
NEGATIVE_SYNTAX = {MF.NegativeSyntaxTest11, MF.NegativeSyntaxTest}
NOT_APPLICABLE = {
    MF.UpdateEvaluationTest: "update: the endpoint is read-only",
    MF.PositiveUpdateSyntaxTest11: "update syntax: the endpoint is read-only",
    MF.NegativeUpdateSyntaxTest11: "update syntax: the endpoint is read-only",
    MF.GraphStoreProtocolTest: "Graph Store Protocol: not offered (read-only endpoint)",
    MF.ServiceDescriptionTest: "needs a live service description test harness with remote data",
}
# Protocol tests that cannot be expressed against this endpoint, and why.
PROTOCOL_SKIPS = {
    "query_dataset_default_graphs_get": "names remote documents (kasei.us) as the dataset",
    "query_dataset_default_graphs_post": "names remote documents (kasei.us) as the dataset",
    "query_dataset_named_graphs_post": "names remote documents (kasei.us) as the dataset",
    "query_dataset_named_graphs_get": "names remote documents (kasei.us) as the dataset",
    "query_dataset_full": "names remote documents (kasei.us) as the dataset",
    "query_multiple_dataset": "names remote documents (kasei.us) as the dataset",
}
UPDATE_PROTOCOL_SKIP = "expects an update to succeed: the endpoint is read-only (403)"


@dataclass
class Case:
    iri: str
    suite: str
    kind: str  # eval, positive, negative, protocol, n/a
    name: str = ""
    query: Path | None = None
    data: list[Path] = field(default_factory=list)
    graph_data: list[tuple[str, Path]] = field(default_factory=list)
    result: Path | None = None
    reason: str = ""  # for n/a
    node: Any = None  # the manifest node (protocol tests read their requests from it)
    graph: Any = None


@dataclass
class Outcome:
    case: Case
    status: str  # pass, fail, skip
    detail: str = ""


def local(iri: str) -> Path:
    return SUITES / iri[len(BASE) :] if iri.startswith(BASE) else Path(iri)


def iri_of(path: Path) -> str:
    return BASE + path.relative_to(SUITES).as_posix()


def load_cases(suites: Iterable[str] | None = None) -> list[Case]:
    """Every test of manifest-all.ttl (or of the named suite directories)."""
    top = Graph().parse(SUITES / "manifest-all.ttl", format="turtle", publicID=BASE)
    includes = [
        local(str(m))
        for m in Collection(top, top.value(URIRef(BASE), MF.include))  # type: ignore[arg-type]
    ]
    cases = []
    for manifest in includes:
        suite = manifest.parent.name
        if suites is not None and suite not in suites:
            continue
        cases.extend(_cases(manifest, suite))
    return cases


def _cases(manifest: Path, suite: str) -> list[Case]:
    g = Graph().parse(manifest, format="turtle", publicID=iri_of(manifest))
    head = g.value(URIRef(iri_of(manifest)), MF.entries)
    out = []
    for node in Collection(g, head) if head is not None else []:  # type: ignore[arg-type]
        types = set(g.objects(node, RDF.type))
        case = Case(str(node), suite, "n/a", str(g.value(node, MF.name) or ""))
        case.node, case.graph = node, g
        action = g.value(node, MF.action)
        result = g.value(node, MF.result)
        case.result = local(str(result)) if result is not None else None
        if types & EVAL_TYPES:
            case.kind = "eval"
            case.query = local(str(g.value(action, QT.query)))
            case.data = [local(str(d)) for d in g.objects(action, QT.data)]
            for gd in g.objects(action, QT.graphData):
                if isinstance(gd, RBNode):
                    label = g.value(gd, RDFS_LABEL)
                    case.graph_data.append((str(label), local(str(g.value(gd, QT.graph)))))
                else:
                    case.graph_data.append((str(gd), local(str(gd))))
        elif types & (POSITIVE_SYNTAX | NEGATIVE_SYNTAX) and str(action).endswith(".ru"):
            case.reason = "update syntax: the endpoint is read-only"
        elif types & (POSITIVE_SYNTAX | NEGATIVE_SYNTAX):
            case.kind = "positive" if types & POSITIVE_SYNTAX else "negative"
            case.query = local(str(action))
        elif MF.ProtocolTest in types:
            case.kind = "protocol"
        else:
            case.reason = next(
                (r for t, r in NOT_APPLICABLE.items() if t in types), f"test type {types}"
            )
        out.append(case)
    return out


# -- query evaluation and syntax ---------------------------------------------------------


def run_case(case: Case) -> Outcome:
    try:
        if case.kind == "eval":
            return _evaluate(case)
        if case.kind in ("positive", "negative"):
            return _syntax(case)
    except Exception as exc:  # a runner error is a failure of that test, not of the run
        return Outcome(case, "fail", f"{type(exc).__name__}: {exc}")
    return Outcome(case, "skip", case.reason)


def _syntax(case: Case) -> Outcome:
    assert case.query is not None
    text = case.query.read_text(encoding="utf-8")
    try:
        check_query(text)
        Store().query(text, base_iri=iri_of(case.query))  # parsed; nothing to evaluate over
        accepted, why = True, ""
    except (QueryError, SyntaxError) as exc:
        accepted, why = False, str(exc)
    except RuntimeError:  # parsed, then refused at evaluation (an unknown custom function)
        accepted, why = True, ""
    if accepted == (case.kind == "positive"):
        return Outcome(case, "pass")
    return Outcome(case, "fail", why or "accepted a query the grammar forbids")


def _evaluate(case: Case) -> Outcome:
    assert case.query is not None and case.result is not None
    store = Store()
    for path in case.data:
        store.load(path=path, format=_rdf_format(path), base_iri=iri_of(path))
    for name, path in case.graph_data:
        store.load(
            path=path, format=_rdf_format(path), base_iri=iri_of(path), to_graph=NamedNode(name)
        )
    text = case.query.read_text(encoding="utf-8")
    try:
        check_query(text)
    except QueryError as exc:
        return Outcome(case, "fail", f"refused by the guard: {exc}")
    result = store.query(text, base_iri=iri_of(case.query))
    ordered = bool(re.search(r"\bORDER\s+BY\b", scrub(text), re.IGNORECASE))
    ok, detail = _compare(result, case.result, ordered)
    return Outcome(case, "pass" if ok else "fail", detail)


def _rdf_format(path: Path) -> RdfFormat:
    fmt = RdfFormat.from_extension(path.suffix[1:])
    if fmt is None:
        raise ValueError(f"no RDF format for {path.name}")
    return fmt


Row = dict[str, Any]


def _compare(
    result: QuerySolutions | QueryBoolean | QueryTriples, expected: Path, ordered: bool
) -> tuple[bool, str]:
    ext = expected.suffix[1:]
    if isinstance(result, QueryTriples):
        return _same_graph(list(result), _triples(expected))
    if ext == "csv":
        return _same_csv(result, expected)
    if ext in ("srx", "srj", "tsv"):
        fmt = {
            "srx": QueryResultsFormat.XML,
            "srj": QueryResultsFormat.JSON,
            "tsv": QueryResultsFormat.TSV,
        }[ext]
        wanted = parse_query_results(expected.read_bytes(), fmt)
        if isinstance(wanted, QueryBoolean) or isinstance(result, QueryBoolean):
            same = isinstance(wanted, QueryBoolean) and isinstance(result, QueryBoolean)
            return same and bool(wanted) == bool(result), f"expected {bool(wanted)}"
        return _same_rows(_rows(result), _rows(wanted), ordered)
    # A SELECT or ASK result written as RDF (the result-set vocabulary).
    boolean, rows = _result_set(_triples(expected))
    if boolean is not None:
        return isinstance(result, QueryBoolean) and bool(result) == boolean, "boolean differs"
    assert isinstance(result, QuerySolutions)
    return _same_rows(_rows(result), rows, ordered)


def _rows(solutions: QuerySolutions) -> list[Row]:
    names = [v.value for v in solutions.variables]
    return [{n: row[i] for i, n in enumerate(names) if row[i] is not None} for row in solutions]


def _triples(path: Path) -> list[Any]:
    return [q.triple for q in parse(path=path, format=_rdf_format(path), base_iri=iri_of(path))]


def _result_set(triples: list[Any]) -> tuple[bool | None, list[Row]]:
    by_subject: dict[Any, list[Any]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    boolean = None
    rows = []
    for t in triples:
        if t.predicate.value == RS + "boolean":
            boolean = t.object.value == "true"
        if t.predicate.value == RS + "solution":
            row: Row = {}
            for b in by_subject.get(t.object, []):
                if b.predicate.value != RS + "binding":
                    continue
                props = {x.predicate.value: x.object for x in by_subject.get(b.object, [])}
                row[props[RS + "variable"].value] = props[RS + "value"]
            rows.append(row)
    return boolean, rows


def _same_rows(actual: list[Row], expected: list[Row], ordered: bool) -> tuple[bool, str]:
    detail = f"got {len(actual)} rows, expected {len(expected)}"
    if len(actual) != len(expected):
        return False, detail
    if not any(isinstance(t, BlankNode) for row in actual + expected for t in row.values()):
        if ordered:
            same = [_row_key(r) for r in actual] == [_row_key(r) for r in expected]
            return same, detail + " (order or values differ)"
        key = _row_key
        return Counter(map(key, actual)) == Counter(map(key, expected)), detail + " (values)"
    return _match(actual, expected, ordered, {}), detail + " (modulo blank nodes)"


def _row_key(row: Row) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, _term_key(v)) for k, v in row.items()))


XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float")}


def _term_key(term: Any) -> str:
    """A term as compared: numbers by value within their datatype ("3.21E4" = "32100.0")."""
    if isinstance(term, Literal) and term.datatype.value in NUMERIC:
        try:
            return f"{float(term.value)!r}^^{term.datatype.value}"
        except ValueError:
            pass
    return str(term)


def _match(actual: list[Row], expected: list[Row], ordered: bool, bnodes: dict[Any, Any]) -> bool:
    """Backtracking search for a bijection of blank nodes under which the rows agree."""
    if not expected:
        return True
    first, rest = expected[0], expected[1:]
    candidates = [0] if ordered else range(len(actual))
    for i in candidates:
        mapping = _unify(first, actual[i], bnodes)
        if mapping is not None and _match(actual[:i] + actual[i + 1 :], rest, ordered, mapping):
            return True
    return False


def _unify(expected: Row, actual: Row, bnodes: dict[Any, Any]) -> dict[Any, Any] | None:
    if expected.keys() != actual.keys():
        return None
    mapping = dict(bnodes)
    for k, e in expected.items():
        a = actual[k]
        if isinstance(e, BlankNode) and isinstance(a, BlankNode):
            if mapping.get(e, a) != a or (e not in mapping and a in mapping.values()):
                return None
            mapping[e] = a
        elif _term_key(e) != _term_key(a):
            return None
    return mapping


def _same_graph(actual: list[Any], expected: list[Any]) -> tuple[bool, str]:
    def canonical(triples: list[Any]) -> set[Any]:
        ds = Dataset(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
        ds.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
        return set(ds)

    same = canonical(actual) == canonical(expected)
    return same, f"graphs differ: got {len(set(actual))} triples, expected {len(expected)}"


def _same_csv(result: Any, expected: Path) -> tuple[bool, str]:
    out = io.BytesIO()
    result.serialize(out, QueryResultsFormat.CSV)

    def rows(data: str) -> tuple[list[str], Counter[tuple[str, ...]]]:
        # Columns by name: the order of `SELECT *` variables is the engine's choice.
        table = list(csv.reader(io.StringIO(data)))
        order = sorted(range(len(table[0])), key=lambda i: table[0][i])
        blank = [[re.sub(r"^_:.*", "_:", row[i]) for i in order] for row in table[1:]]
        return sorted(table[0]), Counter(tuple(r) for r in blank)

    got, wanted = rows(out.getvalue().decode()), rows(expected.read_text(encoding="utf-8"))
    return got == wanted, "CSV differs"


# -- protocol ----------------------------------------------------------------------------

STATUS = re.compile(r"StatusCode(\d)xx$")
TABULAR_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"}


def run_protocol(case: Case, client: httpx.Client, endpoint: str) -> Outcome:
    short = case.iri.rsplit("#", 1)[-1]
    if short in PROTOCOL_SKIPS:
        return Outcome(case, "skip", PROTOCOL_SKIPS[short])
    if short.startswith("update_"):
        return Outcome(case, "skip", UPDATE_PROTOCOL_SKIP)
    g, action = case.graph, case.graph.value(case.node, MF.action)
    for request in Collection(g, g.value(action, HT.requests)):
        ok, detail = _request(g, request, client, endpoint)
        if not ok:
            return Outcome(case, "fail", detail)
    return Outcome(case, "pass")


def _request(g: Graph, req: Any, client: httpx.Client, endpoint: str) -> tuple[bool, str]:
    path = str(g.value(req, HT.absolutePath))
    url = endpoint + path[len("/sparql/") :] if path.startswith("/sparql/") else endpoint + path
    headers = {}
    head = g.value(req, HT.headers)
    for h in Collection(g, head) if head is not None else []:
        headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
    body = g.value(req, HT.body)
    content = None
    if body is not None:
        encoding = str(g.value(body, CNT.characterEncoding) or "UTF-8")
        content = str(g.value(body, CNT.chars)).encode(encoding)
    r = client.request(str(g.value(req, HT.methodName)), url, headers=headers, content=content)
    resp = g.value(req, HT.resp)
    classes = {STATUS.search(str(s)).group(1) for s in g.objects(resp, MF.expectedStatus)}  # type: ignore[union-attr]
    if str(r.status_code)[0] not in classes:
        return False, f"status {r.status_code}, expected {sorted(classes)}xx: {r.text[:200]}"
    media = r.headers.get("content-type", "").split(";")[0].strip()
    expected_format = g.value(resp, MF.expectedFormat)
    if expected_format is not None:
        wanted = {"boolean": TABULAR_TYPES, "tabular": TABULAR_TYPES, "RDF": RDF_TYPES}
        if media not in wanted[str(expected_format)]:
            return False, f"content type {media} for a {expected_format} result"
    expected_boolean = g.value(resp, MF.expectedBoolean)
    if isinstance(expected_boolean, RLiteral):
        fmt = QueryResultsFormat.from_media_type(media)
        got = parse_query_results(r.content, fmt) if fmt else None
        if not isinstance(got, QueryBoolean) or bool(got) != bool(expected_boolean.toPython()):
            return False, f"boolean {got!r}, expected {expected_boolean}"
    return True, ""


# -- figures, known failures -------------------------------------------------------------


def tally(outcomes: Sequence[Outcome]) -> dict[str, dict[str, int]]:
    by_suite: dict[str, dict[str, int]] = {}
    for o in outcomes:
        counts = by_suite.setdefault(o.case.suite, {"pass": 0, "fail": 0, "skip": 0})
        counts[o.status] += 1
    return dict(sorted(by_suite.items()))


def read_known_failures(path: Path) -> list[tuple[str, str]]:
    """`pattern  reason` lines; a pattern is a test id (suite/name) or a glob like `suite/*`."""
    known = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            pattern, _, reason = line.partition(" ")
            known.append((pattern, reason.strip()))
    return known


def test_id(case: Case) -> str:
    name = case.iri[len(BASE) :] if case.iri.startswith(BASE) else case.iri
    return name.replace("manifest#", "")


def is_known(case: Case, known: list[tuple[str, str]]) -> bool:
    return any(fnmatch.fnmatchcase(test_id(case), pattern) for pattern, _ in known)


def write_report(path: Path, section: str, outcomes: Sequence[Outcome]) -> None:
    report = json.loads(path.read_text()) if path.exists() else {}
    report[section] = {
        "suites": tally(outcomes),
        "failures": {test_id(o.case): o.detail[:300] for o in outcomes if o.status == "fail"},
        "skipped": {test_id(o.case): o.detail for o in outcomes if o.status == "skip"},
    }
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
