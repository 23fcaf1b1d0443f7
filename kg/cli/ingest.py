"""`claimgraph ingest` (one article, or a directory or JSONL file in bulk) and `claimgraph
validate`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import app, current, guarded, open_store, progress_bar
from kg.cli.extract import PublishedOpt, PublisherOpt, UrlOpt, extract_file, meta_of, text_and_meta
from kg.errors import (
    InputError,
    ValidationFailed,
    exit_code,
)


@app.command()
@guarded
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

    from kg.extract.textio import read_article, read_facts
    from kg.ingest.article import ingest_report

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
        report.article = meta_of(report.article, published, url, publisher, title)
        model = "fact sheet"
    else:
        text, meta = text_and_meta(file, meta_of(None, published, url, publisher, title))
        report = extract_file(text, meta, file)
        from kg.extract import model_version

        model = model_version()
    with open_store() as store:
        result = ingest_report(
            store, text, report, base=current().base, model_version=model, conflicts=True
        )
    typer.echo(
        f"{result.change.value}: {result.article} "
        f"({result.entities} entities, {result.claims} claims, {result.quads} quads)"
    )


def _bulk(source: Path, workers: int, batch: int) -> None:
    from kg.ingest.bulk import ingest_many
    from kg.ingest.conflicts import refresh_conflicts

    journal = current().beside(".journal.jsonl")
    failures = current().beside(".failures.jsonl")
    with open_store() as store, progress_bar("ingesting", "articles") as advance:
        report = ingest_many(
            store,
            source,
            journal=journal,
            failures=failures,
            base=current().base,
            workers=workers,
            batch=batch,
            progress=advance,
        )
        refresh_conflicts(store, current().base)
    typer.echo(
        f"{report.stored} stored, {report.unchanged} unchanged, {report.skipped} already done "
        f"(journal {journal}), {len(report.failed)} failed"
        + (f" (reasons in {failures})" if report.failed else "")
    )


@app.command()
@guarded
def validate(
    file: Annotated[
        Path | None, typer.Argument(help="An RDF file to check instead of the store.")
    ] = None,
) -> None:
    """Check the store (or an RDF file) against the SHACL shapes and print the report."""
    from kg.graph.validate import validate_graph, validate_quads

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
