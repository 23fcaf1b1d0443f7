"""`claimgraph query`, `export` and `stats`: reading the graph."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kg.cli.common import app, current, guarded, open_store
from kg.errors import (
    InputError,
    QueryError,
)
from kg.store.formats import DUMP_FORMATS, names, query_output_names, rdf_format

if TYPE_CHECKING:
    from pyoxigraph import RdfFormat

    from kg.store.graphstore import GraphStore

if TYPE_CHECKING:
    OutFormat = str
    ExportFormat = str
else:
    # Typer offers an Enum's values as choices; the names come from the one format table.
    OutFormat = StrEnum("OutFormat", {n: n for n in query_output_names()})
    ExportFormat = StrEnum("ExportFormat", {n: n for n in names(DUMP_FORMATS)})
QUERY_DEFAULT = OutFormat("table")
EXPORT_DEFAULT = ExportFormat("nquads")


@app.command()
@guarded
def query(
    sparql: Annotated[
        str | None, typer.Argument(help="The query text; or use --file, or - for stdin.")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query here.")] = None,
    format: Annotated[OutFormat, typer.Option("--format", help="Output format.")] = QUERY_DEFAULT,
) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over all graphs of the store.

    Common prefixes (schema, prov, org, nif, cg, …) need no PREFIX line. json is the
    SPARQL 1.1 JSON results format.
    """

    from kg.store.query import run_query, write_result

    text = _query_text(sparql, file)
    with open_store(read_only=True) as store:
        _, result = run_query(store, text)
        out = sys.stdout.buffer
        write_result(result, format, out)
        out.flush()


def _query_text(sparql: str | None, file: Path | None) -> str:
    if file is not None:
        try:
            return file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the query file {file}: {exc}") from None
    if sparql == "-" or sparql is None:
        if sparql is None and sys.stdin.isatty():
            raise QueryError("give a query, --file FILE, or - to read it from stdin")
        try:
            return sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"the query on stdin is not UTF-8 text: {exc}") from None
    return sparql


@app.command()
@guarded
def export(
    format: Annotated[ExportFormat, typer.Option("--format", help="RDF format.")] = EXPORT_DEFAULT,
    article: Annotated[
        str | None,
        typer.Option("--article", help="Only this article: its URL, IRI or text file."),
    ] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="Only this named graph.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")] = None,
) -> None:
    """Export the whole store, one article (all its graphs), or one named graph."""

    from pyoxigraph import NamedNode

    from kg.graph.vocab import PREFIXES

    fmt = rdf_format(format)
    with open_store(read_only=True) as store:
        sink = output.open("wb") if output else sys.stdout.buffer
        try:
            if article is not None:
                _export_article(store, article, fmt, sink)
            else:
                g = NamedNode(graph) if graph else None
                store.dump(sink, fmt, graph=g, prefixes=PREFIXES)
        finally:
            if output:
                sink.close()
            else:
                sink.flush()


def _export_article(store: GraphStore, ref: str, fmt: RdfFormat, sink: Any) -> None:
    """One article's graphs, with what the shared graph says of the nodes they name."""
    from pyoxigraph import NamedNode

    from kg.extract.textio import read_article
    from kg.graph.mapping import ArticleGraphs, ArticleIris, article_key, shared_graph
    from kg.graph.vocab import PREFIXES
    from kg.store.embedded import write_quads

    if ref.startswith(current().base):
        key = ref[len(current().base) :].split("/")[1]
    elif Path(ref).is_file():
        key = article_key(read_article(Path(ref)), None)
    else:
        key = article_key("", ref)
    iris = ArticleIris(current().base, key)
    quads = store.stored_quads(store.article_graph_names(ArticleGraphs(iris, [], "")))
    if not quads:
        raise InputError(f"no article {ref} in the store")
    named = {t for q in quads for t in (q.subject, q.object) if isinstance(t, NamedNode)}
    shared = shared_graph(current().base)
    for node in named:
        quads.update(store.quads_about(node, shared))
    write_quads(quads, sink, fmt, prefixes=PREFIXES)


@app.command()
@guarded
def stats() -> None:
    """Counts of quads, graphs, articles, claims and entities in the store."""

    with open_store(read_only=True) as store:
        s = store.stats()
    typer.echo(
        f"store {current().config.describe()}\n"
        f"  quads     {s.quads}\n  graphs    {s.graphs}\n  articles  {s.articles}\n"
        f"  claims    {s.claims}\n  entities  {s.entities}"
    )
