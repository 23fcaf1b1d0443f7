"""What claimgraph needs of a quad store, and what every backend does the same way.

Two backends implement `GraphStore`: the embedded Oxigraph database (`kg.store.embedded.ClaimStore`,
the default) and any SPARQL 1.1 server reached over the SPARQL Protocol and the Graph Store
Protocol (`kg.store.remote.RemoteStore`). A backend supplies reads and one primitive write, an
update request applied whole or not at all; replacing articles, stats and exports are written
once, here, on top of those.

Atomicity: an article's replace (or a batch of articles') is ONE update request that drops
the article's old graphs and inserts the new ones. Each backend states what that request
guarantees (README, "How atomic is a write").
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import IO, TYPE_CHECKING, Self

from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    serialize,
)

from kg.errors import StoreError
from kg.graph.mapping import ArticleGraphs
from kg.graph.vocab import PROV, SCHEMA

if TYPE_CHECKING:
    from kg.search import TextIndex


class Triples(list[Triple]):
    """A CONSTRUCT or DESCRIBE answer read from a server (pyoxigraph cannot build QueryTriples)."""

    def serialize(
        self, output: IO[bytes], format: RdfFormat, *, prefixes: dict[str, str] | None = None
    ) -> None:
        serialize(self, output, format, prefixes=prefixes)


QueryResult = QuerySolutions | QueryBoolean | QueryTriples | Triples

# Triples per INSERT DATA operation: Virtuoso's SPARQL parser runs out of stack near 5,000
# triples in one block ("SP030: memory exhausted"); several blocks in one request are fine.
INSERT_BLOCK = 1000


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


class GraphStore(ABC):
    """A quad store holding claimgraph's graphs: open one per process and close it when done."""

    read_only: bool = False
    # The text index beside the store, kept in step by every write below (kg.search).
    index: TextIndex | None = None
    # Whether an update that raised applied nothing (the embedded store: RocksDB applies a
    # write whole or not at all); a server's failure (a timeout) may hide a write.
    failed_update_applies_nothing: bool = False

    # -- what a backend provides -------------------------------------------------------

    @abstractmethod
    def query(self, sparql: str, *, union: bool = True) -> QueryResult:
        """Evaluate a query over the union of all graphs (the default) or its own dataset.

        Callers pass `union=False` for a query that names its dataset (FROM / FROM NAMED).
        Outbound requests are the caller's to forbid: `kg.store.query.check_query` refuses
        SERVICE and LOAD before anything reaches this method.
        """

    @abstractmethod
    def update(self, request: str) -> None:
        """Apply a SPARQL update request, all of it or none of it."""

    @abstractmethod
    def quads(self, graph: NamedNode | None = None) -> Iterator[Quad]:
        """Every quad of claimgraph's graphs, or of one graph."""

    @abstractmethod
    def quads_about(self, subject: NamedNode, graph: NamedNode | None = None) -> list[Quad]: ...

    @abstractmethod
    def named_graphs(self) -> list[NamedNode]: ...

    @abstractmethod
    def existing_graphs(self, names: Sequence[NamedNode]) -> list[NamedNode]:
        """Those of `names` that hold at least one quad."""

    @abstractmethod
    def stored_quads(self, names: Iterable[NamedNode]) -> set[Quad]: ...

    @abstractmethod
    def claims_in(self, graph: NamedNode) -> list[NamedNode]:
        """The claims an article graph types as schema:Claim (each has its own graph)."""

    @abstractmethod
    def count_quads(self) -> int: ...

    @abstractmethod
    def flush(self) -> None:
        """Make what was written durable."""

    @abstractmethod
    def close(self) -> None:
        """Release the store (its lock, its connections)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the one write path that keeps the text index in step --------------------------

    def write(self, request: str, *, dropped: Sequence[NamedNode], added: Sequence[Quad]) -> None:
        """Apply `request`, which drops the graphs `dropped` and adds the quads `added`, and
        bring the text index along: marked `writing` before the store changes, `clean` only
        once both have, so an interruption anywhere leaves a mark that forces a rebuild."""
        index = self.index
        if index is None:
            self.update(request)
            return
        from kg.search import documents

        index.ensure(self)
        index.begin()
        try:
            prepared = index.prepare([g.value for g in dropped], documents(added))
        except Exception:
            with contextlib.suppress(Exception):
                index.apply([], [])  # the store is untouched: the index is as true as before
            raise
        try:
            self.update(request)
        except Exception:
            index.abandon(prepared)
            if self.failed_update_applies_nothing:
                index.apply([], [])  # nothing changed: the index is as true as before
            else:
                index.trusted = False  # rebuilt when next used
            raise
        index.commit(prepared)

    # -- writing, the same on every backend ----------------------------------------------

    def article_graph_names(self, graphs: ArticleGraphs) -> list[NamedNode]:
        """The graphs the store holds for this article now: its graph and its claims'."""
        return [graphs.iris.graph, *self.claims_in(graphs.iris.graph)]

    def replace_article(self, graphs: ArticleGraphs) -> Change:
        """Put an article's graphs in place of its old ones, all at once.

        Identical content (ignoring when it was ingested) changes nothing, so a re-run
        of the same ingest leaves the store byte-for-byte as it was.
        """
        return self.replace_articles([graphs])[0]

    def replace_articles(
        self,
        batch: Sequence[ArticleGraphs],
        *,
        also: str = "",
    ) -> list[Change]:
        """Replace several articles in ONE update request: all of the batch, or none of it.

        A batch saves a round trip per article on a server and a commit per article on
        disk; an article given twice keeps its last version. `also` are further update
        operations for the same request (the conflict links of the new version), so derived
        data never describes a store that does not exist.
        """
        last = {graphs.iris.graph.value: graphs for graphs in batch}
        drops: list[NamedNode] = []
        inserts: list[Quad] = []
        decided: dict[str, Change] = {}
        for key, graphs in last.items():
            old_names = self.article_graph_names(graphs)
            old = self.stored_quads(old_names)
            if not old:
                decided[key] = Change.CREATED
            elif comparable_quads(old) == comparable_quads(graphs.owned):
                decided[key] = Change.UNCHANGED
                continue
            else:
                decided[key] = Change.REPLACED
                drops.extend(old_names)
            # The shared graph is only added to: other articles assert the same statements.
            inserts.extend(graphs.quads)
        if inserts or also:
            parts = [replace_request(drops, inserts)] if inserts else []
            self.write(
                " ;\n".join([*parts, *([also] if also else [])]), dropped=drops, added=inserts
            )
        return [decided[graphs.iris.graph.value] for graphs in batch]

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
        existing = self.existing_graphs(list(names.values()))
        self.write(replace_request(existing, quads), dropped=existing, added=quads)
        return len(names) - len(existing), len(existing)

    def remove_article(self, graphs: ArticleGraphs) -> bool:
        names = self.article_graph_names(graphs)
        if not self.stored_quads(names):
            return False
        self.write(";\n".join(f"DROP SILENT GRAPH {n}" for n in names), dropped=names, added=[])
        return True

    # -- reading, the same on every backend ----------------------------------------------

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
        write_quads(self.quads(graph), output, fmt, prefixes=prefixes)

    def stats(self) -> StoreStats:
        def count(q: str) -> int:
            result = self.query(q)
            assert isinstance(result, QuerySolutions)
            for row in result:
                value = row[0]
                return int(value.value) if value is not None else 0
            return 0

        return StoreStats(
            quads=self.count_quads(),
            graphs=len(self.named_graphs()),
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


def comparable_quads(quads: Iterable[Quad]) -> set[Quad]:
    """Quads as the store would hold them, less the ingest time.

    Oxigraph canonicalises typed literals on write ("12.0"^^xsd:decimal reads back as
    "12"), so new quads pass through an in-memory store before they are compared; and
    when an ingest ran is not content: a re-run of identical input must change nothing.
    """
    canon = Store()
    canon.extend(q for q in quads if q.predicate != PROV.startedAtTime)
    return set(canon)


def replace_request(old_graphs: Sequence[NamedNode], quads: Sequence[Quad]) -> str:
    """One SPARQL update: drop the old graphs, insert the new quads, as a single request."""
    parts = [f"DROP SILENT GRAPH {g}" for g in old_graphs]
    for start in range(0, len(quads), INSERT_BLOCK):
        by_graph: dict[str, list[str]] = {}
        for q in quads[start : start + INSERT_BLOCK]:
            line = f"{q.subject} {q.predicate} {q.object} ."
            by_graph.setdefault(str(q.graph_name), []).append(line)
        body = "\n".join(
            "GRAPH " + g + " {\n" + "\n".join(lines) + "\n}" for g, lines in by_graph.items()
        )
        parts.append("INSERT DATA {\n" + body + "\n}")
    return " ;\n".join(parts)
