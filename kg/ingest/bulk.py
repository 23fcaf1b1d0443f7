"""Many articles at once: a directory of files or a JSONL file, resumable, failures aside.

Extraction runs in worker processes, and so does SHACL validation: entity resolution and
the mapping run in this process (they read the store), then each article's quads go to a
worker to be checked while the next article is mapped, and a batch is written once all of
its articles have passed. The store has one writer, this process. A journal beside
the store records each article once it is stored, keyed by its id and a hash of its input:
a re-run after an interruption skips what is done, and a changed input is done again. An
article that fails goes to the failures file with its reason; the others go on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import TextIO

from pyoxigraph import RdfFormat, parse, serialize

from kg.errors import (
    ClaimgraphError,
    InputError,
    StoreError,
    explain_refused_write,
    refused_write,
)
from kg.extract.batch import BulkItem, extract_item, read_items
from kg.extract.batch import pool as worker_pool
from kg.extract.report import Extraction
from kg.graph.mapping import ArticleGraphs
from kg.graph.validate import ensure_valid
from kg.ingest.article import build_graphs
from kg.store.embedded import ClaimStore
from kg.store.graphstore import Change, GraphStore


@dataclass
class BulkReport:
    stored: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    failed_ids: set[str] = field(default_factory=set)


def ingest_many(
    store: GraphStore,
    source: Path,
    *,
    journal: Path,
    failures: Path,
    base: str,
    workers: int = 1,
    batch: int = 50,
    progress: Callable[[int, int], None] | None = None,
) -> BulkReport:
    """Ingest every article of `source`; `progress(done, total)` after each one.

    Articles are written `batch` at a time, each batch one update request (one round trip to
    a server, one commit on disk); the journal records a batch once it is stored. A batch
    the store refuses is retried article by article, so one bad article fails alone.
    """
    try:
        return _ingest_many(store, source, journal, failures, base, workers, batch, progress)
    except OSError as exc:  # the journal or the failures file could not be written
        code = refused_write(exc)
        lead = f"could not write {exc.filename or journal} (the bulk journal or its failures)"
        if code is None:
            raise StoreError(f"{lead}: {exc}") from exc
        raise StoreError(explain_refused_write(code, lead, store=False)) from exc


@dataclass
class _Mapped:
    """An article of the batch being built: its graphs, and its validation under way."""

    item_id: str
    text: str
    extraction: Extraction
    graphs: ArticleGraphs
    verdict: AsyncResult[str | None] | None  # None: checked here, and it passed


def _ingest_many(
    store: GraphStore,
    source: Path,
    journal: Path,
    failures: Path,
    base: str,
    workers: int,
    batch: int,
    progress: Callable[[int, int], None] | None,
) -> BulkReport:
    report = BulkReport()
    # Beside the store, or for a server under the default store's directory: neither need
    # exist yet in a fresh working directory.
    for path in (journal, failures):
        path.parent.mkdir(parents=True, exist_ok=True)
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
        pool = worker_pool(workers) if workers > 1 and len(todo) > 1 else None
        try:
            with journal.open("a", encoding="utf-8") as log:
                _run(store, todo, base, batch, pool, report, fail_log, log, digests, progress)
        finally:
            if pool is not None:
                pool.terminate()
    return report


def _run(
    store: GraphStore,
    todo: list[BulkItem],
    base: str,
    batch: int,
    pool: Pool | None,
    report: BulkReport,
    fail_log: TextIO,
    log: TextIO,
    digests: dict[str, str],
    progress: Callable[[int, int], None] | None,
) -> None:
    pending = ClaimStore()  # the batch so far, for entity resolution
    ready: list[_Mapped] = []

    def write() -> None:
        nonlocal pending
        passed = _settle(store, ready, base, report, fail_log)
        _store_batch(store, [(m.item_id, m.graphs) for m in passed], report, fail_log)
        for m in passed:
            if m.item_id not in report.failed_ids:
                log.write(json.dumps({"id": m.item_id, "sha": digests[m.item_id]}) + "\n")
        log.flush()
        ready.clear()
        pending.close()
        pending = ClaimStore()

    extractions = pool.imap(extract_item, todo, chunksize=4) if pool else map(extract_item, todo)
    for n, (item_id, text, result) in enumerate(extractions, 1):
        try:
            if isinstance(result, str):
                raise InputError(result)
            graphs = build_graphs(text, result, base=base, store=store, pending=pending)
            what = f"article {graphs.article.value}"
            if pool is None:
                ensure_valid(graphs.quads, what=what)
                verdict = None
            else:
                verdict = pool.apply_async(_validate_item, (_nquads(graphs), what))
            pending.replace_articles([graphs])
            ready.append(_Mapped(item_id, text, result, graphs, verdict))
        except StoreError:
            raise  # the store, not the article: stop, and the journal resumes
        except ClaimgraphError as exc:
            _fail(report, fail_log, item_id, str(exc))
        if len(ready) >= batch:
            write()
        if progress is not None:
            progress(n, len(todo))
    if ready:
        write()
    pending.close()


def _settle(
    store: GraphStore, ready: list[_Mapped], base: str, report: BulkReport, log: TextIO
) -> list[_Mapped]:
    """The batch's articles that passed SHACL, as they will be written.

    Each article was resolved against the ones before it in the batch, as if they were
    stored. When one of those fails, the articles after it are mapped and checked again
    without it, so that none refers to an entity only a refused article introduced.
    """
    passed: list[_Mapped] = []
    again: ClaimStore | None = None  # the batch without what was refused, once one is
    try:
        for m in ready:
            if again is not None:
                m.graphs = build_graphs(m.text, m.extraction, base=base, store=store, pending=again)
                try:
                    ensure_valid(m.graphs.quads, what=f"article {m.graphs.article.value}")
                except ClaimgraphError as exc:
                    _fail(report, log, m.item_id, str(exc))
                    continue
                again.replace_articles([m.graphs])
            elif m.verdict is not None and (reason := m.verdict.get()) is not None:
                _fail(report, log, m.item_id, reason)
                again = ClaimStore()
                if passed:
                    again.replace_articles([p.graphs for p in passed])
                continue
            passed.append(m)
    finally:
        if again is not None:
            again.close()
    return passed


def _nquads(graphs: ArticleGraphs) -> bytes:
    return serialize(graphs.quads, format=RdfFormat.N_QUADS) or b""


def _validate_item(nquads: bytes, what: str) -> str | None:
    """In a worker: why SHACL refuses the article's quads, or None when they pass."""
    try:
        ensure_valid(parse(nquads, format=RdfFormat.N_QUADS), what=what)
    except ClaimgraphError as exc:
        return str(exc)
    return None


def _store_batch(
    store: GraphStore, ready: list[tuple[str, ArticleGraphs]], report: BulkReport, log: TextIO
) -> None:
    try:
        changes = store.replace_articles([graphs for _, graphs in ready])
    except ClaimgraphError:
        changes = []
        for item_id, graphs in ready:  # one by one: the culprit fails, the others go in
            try:
                changes.append(store.replace_article(graphs))
            except StoreError:
                raise
            except ClaimgraphError as exc:
                _fail(report, log, item_id, str(exc))
    for change in changes:
        if change is Change.UNCHANGED:
            report.unchanged += 1
        else:
            report.stored += 1


def _fail(report: BulkReport, log: TextIO, item_id: str, reason: str) -> None:
    report.failed.append((item_id, reason))
    report.failed_ids.add(item_id)
    log.flush()
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
