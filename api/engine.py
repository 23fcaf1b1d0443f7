"""The server's hold on the store: the one writer, and where queries run.

Handlers reach it through `Depends(get_engine)`. With the embedded store, reads go to worker
processes over checkpoints (`api.workers`: killable at the deadline) and writes (`write`) run
one at a time in a thread on the read-write store, each followed by a fresh checkpoint so the
next query sees it. With a SPARQL server, the server evaluates: a query is sent with the same
refusals, deadline and row cap, and a write is one update request, still one at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from api.evaluate import Answer, QueryJob, answer
from api.workers import Generations, QueryTimeout, WorkerPool
from kg.errors import QueryError, StoreError
from kg.search import TextIndex
from kg.settings import Settings
from kg.store.embedded import ClaimStore
from kg.store.graphstore import GraphStore
from kg.store.opening import config_of, open_store
from kg.store.remote import CappedAnswer, RemoteStore, ServerLimit, StoreTimeout

T = TypeVar("T")


class Engine:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: GraphStore | None = None
        self.config = config_of(settings)  # where the graph lives
        self.remote = self.config.remote
        self.generations = Generations(settings.store)
        self.pool = WorkerPool(self.generations, settings.query_workers)
        self._write_lock = asyncio.Lock()

    async def start(self) -> None:
        """Open the store; embedded: read-write (taking RocksDB's lock), checkpoint it, start
        the workers; remote: check that the server answers as claimgraph needs."""
        loop = asyncio.get_running_loop()
        self.store = await loop.run_in_executor(None, open_store, self.config)
        await loop.run_in_executor(None, self._check_index, self.store)
        if not isinstance(self.store, ClaimStore):
            return
        self.generations.reset()
        await loop.run_in_executor(None, self.generations.checkpoint, self.store)
        await self.pool.start()

    def _check_index(self, store: GraphStore) -> None:
        """The search index, made to describe the store before the first request: rebuilt
        unless whole and of this store; for a SPARQL server, which other clients may have
        written since, always rebuilt."""
        if store.index is None:
            return
        if self.remote:
            store.index.rebuild(store)
        else:
            store.index.ensure(store)

    async def text_index(self) -> TextIndex:
        """The search index, checked (a reopened store's index is checked again first)."""
        if self.store is None:
            self.store = await asyncio.get_running_loop().run_in_executor(
                None, open_store, self.config
            )
        index = self.store.index
        if index is None:
            raise StoreError("this store has no search index (a store in memory)")
        if not index.trusted:
            async with self._write_lock:
                await asyncio.get_running_loop().run_in_executor(None, index.ensure, self.store)
        return index

    async def stop(self) -> None:
        if not self.remote:
            await self.pool.close()
            self.generations.remove()
        if self.store is not None:
            self.store.close()
            self.store = None

    async def query(self, job: QueryJob) -> Answer:
        """Evaluate under the deadline; raises QueryTimeout or WorkerLost."""
        if isinstance(self.store, RemoteStore):
            return await self._remote_query(self.store, job)
        return await self.pool.run(job, self.settings.query_timeout)

    async def write(self, change: Callable[[GraphStore], T]) -> T:
        """Apply `change` to the store, one writer at a time; embedded: then publish a new
        generation to the query workers."""
        if self.store is None:
            self.store = await asyncio.get_running_loop().run_in_executor(
                None, open_store, self.config
            )
        store = self.store
        loop = asyncio.get_running_loop()
        async with self._write_lock:
            try:
                result = await loop.run_in_executor(None, change, store)
                if isinstance(store, ClaimStore):
                    await loop.run_in_executor(None, self.generations.checkpoint, store)
            except StoreError:
                # RocksDB refuses every write after one it could not make (a full disk) until
                # it is reopened: reopen now, so that freeing space is enough.
                if isinstance(store, ClaimStore):
                    await loop.run_in_executor(None, self._reopen)
                raise
        if not self.remote:
            self.pool.collect()
        return result

    def _reopen(self) -> None:
        assert self.store is not None
        self.store.close()
        try:
            self.store = open_store(self.config)
        except StoreError:
            self.store = None  # the next write opens it again, or says why it cannot

    async def _remote_query(self, store: RemoteStore, job: QueryJob) -> Answer:
        seconds = self.settings.query_timeout
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(evaluate_remote, store, job, seconds), timeout=seconds
            )
        except TimeoutError:
            raise QueryTimeout(seconds) from None


def evaluate_remote(store: RemoteStore, job: QueryJob, seconds: float) -> Answer:
    """A job sent to the SPARQL server; its answer re-serialised as the client asked.

    The server's prefixes and base are not ours, so the job's become the query's prologue.
    """
    # One line, so that a parse error's line number is the user's own.
    prologue = "".join(f"PREFIX {p}: <{iri}> " for p, iri in (job.prefixes or {}).items())
    if job.base_iri:
        prologue = f"BASE <{job.base_iri}> " + prologue
    try:
        result = store.query(
            prologue + job.sparql,
            default_graphs=job.default_graphs,
            named_graphs=job.named_graphs,
            timeout=seconds,
        )
        return answer(result, job)
    except StoreTimeout:
        raise QueryTimeout(seconds) from None
    except (CappedAnswer, ServerLimit) as exc:
        return Answer("too_many_rows", message=str(exc))
    except QueryError as exc:
        return Answer("syntax", message=str(exc))
    except StoreError as exc:
        return Answer("store", message=str(exc))
