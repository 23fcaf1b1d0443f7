"""`claimgraph extract`: one article's report, or a directory's reports, nothing stored."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.common import app, guarded, progress_bar
from kg.errors import (
    ExtractionStepError,
    InputError,
)

if TYPE_CHECKING:
    from kg.extract.report import ArticleMeta, Extraction


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--published {value!r} is not a date: write it as YYYY-MM-DD") from None


def meta_of(
    base: ArticleMeta | None,
    published: str | None,
    url: str | None,
    publisher: str | None,
    title: str | None = None,
) -> ArticleMeta:
    from kg.extract.report import ArticleMeta

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


def text_and_meta(path: Path, meta: ArticleMeta) -> tuple[str, ArticleMeta]:
    """Plain text as it is; HTML reduced to its main text, its metadata under the flags'."""
    from kg.extract.textio import looks_like_html, read_article

    text = read_article(path)
    if not looks_like_html(text):
        return text, meta
    from kg.extract.html import read_html

    body, page = read_html(text, url=meta.url)
    merged = page.model_copy(update={k: v for k, v in meta.model_dump().items() if v is not None})
    return body, merged


def extract_file(text: str, meta: ArticleMeta, file: Path) -> Extraction:
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
@guarded
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
    text, meta = text_and_meta(file, meta_of(None, published, url, publisher))
    report = extract_file(text, meta, file)
    if format is ReportFormat.json:
        typer.echo(_report_json(report))
    else:
        typer.echo(_summary(text, report))


def _report_json(report: Extraction) -> str:
    return json.dumps(report.model_dump(mode="json", exclude_none=True), indent=1)


def _extract_batch(source: Path, out: Path, workers: int) -> None:
    """REPORTS/NAME.json for every article; a failing article is named and the rest go on."""
    from kg.extract.batch import extract_reports

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
