"""`claimgraph factcheck …`: ClaimReview in and out, claim matching, and the fact-check
databases kept in sync."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from kg.cli.common import current, factcheck_app, guarded, open_store, progress_bar, source_app
from kg.errors import InputError


@factcheck_app.command("import")
@guarded
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

        report = import_factchecks(store, found.reviews, base=current().base, progress=advance)
    typer.echo(
        f"{report.stored} fact-checks stored ({report.new} new, {report.updated} replaced), "
        f"{report.warnings} warnings, {len(report.refused)} refused, "
        f"{len(found.skipped)} passed over"
    )
    for line in report.refused + found.skipped:
        typer.echo(f"  {line}", err=True)


CacheOpt = Annotated[
    Path | None,
    typer.Option("--cache", help="Embedding cache (default: <store>.cache/embeddings)."),
]


@factcheck_app.command("match")
@guarded
def factcheck_match(
    top: Annotated[int, typer.Option("--top", min=1, max=20, help="Links per claim.")] = 3,
    cache: CacheOpt = None,
) -> None:
    """Link every claim in the store to the imported fact-checks that best match it."""
    from kg.factcheck.links import build_matcher, default_cache, link_claims

    with open_store() as store:
        matcher = build_matcher(store, cache or default_cache(current().beside("")))
        n = link_claims(store, matcher, base=current().base, top=top)
    typer.echo(f"{n} links from claims to fact-checks stored")


@factcheck_app.command("rank")
@guarded
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

    try:
        rows = load_queries(queries)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the queries {queries}: {exc}") from None
    if not rows:
        raise InputError(f"no queries in {queries}")
    with open_store(read_only=True) as store:
        matcher = build_matcher(store, cache or default_cache(current().beside("")))
    ranked = matcher.rank([text for _, text in rows], top=top)
    out = sys.stdout
    for (qid, _), hits in zip(rows, ranked, strict=True):
        for i, (doc, score) in enumerate(hits, 1):
            out.write(f"{qid} Q0 {doc} {i} {score:.6f} {tag}\n")
    out.flush()


class FactcheckExport(StrEnum):
    claims = "claims"
    datafeed = "datafeed"
    claimskg = "claimskg"


@factcheck_app.command("export")
@guarded
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
                claims_jsonld(store) if format is FactcheckExport.claims else claims_datafeed(store)
            )
            data = (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def _source_book() -> Any:
    from kg.factcheck.sources import SOURCES_SUFFIX, SourceBook

    return SourceBook(current().beside(SOURCES_SUFFIX))


@source_app.command("add")
@guarded
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


@source_app.command("list")
@guarded
def source_list() -> None:
    """The sources, what each asks for, and when it last synced."""

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


@source_app.command("remove")
@guarded
def source_remove(name: Annotated[str, typer.Argument(help="The source's name.")]) -> None:
    """Forget a source and its sync state (the reviews it brought stay in the store)."""

    removed = _source_book().remove(name)
    typer.echo(f"removed {removed.name} ({removed.kind})")


@factcheck_app.command("sync")
@guarded
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

    book = _source_book()
    if not book.select(names or None):
        raise InputError("no fact-check sources: add one with `claimgraph factcheck source add`")
    with open_store() as store, progress_bar("syncing", "sources") as update:
        report = sync(
            store,
            book,
            names,
            base=current().base,
            cache_dir=cache or default_cache(current().beside("")),
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
