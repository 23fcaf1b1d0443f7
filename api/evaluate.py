"""Evaluate one query and serialise its whole result to bytes: what a query worker does.

This module runs inside the worker processes, so it imports pyoxigraph and, of `kg`, only the
format table `kg.store.formats` and the vocabulary `kg.graph.vocab` (each pyoxigraph and
the standard library; `kg`'s own names load lazily): pyshacl and rdflib would slow every
worker start.

The row cap is enforced while iterating: a result with more rows than the cap is an error,
never a silently shortened answer. Because the body is complete before the worker answers,
the server never starts a 200 it could have to cut short.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Literal as Kind

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    Store,
    Triple,
    parse_query_results,
    serialize,
)

from kg.graph.vocab import SPARQL_RESULTS_XML
from kg.store.formats import rdf_format, results_format

QueryResult = QuerySolutions | QueryBoolean | QueryTriples


@dataclass(frozen=True)
class QueryJob:
    """One query as the server hands it to a worker (pickled over a pipe).

    `tabular_format` serves SELECT and ASK, `graph_format` CONSTRUCT and DESCRIBE: the server
    negotiates both before evaluation, so a worker never has to ask back.
    `default_graphs` / `named_graphs` are the protocol's dataset (None: not given).
    With neither, the default graph is the union of all graphs, as in the CLI, unless the
    query names its own dataset with FROM / FROM NAMED (`own_dataset`): pyoxigraph's union
    flag would silently override those clauses.
    """

    sparql: str
    tabular_format: str = "json"
    graph_format: str = "turtle"
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    own_dataset: bool = False
    row_cap: int = 10_000
    prefixes: dict[str, str] = field(default_factory=dict)
    base_iri: str | None = None  # resolves relative IRIs; the protocol lets it be the endpoint


@dataclass(frozen=True)
class Answer:
    """A worker's reply: a complete body, or an error the server maps to a status."""

    kind: Kind["ok", "syntax", "too_many_rows", "store", "internal"]
    body: bytes = b""
    media_format: str = ""
    message: str = ""


def evaluate(store: Store, job: QueryJob) -> Answer:
    """Run `job` on `store`; every failure becomes an Answer, never an exception."""
    try:
        return answer(_run(store, job), job)
    except SyntaxError as exc:
        return Answer("syntax", message=str(exc))
    except OSError as exc:
        return Answer("store", message=str(exc))
    except Exception as exc:  # a bug or an engine error: reported, the worker lives on
        return Answer("internal", message=f"{type(exc).__name__}: {exc}")


def answer(result: QueryResult | list[Triple], job: QueryJob) -> Answer:
    """A whole result as the body the client asked for, under the row cap.

    Shared by the workers (embedded store) and the server's remote evaluation.
    """
    if isinstance(result, QueryBoolean):
        out = io.BytesIO()
        result.serialize(out, results_format(job.tabular_format))
        return Answer("ok", out.getvalue(), job.tabular_format)
    if isinstance(result, QuerySolutions):
        return _solutions(result, job)
    triples = []
    for triple in result:
        triples.append(triple)
        if len(triples) > job.row_cap:
            return _too_many(job.row_cap, "triples")
    out = io.BytesIO()
    serialize(triples, out, rdf_format(job.graph_format), prefixes=job.prefixes or None)
    return Answer("ok", out.getvalue(), job.graph_format)


def _run(store: Store, job: QueryJob) -> QueryResult:
    prefixes, base = job.prefixes or None, job.base_iri
    if job.default_graphs is None and job.named_graphs is None:
        union = not job.own_dataset
        return store.query(
            job.sparql, base_iri=base, prefixes=prefixes, use_default_graph_as_union=union
        )
    # SPARQL 1.1 Protocol §2.1.4: a protocol dataset replaces the query's own, and a graph
    # not listed is not in it (only named graphs given: the default graph is empty).
    default: list[NamedNode | BlankNode | DefaultGraph] = [
        NamedNode(g) for g in job.default_graphs or ()
    ]
    named: list[NamedNode | BlankNode] = [NamedNode(g) for g in job.named_graphs or ()]
    return store.query(
        job.sparql, base_iri=base, prefixes=prefixes, default_graph=default, named_graphs=named
    )


def _solutions(result: QuerySolutions, job: QueryJob) -> Answer:
    """Collect the rows under the cap as TSV, then let pyoxigraph write the chosen format.

    pyoxigraph cannot build a QuerySolutions from Python rows, but it parses SPARQL TSV,
    whose cells are exactly the terms' N-Triples forms (`str(term)`). Re-reading that TSV
    gives a QuerySolutions that its own serialisers write in every format.
    """
    names = [v.value for v in result.variables]
    tsv = io.StringIO()
    tsv.write("\t".join("?" + n for n in names) + "\n")
    count = 0
    width = range(len(names))
    for row in result:
        count += 1
        if count > job.row_cap:
            return _too_many(job.row_cap, "rows")
        tsv.write("\t".join("" if row[i] is None else str(row[i]) for i in width) + "\n")
    if not names:
        # SELECT with no variable: TSV cannot carry rows of nothing, so write directly.
        return _empty_head(count, job)
    rows = parse_query_results(tsv.getvalue().encode("utf-8"), QueryResultsFormat.TSV)
    out = io.BytesIO()
    assert isinstance(rows, QuerySolutions)
    rows.serialize(out, results_format(job.tabular_format))
    return Answer("ok", out.getvalue(), job.tabular_format)


def _empty_head(count: int, job: QueryJob) -> Answer:
    fmt = job.tabular_format
    if fmt == "json":
        body = '{"head":{"vars":[]},"results":{"bindings":[' + ",".join(["{}"] * count) + "]}}"
    elif fmt == "xml":
        body = (
            f'<?xml version="1.0"?><sparql xmlns="{SPARQL_RESULTS_XML}">'
            "<head></head><results>" + "<result></result>" * count + "</results></sparql>"
        )
    else:
        body = "\n" + "\n" * count if fmt == "tsv" else "\r\n" + "\r\n" * count
    return Answer("ok", body.encode("utf-8"), fmt)


def _too_many(cap: int, what: str) -> Answer:
    return Answer(
        "too_many_rows",
        message=f"the result has more than {cap} {what}: add LIMIT (at most {cap}) "
        "or narrow the query",
    )
