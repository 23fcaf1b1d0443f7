"""The `claimgraph` command: a thin edge over the library.

Each command reads its input, calls one library function and writes the result; every
`ClaimgraphError` becomes one message on stderr and the error's exit code.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from kg import __version__
from kg.defaults import DEFAULT_BASE_IRI, DEFAULT_STORE
from kg.errors import (
    ClaimgraphError,
    ExtractionStepError,
    InputError,
    OntologyError,
    QueryError,
    ValidationFailed,
    exit_code,
)
from kg.formats import DUMP_FORMATS, names, query_output_names, rdf_format

if TYPE_CHECKING:
    from pyoxigraph import RdfFormat

    from kg.graphstore import GraphStore
    from kg.remote import Endpoints
    from kg.report import ArticleMeta, Extraction
    from kg.store import StoreConfig

if TYPE_CHECKING:
    OutFormat = str
    ExportFormat = str
else:
    # Typer offers an Enum's values as choices; the names come from the one format table.
    OutFormat = StrEnum("OutFormat", {n: n for n in query_output_names()})
    ExportFormat = StrEnum("ExportFormat", {n: n for n in names(DUMP_FORMATS)})
QUERY_DEFAULT = OutFormat("table")
EXPORT_DEFAULT = ExportFormat("nquads")

# Each command imports what it uses when it runs: `--help` and the light commands start in a
# fraction of a second, where importing everything (SHACL, the store, spaCy) took seconds.

app = typer.Typer(
    name="claimgraph",
    help="A claims knowledge graph for the news: who said what, about whom, with which numbers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ontology_app = typer.Typer(help="Check the ontology with HermiT, or write its documentation.")
app.add_typer(ontology_app, name="ontology")
factcheck_app = typer.Typer(help="Published fact-checks: import them, and match claims to them.")
app.add_typer(factcheck_app, name="factcheck")
source_app = typer.Typer(
    help="Fact-checking databases to keep in sync (kept beside the store, never in the graph)."
)
factcheck_app.add_typer(source_app, name="source")


class _State:
    """The global options as `main` resolved them, for the command that runs after it."""

    store_path: Path = DEFAULT_STORE
    base: str = DEFAULT_BASE_IRI
    endpoints: Endpoints | None = None

    @property
    def config(self) -> StoreConfig:
        from kg.store import StoreConfig

        return StoreConfig(self.store_path, self.endpoints)

    def beside(self, suffix: str) -> Path:
        """A file kept beside the store: the bulk journal, its failures, the match cache.

        A server's files go under the default store's directory, one name per endpoint.
        """
        return self.config.beside(suffix)

    def embedded_only(self, what: str) -> None:
        """Refuse a command that works on the store's directory when a server holds the graph."""
        if self.endpoints is not None:
            raise InputError(
                f"`{what}` works on the embedded store's directory; with --sparql-endpoint "
                "use the server's own tools for it (oxigraph dump/load, Virtuoso's backup)"
            )


state = _State()

T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def guarded(fn: Callable[[], T]) -> T:
    """Run a command body; a ClaimgraphError is the user's to fix, so show it plainly."""
    try:
        return fn()
    except ClaimgraphError as exc:
        raise fail(str(exc), exit_code(exc)) from None


@contextmanager
def open_store(*, read_only: bool = False) -> Iterator[GraphStore]:
    from kg.store import open_store as _open

    store = _open(state.config, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def progress_bar(what: str, unit: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, shown only on a terminal, with the rate and the time left;
    yields `update(done, total)`."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    started = time.perf_counter()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task(what, total=None, rate="")

        def update(done: int, total: int) -> None:
            rate = done / max(time.perf_counter() - started, 1e-9)
            bar.update(task, completed=done, total=total, rate=f"{rate:.1f} {unit}/s")

        yield update


@app.callback()
def main(
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="Directory of the on-disk store "
            f"(default: $CLAIMGRAPH_STORE, else {DEFAULT_STORE}).",
        ),
    ] = None,
    base_iri: Annotated[
        str | None,
        typer.Option(
            "--base-iri",
            help="Base IRI of minted resources "
            f"(default: $CLAIMGRAPH_BASE_IRI, else {DEFAULT_BASE_IRI}).",
        ),
    ] = None,
    sparql_endpoint: Annotated[
        str | None,
        typer.Option(
            "--sparql-endpoint",
            help="Use a SPARQL 1.1 server instead of --store: its query endpoint URL "
            "(default: $CLAIMGRAPH_SPARQL_ENDPOINT).",
        ),
    ] = None,
    update_endpoint: Annotated[
        str | None,
        typer.Option(
            "--update-endpoint",
            help="The server's SPARQL update endpoint "
            "(default: $CLAIMGRAPH_UPDATE_ENDPOINT, else the query endpoint).",
        ),
    ] = None,
    graph_store: Annotated[
        str | None,
        typer.Option(
            "--graph-store",
            help="The server's Graph Store Protocol endpoint, used to read whole graphs "
            "(default: $CLAIMGRAPH_GRAPH_STORE).",
        ),
    ] = None,
    sparql_user: Annotated[
        str | None,
        typer.Option(
            "--sparql-user",
            help="Account on the SPARQL server (HTTP Basic or Digest, as the server asks; "
            "default: $CLAIMGRAPH_SPARQL_USER); the password comes from "
            "CLAIMGRAPH_SPARQL_PASSWORD.",
        ),
    ] = None,
    sparql_timeout: Annotated[
        float | None,
        typer.Option(
            "--sparql-timeout",
            help="Seconds to wait for the SPARQL server's answer "
            "(default: $CLAIMGRAPH_SPARQL_TIMEOUT, else 60).",
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    """claimgraph: extract, validate, store and query the claims of news articles."""
    if version:
        typer.echo(f"claimgraph {__version__}")
        raise typer.Exit(0)
    setting = _settings(
        store=store,
        base_iri=base_iri or None,  # an empty --base-iri falls back, as it always did
        sparql_endpoint=sparql_endpoint,
        update_endpoint=update_endpoint,
        graph_store=graph_store,
        sparql_user=sparql_user,
        sparql_password=None,  # no option: only its variable
        sparql_timeout=sparql_timeout,
    )
    state.store_path = setting["store"]
    state.base = setting["base_iri"]
    state.endpoints = None
    if setting["sparql_endpoint"]:
        from kg.remote import Endpoints

        state.endpoints = Endpoints(
            query=setting["sparql_endpoint"],
            update=setting["update_endpoint"],
            graph_store=setting["graph_store"],
            user=setting["sparql_user"],
            password=setting["sparql_password"],
            timeout=setting["sparql_timeout"],
            base=state.base,
        )
    elif setting["update_endpoint"] or setting["graph_store"]:
        # 2: what Click answers a usage mistake with.
        raise fail("--update-endpoint and --graph-store need --sparql-endpoint", 2)


def _settings(**given: Any) -> dict[str, Any]:
    """Each global option as given, else from its `CLAIMGRAPH_*` variable (kg.settings), else
    its default. The variables are read one by one, and only these: a bad value of one that
    only the server reads (`CLAIMGRAPH_ROW_CAP`) does not stop a command. kg.settings is
    imported here, not at the top, so that `claimgraph --help` does not load pydantic."""
    from kg.settings import Settings

    try:
        return {k: Settings.read(k) if v is None else v for k, v in given.items()}
    except ValueError as exc:
        raise fail(str(exc), exit_code(InputError)) from None


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--published {value!r} is not a date: write it as YYYY-MM-DD") from None


def _meta(
    base: ArticleMeta | None,
    published: str | None,
    url: str | None,
    publisher: str | None,
    title: str | None = None,
) -> ArticleMeta:
    from kg.report import ArticleMeta

    meta = (base or ArticleMeta()).model_copy()
    if published is not None:
        meta.published = _date(published)
    if url is not None:
        meta.url = url
    if publisher is not None:
        meta.publisher = publisher
    if title is not None:
        meta.title = title
    return meta


def _text_and_meta(path: Path, meta: ArticleMeta) -> tuple[str, ArticleMeta]:
    """Plain text as it is; HTML reduced to its main text, its metadata under the flags'."""
    from kg.textio import looks_like_html, read_article

    text = read_article(path)
    if not looks_like_html(text):
        return text, meta
    from kg.extract.html import read_html

    body, page = read_html(text, url=meta.url)
    merged = page.model_copy(update={k: v for k, v in meta.model_dump().items() if v is not None})
    return body, merged


def _extract(text: str, meta: ArticleMeta, file: Path) -> Extraction:
    """The article's report; a failing extraction step is reported with the file's name."""
    from kg.extract import extract

    try:
        return extract(text, meta)
    except ExtractionStepError as exc:
        raise exc.on(str(file)) from exc.cause


PublishedOpt = Annotated[
    str | None, typer.Option("--published", help="Publication date, YYYY-MM-DD.")
]
UrlOpt = Annotated[str | None, typer.Option("--url", help="The article's URL (its identity).")]
PublisherOpt = Annotated[str | None, typer.Option("--publisher", help="The publisher's name.")]


class ReportFormat(StrEnum):
    json = "json"
    text = "text"


@app.command()
def extract(
    file: Annotated[
        Path,
        typer.Argument(
            help="Article: plain text or HTML, UTF-8; or a directory of NAME.txt / NAME.html "
            "(metadata in NAME.meta.json) or a JSONL file, with --out."
        ),
    ],
    published: PublishedOpt = None,
    url: UrlOpt = None,
    publisher: PublisherOpt = None,
    format: Annotated[ReportFormat, typer.Option("--format", help="json or text.")] = (
        ReportFormat.text
    ),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="For a directory or JSONL file: write REPORTS/NAME.json for each article."
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Extraction processes, for a directory.")
    ] = 1,
) -> None:
    """Print the extraction report of one article, or write one report per article of a
    directory (nothing is stored)."""

    def run() -> None:
        if file.is_dir() or file.suffix == ".jsonl":
            if out is None:
                raise InputError(
                    f"{file} holds many articles: name a directory for the reports with --out"
                )
            _extract_batch(file, out, workers)
            return
        if out is not None:
            raise InputError(
                "--out is for a directory or JSONL file of articles; one article prints its report"
            )
        text, meta = _text_and_meta(file, _meta(None, published, url, publisher))
        report = _extract(text, meta, file)
        if format is ReportFormat.json:
            typer.echo(_report_json(report))
        else:
            typer.echo(_summary(text, report))

    guarded(run)


def _report_json(report: Extraction) -> str:
    return json.dumps(report.model_dump(mode="json", exclude_none=True), indent=1)


def _extract_batch(source: Path, out: Path, workers: int) -> None:
    """REPORTS/NAME.json for every article; a failing article is named and the rest go on."""
    from kg.articles import extract_reports

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the reports directory {out}: {exc.strerror}") from None
    written, failed = 0, 0
    with progress_bar("extracting", "articles") as advance:
        for n, (item_id, result, total) in enumerate(extract_reports(source, workers), 1):
            if isinstance(result, str):
                failed += 1
                typer.echo(f"failed: {item_id}: {result}", err=True)
            else:
                target = out / _report_name(item_id)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(_report_json(result) + "\n", encoding="utf-8")
                written += 1
            advance(n, total)
    # As bulk ingest does: the run succeeds, and the summary counts what failed (named above).
    typer.echo(f"{written} reports written to {out}, {failed} failed")


def _report_name(item_id: str) -> str:
    """NAME.json for NAME.txt / NAME.html (sub-directories kept); batch.jsonl:3 → batch-3.json."""
    if ":" in item_id:
        stem, line = item_id.rsplit(":", 1)
        return f"{Path(stem).stem}-{line}.json"
    return str(Path(item_id).with_suffix(".json"))


def _summary(text: str, report: Extraction) -> str:
    names = {e.id: e.name for e in report.entities}
    lines = [f"{len(report.entities)} entities, {len(report.claims)} claims"]
    for c in report.claims:
        lines.append(f"- {names[c.claimant]} {c.cue}: {c.text(text)!r}")
    for q in report.quantities:
        lines.append(f"- {q.qualifier} {q.value:g} {q.counted or q.unit or ''}".rstrip())
    return "\n".join(lines)


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="Article: plain text or HTML, UTF-8.")],
    facts: Annotated[
        Path | None,
        typer.Option("--facts", help="A fact sheet (a report written by a person) to store."),
    ] = None,
    published: PublishedOpt = None,
    url: UrlOpt = None,
    publisher: PublisherOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="The headline.")] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Extraction processes, for bulk ingest.")
    ] = max(1, os.cpu_count() or 1),
    batch: Annotated[
        int,
        typer.Option(
            "--batch", min=1, help="Articles per write in bulk ingest (one atomic update each)."
        ),
    ] = 50,
) -> None:
    """Extract (or take --facts), validate with SHACL and store one article, all or nothing.

    A directory (NAME.txt / NAME.html, metadata in NAME.meta.json) or a FILE.jsonl (one
    article a line: text or html, url, published, publisher, title) is ingested in bulk:
    extraction in --workers processes, resumable through a journal beside the store,
    failures written beside it with their reasons while the rest go on.
    """

    def run() -> None:
        from kg.ingest import ingest_report
        from kg.textio import read_article, read_facts

        if file.is_dir() or file.suffix == ".jsonl":
            if facts is not None:
                raise InputError(
                    f"{file} is a directory or a JSONL batch: --facts describes one article file"
                )
            _bulk(file, workers, batch)
            return
        if facts is not None:
            text = read_article(file)
            report = read_facts(facts, text)
            report.article = _meta(report.article, published, url, publisher, title)
            model = "fact sheet"
        else:
            text, meta = _text_and_meta(file, _meta(None, published, url, publisher, title))
            report = _extract(text, meta, file)
            from kg.extract import model_version

            model = model_version()
        with open_store() as store:
            result = ingest_report(
                store, text, report, base=state.base, model_version=model, conflicts=True
            )
        typer.echo(
            f"{result.change.value}: {result.article} "
            f"({result.entities} entities, {result.claims} claims, {result.quads} quads)"
        )

    guarded(run)


def _bulk(source: Path, workers: int, batch: int) -> None:
    from kg.bulk import ingest_many
    from kg.conflicts import refresh_conflicts

    journal = state.beside(".journal.jsonl")
    failures = state.beside(".failures.jsonl")
    with open_store() as store, progress_bar("ingesting", "articles") as advance:
        report = ingest_many(
            store,
            source,
            journal=journal,
            failures=failures,
            base=state.base,
            workers=workers,
            batch=batch,
            progress=advance,
        )
        refresh_conflicts(store, state.base)
    typer.echo(
        f"{report.stored} stored, {report.unchanged} unchanged, {report.skipped} already done "
        f"(journal {journal}), {len(report.failed)} failed"
        + (f" (reasons in {failures})" if report.failed else "")
    )


@app.command()
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

    def run() -> None:
        from kg.query import run_query, write_result

        text = _query_text(sparql, file)
        with open_store(read_only=True) as store:
            _, result = run_query(store, text)
            out = sys.stdout.buffer
            write_result(result, format, out)
            out.flush()

    guarded(run)


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

    def run() -> None:
        from pyoxigraph import NamedNode

        from kg.vocab import PREFIXES

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

    guarded(run)


def _export_article(store: GraphStore, ref: str, fmt: RdfFormat, sink: Any) -> None:
    """One article's graphs, with what the shared graph says of the nodes they name."""
    from pyoxigraph import NamedNode

    from kg.mapping import ArticleGraphs, ArticleIris, article_key, shared_graph
    from kg.store import write_quads
    from kg.textio import read_article
    from kg.vocab import PREFIXES

    if ref.startswith(state.base):
        key = ref[len(state.base) :].split("/")[1]
    elif Path(ref).is_file():
        key = article_key(read_article(Path(ref)), None)
    else:
        key = article_key("", ref)
    iris = ArticleIris(state.base, key)
    quads = store.stored_quads(store.article_graph_names(ArticleGraphs(iris, [], "")))
    if not quads:
        raise InputError(f"no article {ref} in the store")
    named = {t for q in quads for t in (q.subject, q.object) if isinstance(t, NamedNode)}
    shared = shared_graph(state.base)
    for node in named:
        quads.update(store.quads_about(node, shared))
    write_quads(quads, sink, fmt, prefixes=PREFIXES)


@app.command()
def validate(
    file: Annotated[
        Path | None, typer.Argument(help="An RDF file to check instead of the store.")
    ] = None,
) -> None:
    """Check the store (or an RDF file) against the SHACL shapes and print the report."""
    from kg.validate import validate_graph, validate_quads

    def run() -> None:
        if file is not None:
            import rdflib

            g = rdflib.Dataset()
            try:
                g.parse(file)
            except Exception as exc:  # rdflib raises many unrelated types for bad input
                raise InputError(f"cannot read {file} as RDF: {exc}") from None
            union = rdflib.Graph()
            for s, p, o, _ in g.quads((None, None, None, None)):
                union.add((s, p, o))
            report = validate_graph(union)
        else:
            with open_store(read_only=True) as store:
                report = validate_quads(store.quads())
        typer.echo(report.text())
        if report.errors:  # the report is the message: exit as a refused validation does
            raise typer.Exit(exit_code(ValidationFailed))

    guarded(run)


@app.command()
def stats() -> None:
    """Counts of quads, graphs, articles, claims and entities in the store."""

    def run() -> None:
        with open_store(read_only=True) as store:
            s = store.stats()
        typer.echo(
            f"store {state.config.describe()}\n"
            f"  quads     {s.quads}\n  graphs    {s.graphs}\n  articles  {s.articles}\n"
            f"  claims    {s.claims}\n  entities  {s.entities}"
        )

    guarded(run)


class SearchKind(StrEnum):
    claim = "claim"
    article = "article"
    entity = "entity"
    factcheck = "factcheck"


class SearchFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def search(
    text: Annotated[str, typer.Argument(help='Words, "a phrase", a prefix*, -word, OR.')],
    type: Annotated[
        SearchKind | None, typer.Option("--type", help="Only claims, articles, entities…")
    ] = None,
    claimant: Annotated[
        str | None, typer.Option("--claimant", help="Claims by this IRI or name (any case).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Dated on or after YYYY-MM-DD.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Dated on or before.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Hits to show.")] = 20,
    format: Annotated[SearchFormat, typer.Option("--format", help="Output format.")] = (
        SearchFormat.table
    ),
) -> None:
    """Search the text index: claims, articles, entities and fact-checks, best first (BM25)."""

    def run() -> None:
        from kg.search import SearchQuery

        index = _ready_index()
        claimants = None
        if claimant:
            is_iri = claimant.startswith(("http://", "https://"))
            claimants = (claimant,) if is_iri else tuple(index.named(claimant))
        hits = index.search(
            SearchQuery(
                text,
                kind=type.value if type else None,
                claimants=claimants,
                since=_day(since, "--since"),
                until=_day(until, "--until"),
                limit=limit,
            )
        )
        if format is SearchFormat.json:
            typer.echo(json.dumps([h.as_json() for h in hits], indent=2, ensure_ascii=False))
            return
        if not hits:
            typer.echo("no match")
        for h in hits:
            typer.echo(f"{h.kind:<9} {-h.score:6.2f}  {h.iri}\n          {h.plain_snippet()}")

    guarded(run)


@app.command()
def reindex() -> None:
    """Rebuild the search index from the store (claimgraph does it by itself when the index
    is missing, of another store or left mid-write; this forces it)."""

    def run() -> None:
        started = time.perf_counter()
        with open_store() as store, progress_bar("indexing", "documents") as advance:
            assert store.index is not None
            n = store.index.rebuild(store, advance)
            size = store.index.size()
        typer.echo(
            f"indexed {n} documents in {time.perf_counter() - started:.1f} s "
            f"({size / 1e6:.1f} MB at {state.config.beside('.search.sqlite')})"
        )

    guarded(run)


def _day(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(f"{option} {value!r} is not a date: write it as YYYY-MM-DD") from None


def _ready_index() -> Any:
    """The search index, checked: used as it is when it is whole and of this store (so a
    search reads no store, and works while a server holds it); otherwise rebuilt first."""
    index = state.config.text_index()
    if index is None:
        raise InputError("a store in memory has no search index")
    if index.why_untrusted() is None:
        return index
    with open_store() as store, progress_bar("indexing", "documents") as advance:
        assert store.index is not None
        store.index.ensure(store, advance)
    return index


@ontology_app.command("check")
def ontology_check() -> None:
    """Load the ontology with owlready2, classify it with HermiT; fail if inconsistent."""
    from kg.ontology import check

    def run() -> None:
        result = check()
        if not result.consistent:
            raise OntologyError("the ontology is inconsistent (HermiT)")
        if result.unsatisfiable:
            raise OntologyError("unsatisfiable classes: " + ", ".join(result.unsatisfiable))
        typer.echo(
            f"consistent (HermiT, {result.seconds:.1f} s): {result.n_classes} classes, "
            f"{result.n_properties} properties, {result.n_individuals} individuals"
        )

    guarded(run)


@ontology_app.command("docs")
def ontology_docs(
    out: Annotated[Path, typer.Argument(help="Directory to write the HTML documentation to.")],
) -> None:
    """Write the ontology's HTML documentation (and the Turtle beside it)."""
    from kg.ontology import write_docs

    def run() -> None:
        for p in write_docs(out):
            typer.echo(str(p))

    guarded(run)


@factcheck_app.command("import")
def factcheck_import(
    source: Annotated[
        Path,
        typer.Argument(
            help="A file or a directory: ClaimReview JSON-LD (page, file or DataFeed, .gz too), "
            "a Google Fact Check Tools response, or ClaimsKG RDF."
        ),
    ],
) -> None:
    """Import published fact-checks: validated, deduplicated by URL, re-runs replace."""
    from kg.factcheck.claimreview import read_path
    from kg.factcheck.imports import import_factchecks

    def run() -> None:
        found = read_path(source)
        if not found.reviews:
            raise InputError(f"no ClaimReview in {source}")
        total = len(found.reviews)
        with open_store() as store, progress_bar("importing", "reviews") as update:
            done = 0

            def advance(n: int) -> None:
                nonlocal done
                done += n
                update(done, total)

            report = import_factchecks(store, found.reviews, base=state.base, progress=advance)
        typer.echo(
            f"{report.stored} fact-checks stored ({report.new} new, {report.updated} replaced), "
            f"{report.warnings} warnings, {len(report.refused)} refused, "
            f"{len(found.skipped)} passed over"
        )
        for line in report.refused + found.skipped:
            typer.echo(f"  {line}", err=True)

    guarded(run)


CacheOpt = Annotated[
    Path | None,
    typer.Option("--cache", help="Embedding cache (default: <store>.cache/embeddings)."),
]


@factcheck_app.command("match")
def factcheck_match(
    top: Annotated[int, typer.Option("--top", min=1, max=20, help="Links per claim.")] = 3,
    cache: CacheOpt = None,
) -> None:
    """Link every claim in the store to the imported fact-checks that best match it."""
    from kg.factcheck.links import build_matcher, default_cache, link_claims

    def run() -> None:
        with open_store() as store:
            matcher = build_matcher(store, cache or default_cache(state.beside("")))
            n = link_claims(store, matcher, base=state.base, top=top)
        typer.echo(f"{n} links from claims to fact-checks stored")

    guarded(run)


@factcheck_app.command("rank")
def factcheck_rank(
    queries: Annotated[Path, typer.Argument(help="A TSV file of `id<TAB>text` lines.")],
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="Reviews per query.")] = 5,
    tag: Annotated[str, typer.Option("--tag", help="The run's tag column.")] = "claimgraph",
    cache: CacheOpt = None,
) -> None:
    """Rank the imported fact-checks for each query; print a TREC run.

    Lines are `qid Q0 doc rank score tag`, where doc is the review's identifier, else its URL.
    """
    from kg.factcheck.links import build_matcher, default_cache
    from kg.factcheck.matching import load_queries

    def run() -> None:
        try:
            rows = load_queries(queries)
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the queries {queries}: {exc}") from None
        if not rows:
            raise InputError(f"no queries in {queries}")
        with open_store(read_only=True) as store:
            matcher = build_matcher(store, cache or default_cache(state.beside("")))
        ranked = matcher.rank([text for _, text in rows], top=top)
        out = sys.stdout
        for (qid, _), hits in zip(rows, ranked, strict=True):
            for i, (doc, score) in enumerate(hits, 1):
                out.write(f"{qid} Q0 {doc} {i} {score:.6f} {tag}\n")
        out.flush()

    guarded(run)


class FactcheckExport(StrEnum):
    claims = "claims"
    datafeed = "datafeed"
    claimskg = "claimskg"


@factcheck_app.command("export")
def factcheck_export(
    format: Annotated[
        FactcheckExport,
        typer.Option(
            "--format",
            help="claims: our claims as schema:Claim JSON-LD; datafeed: the same as a DataFeed; "
            "claimskg: reviews and claims in ClaimsKG's RDF model (Turtle).",
        ),
    ] = FactcheckExport.datafeed,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")] = None,
) -> None:
    """Export claims for fact-checkers to review, or everything as ClaimsKG-compatible RDF."""
    from kg.factcheck.export import claims_datafeed, claims_jsonld, claimskg_triples

    def run() -> None:
        with open_store(read_only=True) as store:
            if format is FactcheckExport.claimskg:
                from pyoxigraph import RdfFormat, serialize

                from kg.factcheck.export import CLAIMSKG_PREFIXES

                data = (
                    serialize(
                        claimskg_triples(store),
                        format=RdfFormat.TURTLE,
                        prefixes=CLAIMSKG_PREFIXES,
                    )
                    or b""
                )
            else:
                doc: object = (
                    claims_jsonld(store)
                    if format is FactcheckExport.claims
                    else claims_datafeed(store)
                )
                data = (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        if output:
            output.write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()

    guarded(run)


def _source_book() -> Any:
    from kg.factcheck.sources import SOURCES_SUFFIX, SourceBook

    return SourceBook(state.beside(SOURCES_SUFFIX))


@source_app.command("add")
def source_add(
    name: Annotated[str, typer.Argument(help="A name for the source: fact-desk, google-en …")],
    datafeed: Annotated[
        str | None, typer.Option("--datafeed", help="A ClaimReview DataFeed's URL.")
    ] = None,
    page: Annotated[
        str | None,
        typer.Option("--page", help="A page with ClaimReview JSON-LD, or a sitemap of them."),
    ] = None,
    fact_check_tools: Annotated[
        bool,
        typer.Option("--fact-check-tools", help="A Google Fact Check Tools claims:search query."),
    ] = False,
    sparql: Annotated[
        str | None,
        typer.Option("--sparql", help="A SPARQL endpoint in ClaimsKG's model (schema.org)."),
    ] = None,
    key_env: Annotated[
        str | None,
        typer.Option("--key-env", help="Fact Check Tools: the environment variable with the key."),
    ] = None,
    query: Annotated[
        str | None, typer.Option("--query", help="Fact Check Tools: the query.")
    ] = None,
    publisher: Annotated[
        str | None,
        typer.Option("--publisher", help="Fact Check Tools: a publisher's site (politifact.com)."),
    ] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="Fact Check Tools: a language code (en).")
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", help="Fact Check Tools: another claims:search URL (a proxy)."),
    ] = None,
    page_rows: Annotated[
        int | None, typer.Option("--page-rows", help="SPARQL: rows per page (default 500).")
    ] = None,
) -> None:
    """Add a fact-checking database to sync: exactly one of --datafeed, --page,
    --fact-check-tools, --sparql. Nothing is fetched until `claimgraph factcheck sync`."""
    from kg.factcheck.sources import SourceKind, new_source

    def run() -> None:
        chosen = [
            (kind, url)
            for kind, url, given in (
                (SourceKind.DATAFEED, datafeed, datafeed is not None),
                (SourceKind.PAGE, page, page is not None),
                (SourceKind.FACT_CHECK_TOOLS, endpoint, fact_check_tools),
                (SourceKind.SPARQL, sparql, sparql is not None),
            )
            if given
        ]
        if len(chosen) != 1:
            raise InputError("give exactly one of --datafeed, --page, --fact-check-tools, --sparql")
        if endpoint is not None and not fact_check_tools:
            raise InputError("--endpoint only applies to --fact-check-tools")
        kind, url = chosen[0]
        source = new_source(
            name,
            kind,
            url,
            key_env=key_env,
            query=query,
            publisher=publisher,
            language=language,
            page_rows=page_rows,
        )
        book = _source_book()
        book.add(source)
        typer.echo(f"added {source.name} ({source.kind}): {source.describe()}")

    guarded(run)


@source_app.command("list")
def source_list() -> None:
    """The sources, what each asks for, and when it last synced."""

    def run() -> None:
        book = _source_book().read()
        if not book.sources:
            typer.echo("no fact-check sources: add one with `claimgraph factcheck source add`")
            return
        for source in book.sources.values():
            noted = book.state.get(source.name, {})
            line = f"{source.name}\t{source.kind}\t{source.describe()}"
            line += f"\tlast sync: {noted.get('synced_at', 'never')}"
            if noted.get("error"):
                line += f"\tfailed {noted.get('failed_at')}: {noted['error']}"
            typer.echo(line)

    guarded(run)


@source_app.command("remove")
def source_remove(name: Annotated[str, typer.Argument(help="The source's name.")]) -> None:
    """Forget a source and its sync state (the reviews it brought stay in the store)."""

    def run() -> None:
        removed = _source_book().remove(name)
        typer.echo(f"removed {removed.name} ({removed.kind})")

    guarded(run)


@factcheck_app.command("sync")
def factcheck_sync(
    names: Annotated[
        list[str] | None, typer.Argument(help="Sources to sync (default: all of them).")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Ask for everything again, not only what changed.")
    ] = False,
    top: Annotated[int, typer.Option("--top", min=1, max=20, help="Links per claim.")] = 3,
    cache: CacheOpt = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds one answer may take, in all.")
    ] = 30.0,
    max_mb: Annotated[
        float, typer.Option("--max-mb", min=0.001, help="Largest answer, in MB (decompressed).")
    ] = 32.0,
    max_requests: Annotated[
        int, typer.Option("--max-requests", min=1, help="Requests per source per sync.")
    ] = 200,
) -> None:
    """Fetch what changed in each source, store it (validated, deduplicated) and re-match
    claims. The only command that makes outbound requests; exit 8 if a source failed."""
    from kg.errors import SourceError
    from kg.factcheck.fetch import Limits
    from kg.factcheck.links import default_cache
    from kg.factcheck.sync import sync

    def run() -> None:
        book = _source_book()
        if not book.select(names or None):
            raise InputError(
                "no fact-check sources: add one with `claimgraph factcheck source add`"
            )
        with open_store() as store, progress_bar("syncing", "sources") as update:
            report = sync(
                store,
                book,
                names,
                base=state.base,
                cache_dir=cache or default_cache(state.beside("")),
                full=full,
                top=top,
                progress=update,
                limits=Limits(
                    max_bytes=int(max_mb * 1_000_000), timeout=timeout, max_requests=max_requests
                ),
            )
        for line in report.lines():
            typer.echo(line)
        if report.failed:
            failed = ", ".join(s.name for s in report.failed)
            raise SourceError(f"sync failed for {failed}; the other sources were stored")

    guarded(run)


@app.command("backup")
def backup_command(
    target: Annotated[Path, typer.Argument(help="A new directory for the backup.")],
) -> None:
    """Write a consistent copy of the store (also while `claimgraph serve` runs)."""
    from kg.backup import backup

    def run() -> None:
        state.embedded_only("backup")
        source, quads = backup(state.store_path, target)
        typer.echo(f"backed up {quads} quads from {source} to {target}")

    guarded(run)


@app.command("restore")
def restore_command(
    source: Annotated[Path, typer.Argument(help="A directory written by `claimgraph backup`.")],
) -> None:
    """Replace the store by a backup (the server must be stopped)."""
    from kg.backup import restore

    def run() -> None:
        state.embedded_only("restore")
        quads = restore(source, state.store_path)
        typer.echo(f"restored {quads} quads into {state.store_path}")

    guarded(run)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    query_timeout: Annotated[
        float | None,
        typer.Option(
            "--query-timeout",
            help="Seconds a SPARQL query may run (default: $CLAIMGRAPH_QUERY_TIMEOUT, else 10).",
        ),
    ] = None,
) -> None:
    """Serve the store over HTTP: SPARQL endpoint, linked data, REST and the query page.

    Further settings (row cap, write token, CORS, query workers, the fact-check sync's
    schedule) come from CLAIMGRAPH_* environment variables; see kg/settings.py.
    """
    from api.server import serve as run_server

    timeout: float = _settings(query_timeout=query_timeout)["query_timeout"]

    def run() -> None:
        if timeout <= 0:
            raise InputError("--query-timeout must be a positive number of seconds")
        with open_store():  # a store that cannot open says why here, not in a traceback
            pass
        run_server(state.config, host, port, timeout, base_iri=state.base)

    guarded(run)


@app.command()
def demo(
    examples: Annotated[
        Path, typer.Argument(help="The examples directory: articles/, factchecks/, queries/.")
    ] = Path("examples"),
    fact_sheets: Annotated[
        bool,
        typer.Option(
            "--fact-sheets",
            help="Store the hand-written fact sheets instead of extracting, and import no "
            "fact-checks.",
        ),
    ] = False,
    cache: CacheOpt = None,
) -> None:
    """Build the store from the example articles, then run the example queries.

    The extractor reads each article's raw text; the example fact-checks are imported and
    every claim is linked to its best one.
    """
    from kg.demo import run_demo
    from kg.factcheck.links import default_cache

    def run() -> None:
        with open_store() as store:
            run_demo(
                store,
                examples,
                sys.stdout.buffer,
                describe=state.config.describe(),
                base=state.base,
                cache=cache or default_cache(state.beside("")),
                fact_sheets=fact_sheets,
                echo=typer.echo,
            )

    guarded(run)


if __name__ == "__main__":  # pragma: no cover
    app()
