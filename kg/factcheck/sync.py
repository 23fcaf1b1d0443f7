"""Keeping the store in step with live fact-checking databases: pull, store, re-match.

A sync asks each configured source (`kg.factcheck.sources`) for what changed since its last
sync (`kg.factcheck.pull`, over the guarded client of `kg.factcheck.fetch`), stores the
reviews through the same path and SHACL gate as `factcheck import` (`kg.factcheck.imports`:
deduplicated by URL, a re-import replaces, an unchanged review is not rewritten), records the
source's new state only once its reviews are stored, and, when any review is new or changed,
links the store's claims to their best reviews again (`kg.factcheck.links`; links that stay
keep the time they were first made).

A source that fails (unreachable, refused by the safety rules, an answer that is not what
its kind promises) is reported with the reason, the others go on, and the store keeps
everything it had: nothing of the failed source is written, and its state is not moved.

The network part (`pull_sources`) touches no store and the storing part (`store_pulled`)
makes no request, so a server can fetch outside its write lock and store inside it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ClaimgraphError, InputError, SourceError
from kg.factcheck.fetch import Fetcher, Limits
from kg.factcheck.imports import import_factchecks
from kg.factcheck.pull import Pulled, pull
from kg.factcheck.sources import Source, SourceBook
from kg.graph.mapping import DEFAULT_BASE_IRI
from kg.store.graphstore import GraphStore

log = logging.getLogger("claimgraph.sync")


@dataclass
class SourceSummary:
    """What one source's sync did."""

    name: str
    kind: str
    requests: int = 0
    bodies: int = 0  # answers read in full
    not_modified: int = 0  # 304 answers
    read: int = 0  # reviews the answers held
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)  # reviews the shapes refused, and why
    skipped: list[str] = field(default_factory=list)  # what was passed over, and why
    error: str | None = None  # why the source failed (nothing of it was stored)

    def line(self) -> str:
        head = f"{self.name} ({self.kind}): "
        if self.error is not None:
            return head + f"FAILED, nothing stored from it: {self.error}"
        return head + (
            f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{len(self.refused)} refused; {self.requests} requests, {self.bodies} read, "
            f"{self.not_modified} not modified"
        )


@dataclass
class SyncReport:
    sources: list[SourceSummary] = field(default_factory=list)
    links: int | None = None  # links after re-matching; None when no matching ran
    match_error: str | None = None

    @property
    def failed(self) -> list[SourceSummary]:
        return [s for s in self.sources if s.error is not None]

    @property
    def stored(self) -> int:
        return sum(s.new + s.changed for s in self.sources)

    def lines(self) -> list[str]:
        out = []
        for s in self.sources:
            out.append(s.line())
            out += [f"  refused {r}" for r in s.refused]
            out += [f"  passed over: {r}" for r in s.skipped]
        if self.links is not None:
            out.append(f"claims re-matched: {self.links} links to fact-checks")
        elif self.match_error is not None:
            out.append(f"claims not re-matched: {self.match_error}")
        return out


@dataclass
class Outcome:
    """One source's pull: what it gave, or why it failed, with its request counts."""

    source: Source
    pulled: Pulled | None
    summary: SourceSummary


def pull_sources(
    book: SourceBook,
    names: Sequence[str] | None = None,
    *,
    limits: Limits | None = None,
    now: dt.datetime | None = None,
    env: Mapping[str, str] | None = None,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Ask each source named (all when none is) for what changed; no store is touched."""
    sources = book.select(list(names) if names else None)
    now = now or dt.datetime.now(dt.UTC)
    env = os.environ if env is None else env
    out = []
    for i, source in enumerate(sources):
        summary = SourceSummary(source.name, source.kind.value)
        pulled: Pulled | None = None
        with Fetcher([source.url], limits) as fetcher:
            try:
                pulled = pull(source, book.state(source.name), fetcher, now=now, env=env, full=full)
                summary.read = len(pulled.reviews)
                summary.skipped = [fetcher.redact(s) for s in pulled.skipped]
            except SourceError as exc:
                summary.error = fetcher.redact(str(exc))
            except Exception as exc:  # a reader's bug must not stop the other sources
                # Logged without its traceback, which could show a key in a local variable.
                summary.error = fetcher.redact(f"unexpected {type(exc).__name__}: {exc}")
                log.error("fact-check source %s: %s", source.name, summary.error)
            summary.requests = fetcher.requests
            summary.bodies = fetcher.bodies
            summary.not_modified = fetcher.not_modified
        out.append(Outcome(source, pulled, summary))
        if progress is not None:
            progress(i + 1, len(sources))
    return out


def store_pulled(
    store: GraphStore,
    book: SourceBook,
    outcomes: Sequence[Outcome],
    *,
    base: str = DEFAULT_BASE_IRI,
    cache_dir: Path | None = None,
    top: int = 3,
    now: dt.datetime | None = None,
    match: bool = True,
) -> SyncReport:
    """Store what each source gave, record its state, then (`match`) re-match claims if
    anything changed; makes no request."""
    report = SyncReport()
    for outcome in outcomes:
        summary = outcome.summary
        report.sources.append(summary)
        name = outcome.source.name
        when = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        if outcome.pulled is None:
            # The state that says where the last good sync left off stays; the failure is
            # noted beside it, for `source list`.
            book.save_state(name, {**book.state(name), "failed_at": when, "error": summary.error})
            continue
        try:
            imported = import_factchecks(
                store, outcome.pulled.reviews, base=base, skip_unchanged=True
            )
        except ClaimgraphError as exc:
            summary.error = f"storing its reviews failed: {exc}"
            book.save_state(name, {**book.state(name), "failed_at": when, "error": summary.error})
            continue
        summary.new, summary.changed = imported.new, imported.updated
        summary.unchanged, summary.refused = imported.unchanged, imported.refused
        book.save_state(name, {**outcome.pulled.state, "synced_at": when})
    if report.stored and match:
        try:
            report.links = rematch(store, base=base, cache_dir=cache_dir, top=top, now=now)
        except ClaimgraphError as exc:
            report.match_error = str(exc)
    return report


def rematch(
    store: GraphStore,
    *,
    base: str = DEFAULT_BASE_IRI,
    cache_dir: Path | None = None,
    top: int = 3,
    now: dt.datetime | None = None,
) -> int | None:
    """Link the claims again over the grown pool; None when the store holds no claim.

    Every claim is ranked again, not only those near a new review: BM25's weights and the
    re-ranker's features depend on the whole pool, so a new review can move any claim's
    ranking. The pool's embeddings are cached, so only new reviews are embedded.
    """
    from kg.factcheck.links import build_matcher, link_claims
    from kg.graph.queries import any_claim

    if not store.query(any_claim()):
        return None
    try:
        matcher = build_matcher(store, cache_dir)
    except InputError:
        return None  # no review in the store: nothing to match against
    return link_claims(store, matcher, base=base, top=top, now=now)


def sync(
    store: GraphStore,
    book: SourceBook,
    names: Sequence[str] | None = None,
    *,
    base: str = DEFAULT_BASE_IRI,
    cache_dir: Path | None = None,
    limits: Limits | None = None,
    env: Mapping[str, str] | None = None,
    full: bool = False,
    top: int = 3,
    progress: Callable[[int, int], None] | None = None,
) -> SyncReport:
    """Pull every source named (all when none is), store, re-match: one sync at a time."""
    with book.syncing():
        now = dt.datetime.now(dt.UTC)
        outcomes = pull_sources(
            book, names, limits=limits, now=now, env=env, full=full, progress=progress
        )
        return store_pulled(store, book, outcomes, base=base, cache_dir=cache_dir, top=top, now=now)
