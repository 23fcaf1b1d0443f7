"""Killable queries: checkpoint generations and a pool of query worker processes.

pyoxigraph has no timeout or cancel, and a `Store.read_only` opened by another process on
a directory that a writer changes is undefined behaviour (RocksDB; docs/ARCHITECTURE.md).
So:

* the server process alone opens the store read-write; after startup and after every write
  it makes a RocksDB checkpoint (`Store.backup`: hard links, cheap) into a fresh directory
  `<store>.snapshots/gen-N`, which nobody ever writes again;
* each worker process opens the newest generation read-only and evaluates queries there,
  serialising the whole result (under the row cap) before it answers;
* the server waits for an answer off the event loop; at the deadline it SIGKILLs the worker,
  answers with an error status and starts a replacement in the background;
* a worker reopens when a job names a newer generation; a generation no worker holds and
  that is not the newest is deleted.

When every worker is busy, a query waits for one, and the wait counts against its deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import itertools
import multiprocessing
import shutil
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.evaluate import Answer, QueryJob, evaluate

if TYPE_CHECKING:  # the workers themselves import no kg code: their fork server stays light
    from kg.store.embedded import ClaimStore

# forkserver, not fork: the server has threads (uvicorn, the executor) and an open read-write
# RocksDB, which a forked child must not inherit. The fork server is a clean process that has
# imported only this module (and pyoxigraph), so a replacement worker starts in milliseconds,
# and unlike spawn it never re-imports the server's __main__ (the whole CLI).
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["api.workers"])
_READY = "ready"


class QueryTimeout(Exception):
    """The query did not finish within the deadline (its worker was killed)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the query exceeded {seconds:g} seconds and was stopped: "
            "narrow it (a selective pattern first, LIMIT) or ask the operator for more time"
        )
        self.seconds = seconds


class WorkerLost(Exception):
    """A worker died while evaluating (out of memory, a crash); it has been replaced."""


# -- the worker process ---------------------------------------------------------------


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when its parent dies, so no orphan runs a query on.

    The parent is the fork server, which exits when the server process does.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


def worker_main(conn: Connection) -> None:
    """A worker's life: answer (generation, job) messages until the pipe closes."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    from pyoxigraph import Store

    store: Store | None = None
    opened: str | None = None
    conn.send(_READY)
    while True:
        try:
            generation, job = conn.recv()
        except (EOFError, OSError):
            return
        if generation != opened:
            store = None  # drop the old generation before opening the new one
            try:
                store = Store.read_only(generation)
                opened = generation
            except OSError as exc:
                opened = None
                conn.send(Answer("store", message=f"could not open snapshot: {exc}"))
                continue
        assert store is not None
        conn.send(evaluate(store, job))


# -- generations ----------------------------------------------------------------------


class Generations:
    """Checkpoints of the store under `<store>.snapshots/`, newest last."""

    def __init__(self, store_path: Path) -> None:
        self.root = store_path.with_name(store_path.name + ".snapshots")
        self._numbers = itertools.count(1)
        self.current: Path | None = None

    def reset(self) -> None:
        """Remove what an earlier server left; only the server holding the store lock may."""
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)

    def remove(self) -> None:
        """Delete every generation (at shutdown, once no worker is left)."""
        shutil.rmtree(self.root, ignore_errors=True)
        self.current = None

    def checkpoint(self, store: ClaimStore) -> Path:
        """A new generation from `store`, made current."""
        target = self.root / f"gen-{next(self._numbers)}"
        store.backup(target)
        self.current = target
        return target

    def collect(self, in_use: set[Path]) -> list[Path]:
        """Delete the finished generations older than the current one that no worker holds.

        Only older ones: a checkpoint being written (RocksDB's `gen-N.tmp`) or just written
        and not yet current has a higher number, and runs in another thread; deleting it
        made the write fail and, once it was the current one, every query after it.
        """
        if self.current is None:
            return []
        newest = _number(self.current)
        removed = []
        for path in self.root.glob("gen-*"):
            n = _number(path)
            if n is not None and newest is not None and n < newest and path not in in_use:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
        return removed


def _number(path: Path) -> int | None:
    """N of a finished generation `gen-N`; None for anything else (`gen-N.tmp`)."""
    digits = path.name.removeprefix("gen-")
    return int(digits) if digits.isdigit() else None


# -- the pool, as the server sees it ---------------------------------------------------


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    holds: set[Path] = field(default_factory=set)  # generations it has (or is opening)


class WorkerPool:
    """`size` worker processes; `await pool.run(job, timeout)` answers or raises QueryTimeout."""

    def __init__(self, generations: Generations, size: int) -> None:
        self.generations = generations
        self.size = size
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        # One thread per worker waits on its pipe, so waiting never blocks the event loop.
        self._threads = ThreadPoolExecutor(max_workers=size + 1, thread_name_prefix="cg-query")
        self._background: set[asyncio.Task[None]] = set()
        self._closed = False
        self.replaced = 0  # workers killed and replaced (for tests and logs)

    async def start(self) -> None:
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for w in workers:
            self._idle.put_nowait(w)

    async def run(self, job: QueryJob, timeout: float) -> Answer:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except TimeoutError:
            raise QueryTimeout(timeout) from None
        generation = self.generations.current
        assert generation is not None, "the pool runs only after a first checkpoint"
        worker.holds.add(generation)
        try:
            worker.conn.send((str(generation), job))
            remaining = max(deadline - loop.time(), 0.0)
            ready = await loop.run_in_executor(self._threads, worker.conn.poll, remaining)
            if not ready:
                self._replace(worker)
                raise QueryTimeout(timeout)
            answer: Answer = await loop.run_in_executor(self._threads, worker.conn.recv)
        except (EOFError, OSError) as exc:
            self._replace(worker)
            raise WorkerLost(f"the query worker died while evaluating ({exc})") from exc
        except asyncio.CancelledError:
            # The request went away mid-query: the worker is busy with nobody to wait for it.
            self._replace(worker)
            raise
        worker.holds = {generation}
        self._idle.put_nowait(worker)
        self.collect()
        return answer

    def collect(self) -> None:
        in_use: set[Path] = set()
        for w in self._all:
            in_use |= w.holds
        self.generations.collect(in_use)

    async def close(self) -> None:
        self._closed = True
        for task in list(self._background):
            task.cancel()
        for w in list(self._all):
            _kill(w)
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

    # -- internals -----------------------------------------------------------------

    async def _spawn(self) -> _Worker:
        parent, child = _CONTEXT.Pipe(duplex=True)
        process = _CONTEXT.Process(target=worker_main, args=(child,), name="cg-query-worker")
        process.daemon = True
        loop = asyncio.get_running_loop()
        with _main_hidden():
            process.start()  # milliseconds once the fork server runs; it forks, we only ask
        child.close()
        worker = _Worker(process, parent)
        self._all.add(worker)
        # Wait until it has imported pyoxigraph, so its first query pays no start-up cost.
        if not await loop.run_in_executor(self._threads, parent.poll, 60.0):
            _kill(worker)
            raise RuntimeError("a query worker did not start within 60 seconds")
        if parent.recv() != _READY:
            raise RuntimeError("a query worker started badly")
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill `worker` now and start its successor without making anyone wait for it."""
        _kill(worker)
        self._all.discard(worker)
        self.replaced += 1
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._respawn())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _respawn(self) -> None:
        worker = await self._spawn()
        if self._closed:
            _kill(worker)
            return
        self._idle.put_nowait(worker)
        self.collect()


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Start a child without it re-importing the server's `__main__`.

    multiprocessing (spawn and forkserver alike) makes every child import the parent's main
    module, here the whole CLI or server, which costs a second per replacement worker. It
    does so only when `__main__` has a `__spec__` or a `__file__`, so hide both meanwhile;
    the worker's code lives in this module, which the fork server has preloaded.
    """
    main = sys.modules["__main__"]
    saved: dict[str, Any] = {
        k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__
    }
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


def _kill(worker: _Worker) -> None:
    with contextlib.suppress(Exception):
        worker.process.kill()  # SIGKILL: pyoxigraph cannot be interrupted any other way
        worker.process.join(timeout=5)
    with contextlib.suppress(Exception):
        worker.conn.close()
