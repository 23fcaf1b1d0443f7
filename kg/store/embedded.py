"""The default store: an embedded Oxigraph database on disk (RocksDB), no server to start.

Atomicity rests on a measured fact of pyoxigraph (docs/ARCHITECTURE.md): each `update()`
call is applied whole or not at all, and RocksDB's write-ahead log makes it durable. An
article's replace is ONE update request (`kg.store.graphstore`), so a crash or an error
leaves the old version, never half of each.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from pyoxigraph import NamedNode, Quad, RdfFormat, Store

from kg.errors import QueryError, StoreError, explain_refused_write, refused_write
from kg.graph.vocab import RDF, SCHEMA
from kg.store.graphstore import (
    Change,
    GraphStore,
    QueryResult,
    StoreStats,
    Triples,
    write_quads,
)

__all__ = [
    "Change",
    "ClaimStore",
    "QueryResult",
    "StoreStats",
    "Triples",
    "open_for_reading",
    "write_quads",
]

# Oxigraph sizes RocksDB's write buffers for bulk work (up to 128 MB for each of its dozen
# column families), so a long ingest that never flushes holds up to about 1.5 GB in memory
# (bench/SCALE.md: peak RSS 715 MB at 1,000 articles, 1.6 GB at 4,000). Flushing after this
# much update text (about 150,000 quads) bounds them near a tenth of that.
FLUSH_AFTER_BYTES = 32 * 1024 * 1024


class ClaimStore(GraphStore):
    """The embedded store: a directory on disk, or memory when no path is given."""

    failed_update_applies_nothing = True

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._unflushed = 0  # bytes of update text since the last flush
        try:
            if path is None:
                self._store = Store()
            elif read_only:
                if not path.exists():
                    raise StoreError(f"no store at {path}: ingest an article first")
                self._store = Store.read_only(str(path))
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._store = Store(str(path))
        except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
            raise StoreError(_explain_open_error(path, exc)) from exc

    # -- writing ---------------------------------------------------------------------

    def claims_in(self, graph: NamedNode) -> list[NamedNode]:
        return [
            q.subject
            for q in self._store.quads_for_pattern(None, RDF.type, SCHEMA.Claim, graph)
            if isinstance(q.subject, NamedNode)
        ]

    def stored_quads(self, names: Iterable[NamedNode]) -> set[Quad]:
        out: set[Quad] = set()
        for name in names:
            out.update(self._store.quads_for_pattern(None, None, None, name))
        return out

    def existing_graphs(self, names: Sequence[NamedNode]) -> list[NamedNode]:
        return [n for n in names if self._store.contains_named_graph(n)]

    def update(self, request: str) -> None:
        try:
            self._store.update(request)
            self._unflushed += len(request)
            if self._unflushed > FLUSH_AFTER_BYTES and self.path is not None:
                self.flush()
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update does not parse: {exc}") from exc
        except OSError as exc:
            failed = f"the store at {self.path} refused a write"
            raise StoreError(_explain_open_error(self.path, exc, failed)) from exc
        except RuntimeError as exc:  # the update was evaluated and failed: nothing applied
            raise StoreError(f"the update failed, and none of it was applied: {exc}") from exc

    # -- reading ---------------------------------------------------------------------

    def query(self, sparql: str, *, union: bool = True) -> QueryResult:
        """pyoxigraph's union flag overrides a query's own FROM / FROM NAMED: hence `union`."""
        try:
            return self._store.query(sparql, use_default_graph_as_union=union)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL query does not parse: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"the store could not be read: {exc}") from exc
        except RuntimeError as exc:  # Oxigraph refused to evaluate it (an unknown function)
            raise QueryError(f"the query cannot be evaluated: {exc}") from exc

    def quads(self, graph: NamedNode | None = None) -> Iterator[Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, graph))

    def quads_about(self, subject: NamedNode, graph: NamedNode | None = None) -> list[Quad]:
        return list(self._store.quads_for_pattern(subject, None, None, graph))

    def named_graphs(self) -> list[NamedNode]:
        return [g for g in self._store.named_graphs() if isinstance(g, NamedNode)]

    def count_quads(self) -> int:
        return len(self._store)

    def dump(
        self,
        output: IO[bytes],
        fmt: RdfFormat,
        *,
        graph: NamedNode | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> None:
        """Oxigraph's own writer streams a graph or a quad format without a copy in memory."""
        if graph is not None or fmt.supports_datasets:
            try:
                self._store.dump(output, fmt, from_graph=graph, prefixes=prefixes)
            except OSError as exc:
                raise StoreError(f"could not write the export: {exc}") from exc
        else:
            write_quads(self.quads(), output, fmt, prefixes=prefixes)

    def backup(self, target: Path) -> None:
        """A consistent checkpoint of the store in `target`, a directory that must not exist.

        RocksDB checkpoints hard-link the immutable files, so this is cheap, and the copy
        can be opened by another process while this one keeps writing (the API serves
        queries from such checkpoints).
        """
        try:
            if not self.read_only:
                self._store.flush()
                self._unflushed = 0
            self._store.backup(str(target))
        except OSError as exc:
            if str(target) in str(exc) and (code := refused_write(exc)) is not None:
                lead = f"could not back up the store into {target}"
                raise StoreError(explain_refused_write(code, lead, store=False)) from exc
            failed = f"could not checkpoint the store at {self.path} into {target}"
            raise StoreError(_explain_open_error(self.path, exc, failed)) from exc

    def flush(self) -> None:
        try:
            self._store.flush()
            self._unflushed = 0
        except OSError as exc:
            failed = f"could not flush the store at {self.path} to disk"
            raise StoreError(_explain_open_error(self.path, exc, failed)) from exc

    def close(self) -> None:
        """Flush and release the store, so that another process may open it at once.

        pyoxigraph releases the database lock only when the last Python object that holds
        the store is gone, query-result iterators included; those can sit in reference
        cycles until the next collection, so one runs here.
        """
        if self.index is not None:
            self.index.close()
        if hasattr(self, "_store"):
            if not self.read_only:
                with contextlib.suppress(OSError):
                    self._store.flush()
            del self._store
            if self.path is not None:  # a store in memory holds no lock to release
                gc.collect()


def open_for_reading(store_path: Path) -> ClaimStore:
    """The store for a command that only reads it: read-write, which takes RocksDB's lock (so a
    running server is found and named, and a checkpoint holds the latest writes); or read-only
    when this process may not write it (a read-only mount, another user's files) and no other
    process holds it, since RocksDB leaves reading a store that another process writes
    undefined."""
    try:
        return ClaimStore(store_path)
    except StoreError as exc:
        if exc.__cause__ is None or refused_write(exc.__cause__) is None:
            raise
        held = _held_elsewhere(store_path)
        if held is None:
            raise
        if held:
            raise StoreError(f"the store at {store_path} is in use by another process") from None
        return ClaimStore(store_path, read_only=True)


def _held_elsewhere(store_path: Path) -> bool | None:
    """Whether another process holds the store's lock (RocksDB's fcntl lock on LOCK), found
    without writing anything: a shared lock is refused while another process has it; None
    when the lock file cannot be read."""
    try:
        lock = (store_path / "LOCK").open("rb")
    except FileNotFoundError:
        return False
    except OSError:
        return None
    with lock:
        try:
            fcntl.lockf(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.lockf(lock, fcntl.LOCK_UN)
    return False


def _explain_open_error(path: Path | None, exc: Exception, failed: str | None = None) -> str:
    """One line on what went wrong with the store and what to do; `failed` says what could
    not be done when that was not opening it.

    RocksDB's own text is kept only when it is not one of the usual troubles: a full disk, a
    read-only or forbidden directory, another process holding the lock.
    """
    text = str(exc)
    code = refused_write(exc)
    if code is not None and failed is None and path is not None and not path.exists():
        return explain_refused_write(code, f"cannot create a store at {path}", store=False)
    if code is not None:
        return explain_refused_write(
            code, failed or f"the store at {path} cannot be written", store=True
        )
    if failed is None and ("LOCK" in text or "lock hold" in text):
        return (
            f"the store at {path} is in use by another claimgraph process "
            "(a running `claimgraph serve`?): stop it or point --store elsewhere"
        )
    return f"{failed or f'could not open the store at {path}'}: {text}"
