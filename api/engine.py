"""The server's hold on the store: the one read-write handle, its checkpoints, the query pool.

Handlers reach it through `Depends(get_engine)`. Reads go to worker processes (`query`);
writes (`write`) run one at a time in a thread on the read-write store, and each is followed
by a fresh checkpoint so the next query sees it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

from api.evaluate import Answer, QueryJob
from api.settings import Settings
from api.workers import Generations, WorkerPool
from kg.store import ClaimStore

T = TypeVar("T")


class Engine:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: ClaimStore | None = None
        self.generations = Generations(settings.store)
        self.pool = WorkerPool(self.generations, settings.query_workers)
        self._write_lock = asyncio.Lock()

    async def start(self) -> None:
        """Open the store read-write (taking RocksDB's lock), checkpoint it, start workers."""
        loop = asyncio.get_running_loop()
        self.store = await loop.run_in_executor(None, ClaimStore, self.settings.store)
        self.generations.reset()
        await loop.run_in_executor(None, self.generations.checkpoint, self.store)
        await self.pool.start()

    async def stop(self) -> None:
        await self.pool.close()
        self.generations.remove()
        if self.store is not None:
            self.store.close()
            self.store = None

    async def query(self, job: QueryJob) -> Answer:
        """Evaluate in a worker under the deadline; raises QueryTimeout or WorkerLost."""
        return await self.pool.run(job, self.settings.query_timeout)

    async def write(self, change: Callable[[ClaimStore], T]) -> T:
        """Apply `change` to the read-write store, then publish a new generation to queries."""
        assert self.store is not None, "the engine is not started"
        store = self.store
        loop = asyncio.get_running_loop()
        async with self._write_lock:
            result = await loop.run_in_executor(None, change, store)
            await loop.run_in_executor(None, self.generations.checkpoint, store)
        self.pool.collect()
        return result


def get_engine(request: Request) -> Engine:
    """FastAPI dependency: the engine `create_app` started in its lifespan."""
    engine: Engine = request.app.state.engine
    return engine
