"""Articles in numbers: a directory of files or a JSONL file read one article at a time, and
their extraction reports made in worker processes.

Both `claimgraph ingest DIR|FILE.jsonl` (kg.ingest.bulk, which also validates and stores) and
`claimgraph extract DIR --out REPORTS` (reports only) read their input here, so the two
agree on what an article is; nothing here touches a store, so extraction alone starts fast.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.pool import Pool
from pathlib import Path

from kg.errors import ClaimgraphError, InputError
from kg.extract.report import ArticleMeta, Extraction
from kg.extract.textio import decode_article, looks_like_html

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


def extract_item(item: BulkItem) -> tuple[str, str, Extraction | str]:
    """In a worker: the article's text and report, or the reason it has none.

    Any failure is this article's alone: a bug that one text triggers fails that article by
    name (with the exception's type), and the batch goes on."""
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
    except Exception as exc:  # noqa: BLE001 - reported by name, never swallowed
        return item.id, "", f"extraction failed ({type(exc).__name__}: {exc})"


def extract_reports(source: Path, workers: int = 1) -> Iterator[tuple[str, Extraction | str, int]]:
    """The extraction report of every article of a directory or JSONL file, nothing stored:
    (id, report or the reason there is none, how many articles in all), in input order.

    The model is loaded once per process; with several workers the articles are spread
    over forked processes that inherit it."""
    items: list[BulkItem] = []
    failed: list[tuple[str, str]] = []
    for entry in read_items(source):
        if isinstance(entry, tuple):
            failed.append(entry)
        else:
            items.append(entry)
    total = len(items) + len(failed)
    for item_id, reason in failed:
        yield item_id, reason, total
    if workers > 1 and len(items) > 1:
        from kg.extract import warm_up

        warm_up()
        with pool(workers) as workers_pool:
            for item_id, _, result in workers_pool.imap(extract_item, items, chunksize=1):
                yield item_id, result, total
        return
    for item in items:
        item_id, _, result = extract_item(item)
        yield item_id, result, total


def pool(workers: int) -> Pool:
    """Worker processes, forked where the platform can, so that they start with what this
    process has loaded (the model, the place and name tables)."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if fork else "spawn").Pool(workers)
