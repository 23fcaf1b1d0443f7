"""The store: an embedded Oxigraph database on disk, behind one small interface.

Atomicity rests on a measured fact of pyoxigraph (DESIGN.md): each `update()` call is
applied whole or not at all. An article's replace is therefore ONE update request that
drops all of its graphs and inserts the new ones; a crash or an error leaves the old
version, never half of each.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import IO

from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
)

from kg.errors import QueryError, StoreError, explain_refused_write, refused_write
from kg.mapping import ArticleGraphs
from kg.vocab import PROV, RDF, SCHEMA

QueryResult = QuerySolutions | QueryBoolean | QueryTriples

DEFAULT_STORE = Path(".claimgraph") / "store"
STORE_ENV = "CLAIMGRAPH_STORE"


def default_store_path() -> Path:
    """`$CLAIMGRAPH_STORE`, else `.claimgraph/store` under the working directory."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


class Change(Enum):
    CREATED = "created"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class StoreStats:
    quads: int
    graphs: int
    articles: int
    claims: int
    entities: int


class ClaimStore:
    """The project's graph store: open one per process and close it when done."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
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

    def article_graph_names(self, graphs: ArticleGraphs) -> list[NamedNode]:
        """The graphs the store holds for this article now: its graph and its claims'."""
        g = graphs.iris.graph
        names = [g]
        for quad in self._store.quads_for_pattern(None, RDF.type, SCHEMA.Claim, g):
            if isinstance(quad.subject, NamedNode):
                names.append(quad.subject)
        return names

    def stored_quads(self, names: Iterable[NamedNode]) -> set[Quad]:
        out: set[Quad] = set()
        for name in names:
            out.update(self._store.quads_for_pattern(None, None, None, name))
        return out

    def replace_article(self, graphs: ArticleGraphs) -> Change:
        """Put an article's graphs in place of its old ones, all at once.

        Identical content (ignoring when it was ingested) changes nothing, so a re-run
        of the same ingest leaves the store byte-for-byte as it was.
        """
        old_names = self.article_graph_names(graphs)
        old = self.stored_quads(old_names)
        if not old:
            change = Change.CREATED
        elif _comparable(old) == _comparable(graphs.owned):
            return Change.UNCHANGED
        else:
            change = Change.REPLACED
        # The shared graph is only added to: other articles assert the same statements.
        self.update(_replace_request(old_names if old else [], graphs.quads))
        return change

    def replace_graphs(
        self, quads: list[Quad], *, shared: NamedNode | None = None
    ) -> tuple[int, int]:
        """Make every graph the quads name hold exactly those quads, in one update.

        Quads in the `shared` graph are added to it, never replacing it. Returns how many of
        the replaced graphs are new and how many existed.
        """
        names: dict[str, NamedNode] = {}
        for q in quads:
            if isinstance(q.graph_name, NamedNode) and q.graph_name != shared:
                names.setdefault(q.graph_name.value, q.graph_name)
        existing = [n for n in names.values() if self._store.contains_named_graph(n)]
        self.update(_replace_request(existing, quads))
        return len(names) - len(existing), len(existing)

    def update(self, request: str) -> None:
        try:
            self._store.update(request)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update does not parse: {exc}") from exc
        except OSError as exc:
            failed = f"the store at {self.path} refused a write"
            raise StoreError(_explain_open_error(self.path, exc, failed)) from exc

    def remove_article(self, graphs: ArticleGraphs) -> bool:
        names = self.article_graph_names(graphs)
        if not self.stored_quads(names):
            return False
        self.update(";\n".join(f"DROP SILENT GRAPH {n}" for n in names))
        return True

    # -- reading ---------------------------------------------------------------------

    def query(self, sparql: str, *, union: bool = True) -> QueryResult:
        """Evaluate a query over the union of all graphs (the default) or the default graph.

        pyoxigraph's union flag overrides a query's own FROM / FROM NAMED, so callers pass
        `union=False` for a query that names its dataset (`kg.query.run_query` does).
        Outbound requests are the caller's to forbid: `kg.query.check_query` refuses
        SERVICE and LOAD before anything reaches this method.
        """
        try:
            return self._store.query(sparql, use_default_graph_as_union=union)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL query does not parse: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"the store could not be read: {exc}") from exc

    def quads(self, graph: NamedNode | None = None) -> Iterator[Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, graph))

    def quads_about(self, subject: NamedNode, graph: NamedNode | None = None) -> list[Quad]:
        return list(self._store.quads_for_pattern(subject, None, None, graph))

    def named_graphs(self) -> list[NamedNode]:
        return [g for g in self._store.named_graphs() if isinstance(g, NamedNode)]

    def dump(
        self,
        output: IO[bytes],
        fmt: RdfFormat,
        *,
        graph: NamedNode | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> None:
        """Serialise the store, or one graph, to `output`.

        A triple format without a chosen graph gets the union of all graphs (what a user
        asking for "everything as Turtle" means); quad formats keep the graph names.
        """
        if graph is not None or fmt.supports_datasets:
            try:
                self._store.dump(output, fmt, from_graph=graph, prefixes=prefixes)
            except OSError as exc:
                raise StoreError(f"could not write the export: {exc}") from exc
        else:
            write_quads(self.quads(), output, fmt, prefixes=prefixes)

    def stats(self) -> StoreStats:
        def count(q: str) -> int:
            result = self.query(q)
            assert isinstance(result, QuerySolutions)
            for row in result:
                value = row[0]
                return int(value.value) if value is not None else 0
            return 0

        return StoreStats(
            quads=len(self._store),
            graphs=sum(1 for _ in self._store.named_graphs()),
            articles=count(
                f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a {SCHEMA.NewsArticle} }}"
            ),
            claims=count(f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a {SCHEMA.Claim} }}"),
            entities=count(
                "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { "
                f"{{ ?e a {SCHEMA.Person} }} UNION {{ ?e a {SCHEMA.Organization} }} "
                f"UNION {{ ?e a {SCHEMA.Place} }} }}"
            ),
        )

    def backup(self, target: Path) -> None:
        """A consistent checkpoint of the store in `target`, a directory that must not exist.

        RocksDB checkpoints hard-link the immutable files, so this is cheap, and the copy
        can be opened by another process while this one keeps writing (the API serves
        queries from such checkpoints).
        """
        try:
            if not self.read_only:
                self._store.flush()
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
        except OSError as exc:
            failed = f"could not flush the store at {self.path} to disk"
            raise StoreError(_explain_open_error(self.path, exc, failed)) from exc

    def close(self) -> None:
        """Flush and release the store, so that another process may open it at once.

        pyoxigraph releases the database lock only when the last Python object that holds
        the store is gone, query-result iterators included; those can sit in reference
        cycles until the next collection, so one runs here.
        """
        if hasattr(self, "_store"):
            if not self.read_only:
                with contextlib.suppress(OSError):
                    self._store.flush()
            del self._store
            gc.collect()

    def __enter__(self) -> ClaimStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_quads(
    quads: Iterable[Quad], output: IO[bytes], fmt: RdfFormat, *, prefixes: dict[str, str] | None
) -> None:
    """Serialise quads; a triple format gets their union, without graph names."""
    buffer = Store()
    try:
        if fmt.supports_datasets:
            buffer.extend(quads)
            buffer.dump(output, fmt, prefixes=prefixes)
        else:
            buffer.extend(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
            buffer.dump(output, fmt, from_graph=DefaultGraph(), prefixes=prefixes)
    except OSError as exc:
        raise StoreError(f"could not write the export: {exc}") from exc


def _comparable(quads: Iterable[Quad]) -> set[Quad]:
    """Quads as the store would hold them, less the ingest time.

    Oxigraph canonicalises typed literals on write ("12.0"^^xsd:decimal reads back as
    "12"), so new quads pass through an in-memory store before they are compared; and
    when an ingest ran is not content: a re-run of identical input must change nothing.
    """
    canon = Store()
    canon.extend(q for q in quads if q.predicate != PROV.startedAtTime)
    return set(canon)


def _replace_request(old_graphs: list[NamedNode], quads: list[Quad]) -> str:
    """One SPARQL update: drop the old graphs, insert the new quads, as a single request."""
    parts = [f"DROP SILENT GRAPH {g}" for g in old_graphs]
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
    body = "\n".join(
        "GRAPH " + g + " {\n" + "\n".join(lines) + "\n}" for g, lines in by_graph.items()
    )
    parts.append("INSERT DATA {\n" + body + "\n}")
    return " ;\n".join(parts)


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
