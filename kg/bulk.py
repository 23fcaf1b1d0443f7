"""Many articles at once: a directory of files or a JSONL file, resumable, failures aside.

Extraction runs in worker processes (it is the costly part); validation and the atomic
replace of each article run in this process, so the store has one writer. A journal beside
the store records each article once it is stored, keyed by its id and a hash of its input:
a re-run after an interruption skips what is done, and a changed input is done again. An
article that fails goes to the failures file with its reason; the others go on.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from kg.errors import ClaimgraphError, InputError
from kg.ingest import ingest_report
from kg.report import ArticleMeta, Extraction
from kg.store import Change, ClaimStore
from kg.textio import decode_article, looks_like_html

SUFFIXES = (".txt", ".html", ".htm")


@dataclass(frozen=True)
class BulkItem:
    """One article to ingest: where it came from, its raw text or page, and its metadata."""

    id: str
    raw: str
    meta: ArticleMeta

    @property
    def digest(self) -> str:
        data = self.raw + "\x1f" + self.meta.model_dump_json()
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass
class BulkReport:
    stored: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def read_items(source: Path) -> Iterator[BulkItem | tuple[str, str]]:
    """The articles of a directory (NAME.txt/.html, metadata in NAME.meta.json) or a JSONL
    file (`text` or `html`, `url`, `published`, `publisher`, `title`), in a stable order;
    an unreadable one comes as (id, reason)."""
    if source.is_dir():
        for path in sorted(p for p in source.rglob("*") if p.suffix.lower() in SUFFIXES):
            item_id = str(path.relative_to(source))
            try:
                raw = decode_article(path.read_bytes(), source=item_id)
                sidecar = path.with_suffix(".meta.json")
                meta = (
                    ArticleMeta.model_validate_json(sidecar.read_bytes())
                    if sidecar.exists()
                    else ArticleMeta()
                )
                yield BulkItem(item_id, raw, meta)
            except (OSError, ValueError, ClaimgraphError) as exc:
                yield item_id, str(exc)
        return
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {source}: {exc}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        item_id = f"{source.name}:{n}"
        try:
            row = json.loads(line)
            raw = row.get("html") or row.get("text")
            if not isinstance(raw, str) or not raw.strip():
                raise InputError("the line has no `text` or `html`")
            meta = ArticleMeta.model_validate(
                {k: row[k] for k in ("url", "published", "publisher", "title") if k in row}
            )
            yield BulkItem(item_id, raw, meta)
        except (ValueError, AttributeError, ClaimgraphError) as exc:
            yield item_id, str(exc)


def _extract_item(item: BulkItem) -> tuple[str, str, Extraction | str]:
    """In a worker: the article's text and report, or the reason it has none."""
    from kg.extract import extract

    try:
        text, meta = item.raw, item.meta
        if looks_like_html(text):
            from kg.extract.html import read_html

            text, page = read_html(text, url=meta.url)
            meta = page.model_copy(
                update={k: v for k, v in meta.model_dump().items() if v is not None}
            )
        return item.id, text, extract(text, meta)
    except ClaimgraphError as exc:
        return item.id, "", str(exc)


def ingest_many(
    store: ClaimStore,
    source: Path,
    *,
    journal: Path,
    failures: Path,
    base: str,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> BulkReport:
    """Ingest every article of `source`; `progress(done, total)` after each one."""
    report = BulkReport()
    done = _read_journal(journal)
    todo: list[BulkItem] = []
    with failures.open("a", encoding="utf-8") as fail_log:
        for entry in read_items(source):
            if isinstance(entry, tuple):
                _fail(report, fail_log, *entry)
            elif done.get(entry.id) == entry.digest:
                report.skipped += 1
            else:
                todo.append(entry)
        digests = {item.id: item.digest for item in todo}
        with journal.open("a", encoding="utf-8") as log:
            for n, (item_id, text, result) in enumerate(_extractions(todo, workers), 1):
                try:
                    if isinstance(result, str):
                        raise InputError(result)
                    change = ingest_report(store, text, result, base=base).change
                    if change is Change.UNCHANGED:
                        report.unchanged += 1
                    else:
                        report.stored += 1
                    log.write(json.dumps({"id": item_id, "sha": digests[item_id]}) + "\n")
                    log.flush()
                except ClaimgraphError as exc:
                    _fail(report, fail_log, item_id, str(exc))
                if progress is not None:
                    progress(n, len(todo))
    return report


def _extractions(todo: list[BulkItem], workers: int) -> Iterator[tuple[str, str, Extraction | str]]:
    if workers <= 1 or len(todo) < 2:
        yield from map(_extract_item, todo)
        return
    fork = "fork" in multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if fork else "spawn")
    with ctx.Pool(workers) as pool:
        yield from pool.imap(_extract_item, todo, chunksize=4)


def _fail(report: BulkReport, log: TextIO, item_id: str, reason: str) -> None:
    report.failed.append((item_id, reason))
    log.write(json.dumps({"id": item_id, "reason": reason}) + "\n")


def _read_journal(journal: Path) -> dict[str, str]:
    done: dict[str, str] = {}
    if journal.exists():
        for line in journal.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
                done[row["id"]] = row["sha"]
            except (ValueError, KeyError):
                continue  # a line cut short by an interruption
    return done
