"""The scheduled fact-check sync of `claimgraph serve` (`CLAIMGRAPH_FACTCHECK_SYNC_MINUTES`).

One task on the event loop that only waits: each round's work runs in threads, so queries
(answered by the worker processes) and other requests go on. The network part runs outside
the engine's write lock; storing the reviews and re-linking the claims go through
`Engine.write`, like any other write, so a new generation is published to the query workers.
Rounds never overlap, and the sources file's sync lock keeps a CLI sync of the same store
(possible with a SPARQL server as the store) from running beside one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from api.engine import Engine
from kg.errors import ClaimgraphError
from kg.factcheck.links import build_matcher, default_cache, link_claims
from kg.factcheck.matching import Matcher
from kg.factcheck.sources import SOURCES_SUFFIX, SourceBook
from kg.factcheck.sync import SyncReport, pull_sources, store_pulled
from kg.graph import queries
from kg.store.graphstore import GraphStore

log = logging.getLogger("claimgraph.sync")


class FactcheckSync:
    """Sync every configured source now, then every `factcheck_sync_minutes`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.minutes = engine.settings.factcheck_sync_minutes
        self.book = SourceBook(engine.config.beside(SOURCES_SUFFIX))
        self.rounds = 0
        self.last: SyncReport | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # a round's failure is logged; the next round comes anyway
                log.exception("the scheduled fact-check sync failed")
            self.rounds += 1
            await asyncio.sleep(self.minutes * 60)

    async def run_once(self) -> SyncReport | None:
        """One sync of every source; None when there is none, or another sync is running."""
        if not await asyncio.to_thread(self.book.sources):
            return None
        try:
            with self.book.syncing():
                report = await self._sync()
        except ClaimgraphError as exc:
            log.warning("scheduled fact-check sync skipped: %s", exc)
            return None
        for line in report.lines():
            log.info("fact-check sync: %s", line)
        self.last = report
        return report

    async def _sync(self) -> SyncReport:
        engine = self.engine
        settings = engine.settings
        base = settings.base_iri
        outcomes = await asyncio.to_thread(pull_sources, self.book)

        def store(s: GraphStore) -> SyncReport:
            return store_pulled(s, self.book, outcomes, base=base, match=False)

        report = await engine.write(store)
        if report.stored:
            from api.routes.factchecks import forget_matcher

            forget_matcher(engine)
            store_now = engine.store
            assert store_now is not None
            try:
                cache = default_cache(engine.config.beside(""))
                matcher = await asyncio.to_thread(_matcher, store_now, cache)
                if matcher is not None:
                    report.links = await engine.write(lambda s: link_claims(s, matcher, base=base))
            except ClaimgraphError as exc:
                report.match_error = str(exc)
        return report


def _matcher(store: GraphStore, cache: Path | None) -> Matcher | None:
    """The matcher over the grown pool (outside the write lock: embedding takes a while),
    or None when there is no claim to link. Its embeddings are cached where the CLI's are."""
    if not store.query(queries.any_claim()):
        return None
    return build_matcher(store, cache)
