"""Text search beside the store: an SQLite FTS5 index, derived from the graph, never trusted.

Oxigraph has no text index, so a word search in SPARQL (`FILTER CONTAINS`) reads every text
(6 to 10 s at 100,000 articles, bench/SCALE.md). This index holds what people search by:
claim text, article headline and text, entity names and aliases, fact-checks'
`claimReviewed` and title, plus the few columns the listings and aggregates order or count
by (claimant, cue, day, entity kind, counted noun). SQLite FTS5 over Tantivy: it ships with
Python (no new dependency) and meets the targets (bench/SEARCH.md).

It is kept in step by the store itself (`GraphStore` writes call `apply`), so every write
path (single and bulk ingest, fact-check import, deletes, conflict refreshes) updates it in
the same step. It records the store it describes (`identity`) and a generation, bumped by
every write; before a write it marks itself `writing`, and only once the store's update and
its own changes are both done does it return to `clean`. So a process killed mid-write
leaves `writing` behind, and the next open rebuilds it: an index that is missing, of another
store, of an older layout, or not `clean` is rebuilt from the store, never trusted.

Only what a store write has accepted reaches it: a refused (SHACL) article is never written,
so none of its words are indexed.
"""

from __future__ import annotations

import contextlib
import errno
import html
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar, cast

from pyoxigraph import Literal as RdfLiteral
from pyoxigraph import NamedNode, Quad, QuerySolutions

from kg.errors import InputError, StoreError, explain_refused_write
from kg.graph.vocab import CG, NIF, PROV, RDF, SCHEMA

if TYPE_CHECKING:
    from kg.store.graphstore import GraphStore

__all__ = [
    "Hit",
    "Kind",
    "SearchError",
    "SearchQuery",
    "TextIndex",
    "documents",
    "fts_expression",
]

Kind = Literal["claim", "article", "entity", "factcheck"]
KINDS: tuple[Kind, ...] = ("claim", "article", "entity", "factcheck")
LAYOUT = 4  # bumped when the tables change: an index of another layout is rebuilt
MAX_QUERY = 1000
ENTITY_CLASSES = {
    SCHEMA.Person.value: "person",
    SCHEMA.Organization.value: "organization",
    SCHEMA.Place.value: "place",
    CG.Group.value: "group",
}
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"
T = TypeVar("T")


class SearchError(InputError):
    """A search the index cannot answer as asked: empty, too long, or not well formed."""


# -- documents, from quads (pure) ----------------------------------------------------------

# The predicates and classes `documents` reads; every other quad is passed over unread.
_READ = frozenset(
    [
        RDF.type,
        SCHEMA.text,
        SCHEMA.appearance,
        SCHEMA.datePublished,
        SCHEMA.headline,
        SCHEMA.name,
        SCHEMA.alternateName,
        SCHEMA.claimReviewed,
        SCHEMA.mentions,
        PROV.wasAttributedTo,
        CG.cue,
        CG.mentionsQuantity,
        CG.counted,
        NIF.isString,
    ]
)
_CLASSES = frozenset(
    [SCHEMA.Claim, SCHEMA.NewsArticle, SCHEMA.ClaimReview, *map(NamedNode, ENTITY_CLASSES)]
)


@dataclass
class Doc:
    """One searchable thing: its text, the graph that holds it, and what listings need."""

    iri: str
    kind: Kind
    graph: str
    title: str = ""
    body: str = ""
    claimant: str | None = None
    cue: str | None = None
    day: str | None = None
    article: str | None = None
    names: set[str] = field(default_factory=set)  # schema:name
    aliases: set[str] = field(default_factory=set)  # schema:alternateName
    classes: set[str] = field(default_factory=set)
    counted: list[str] = field(default_factory=list)
    mentions: set[str] = field(default_factory=set)  # entities a claim mentions


def documents(quads: Iterable[Quad]) -> list[Doc]:
    """The searchable things these quads state: claims, articles, entities, fact-checks.

    Pure: the write paths call it on what they have just stored, so the index holds exactly
    what the store accepted. An article's date reaches its claims when both are in `quads`
    (one article's graphs always are).
    """
    by_subject: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for q in quads:
        # Most of an article's quads are its text spans: skip them before reading anything.
        p = q.predicate
        if p not in _READ or (p == RDF.type and q.object not in _CLASSES):
            continue
        if not isinstance(q.subject, NamedNode):
            continue
        value = q.object.value if isinstance(q.object, (NamedNode, RdfLiteral)) else None
        if value is None:
            continue
        graph = q.graph_name.value if isinstance(q.graph_name, NamedNode) else ""
        props = by_subject.setdefault(q.subject.value, {})
        props.setdefault(p.value, []).append((value, graph))

    def first(s: str, p: NamedNode) -> str | None:
        values = by_subject.get(s, {}).get(p.value)
        return min(v for v, _ in values) if values else None

    def graph_of(s: str, p: NamedNode) -> str:
        values = by_subject.get(s, {}).get(p.value)
        return values[0][1] if values else ""

    out: list[Doc] = []
    for s, props in by_subject.items():
        types = {v for v, _ in props.get(RDF.type.value, [])}
        if SCHEMA.Claim.value in types and SCHEMA.text.value in props:
            article = first(s, SCHEMA.appearance)
            counted = []
            for q_iri, _ in props.get(CG.mentionsQuantity.value, []):
                noun = first(q_iri, CG.counted)
                if noun:
                    counted.append(noun)
            out.append(
                Doc(
                    s,
                    "claim",
                    graph_of(s, SCHEMA.text),
                    body=first(s, SCHEMA.text) or "",
                    claimant=first(s, PROV.wasAttributedTo),
                    cue=first(s, CG.cue),
                    day=first(article, SCHEMA.datePublished) if article else None,
                    article=article,
                    counted=sorted(counted),
                    mentions={v for v, _ in props.get(SCHEMA.mentions.value, [])},
                )
            )
        elif SCHEMA.NewsArticle.value in types and NIF.isString.value in props:
            out.append(
                Doc(
                    s,
                    "article",
                    graph_of(s, NIF.isString),
                    title=first(s, SCHEMA.headline) or "",
                    body=first(s, NIF.isString) or "",
                    day=first(s, SCHEMA.datePublished),
                )
            )
        elif SCHEMA.ClaimReview.value in types and SCHEMA.claimReviewed.value in props:
            out.append(
                Doc(
                    s,
                    "factcheck",
                    graph_of(s, SCHEMA.claimReviewed),
                    title=first(s, SCHEMA.headline) or "",
                    body=first(s, SCHEMA.claimReviewed) or "",
                    day=first(s, SCHEMA.datePublished),
                )
            )
        elif types & ENTITY_CLASSES.keys() and SCHEMA.name.value in props:
            names = {v for v, _ in props.get(SCHEMA.name.value, [])}
            out.append(
                Doc(
                    s,
                    "entity",
                    graph_of(s, SCHEMA.name),
                    title=min(names),
                    names=names,
                    aliases={v for v, _ in props.get(SCHEMA.alternateName.value, [])},
                    classes={ENTITY_CLASSES[t] for t in types if t in ENTITY_CLASSES},
                )
            )
    return out


# -- the query language --------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def fts_expression(text: str) -> str:
    """The user's query as an FTS5 expression, or SearchError saying what is wrong.

    The language: words (all must match), "a phrase", a prefix* , `-word` to exclude, `OR`
    between two terms. Punctuation inside a word splits it as the index does, so `2,000`
    and `U.S.` match as the phrases "2 000" and "u s". FTS5's own syntax is never exposed:
    every word is quoted here, so no input reaches FTS5 as an operator it did not mean.
    """
    text = text.strip()
    if not text:
        raise SearchError('the search is empty: give a word, a "phrase" or a prefix*')
    if len(text) > MAX_QUERY:
        raise SearchError(f"the search is {len(text)} characters long; at most {MAX_QUERY}")
    if text.count('"') % 2:
        raise SearchError('the search has an unmatched double quote (")')
    terms: list[tuple[str, bool]] = []  # (FTS5 term, negated)
    pending_or = False
    parts = re.findall(r'"[^"]*"|[^\s"]+', text)
    for raw in parts:
        if raw == "OR":
            if not terms or pending_or or terms[-1][1]:
                raise SearchError("OR must stand between two search terms")
            pending_or = True
            continue
        negated = raw.startswith("-") and len(raw) > 1 and not raw.startswith('"')
        if negated:
            raw = raw[1:]
        if raw.startswith('"'):
            words = _WORD.findall(raw[1:-1].lower())
            if not words:
                raise SearchError(f"the phrase {raw} holds no word to search for")
            term = _phrase(words)
        else:
            prefix = raw.endswith("*")
            words = _WORD.findall(raw.rstrip("*").lower())
            if not words:
                if prefix:
                    raise SearchError(f"`{raw}`: a prefix needs at least one letter or digit")
                continue  # punctuation alone: nothing to look for
            term = _phrase(words) + ("*" if prefix else "")
        if pending_or:
            if negated:
                raise SearchError("OR must stand between two search terms, not before -word")
            previous, _ = terms.pop()
            terms.append((f"({previous} OR {term})", False))
            pending_or = False
        else:
            terms.append((term, negated))
    if pending_or:
        raise SearchError("OR must stand between two search terms")
    wanted = [t for t, neg in terms if not neg]
    if not wanted:
        raise SearchError("the search needs at least one word to look for (not only -word)")
    expr = " AND ".join(wanted)
    for t, neg in terms:
        if neg:
            expr = f"({expr}) NOT {t}"
    return expr


def _phrase(words: Sequence[str]) -> str:
    return '"' + " ".join(words) + '"'


# -- the index -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    text: str
    kind: Kind | None = None
    claimants: tuple[str, ...] | None = None  # IRIs; None: any claimant
    since: str | None = None
    until: str | None = None
    limit: int = 20
    # (score, row) of the last hit seen; score None when the page was newest first
    after: tuple[float | None, int] | None = None


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: Kind
    score: float  # BM25 as FTS5 gives it: lower is better
    rowid: int
    title: str
    snippet: str  # HTML: escaped text, the matched words in <mark>
    claimant: str | None
    claimant_name: str | None
    day: str | None
    article: str | None
    ranked: bool = True  # by BM25; False: newest first (more than RANKED_AT_MOST matched)

    def as_json(self) -> dict[str, object]:
        return {
            "iri": self.iri,
            "type": self.kind,
            "score": round(-self.score, 4),
            "title": self.title,
            "snippet": self.snippet,
            "claimant": self.claimant,
            "claimantName": self.claimant_name,
            "date": self.day,
            "article": self.article,
        }

    def plain_snippet(self) -> str:
        """The snippet for a terminal: matched words in [brackets], on one line."""
        text = self.snippet.replace("<mark>", "[").replace("</mark>", "]")
        return " ".join(html.unescape(text).split())


# The tables, then their indexes: a rebuild fills the tables first and indexes them once,
# which sorts each index in one pass instead of growing every B-tree a row at a time.
_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, graph TEXT NOT NULL,
  claimant TEXT, cue TEXT, day TEXT, article TEXT, sort_name TEXT, classes TEXT
);
CREATE TABLE names (doc INTEGER NOT NULL, name TEXT NOT NULL, folded TEXT NOT NULL,
  alias INTEGER NOT NULL, PRIMARY KEY (doc, name, alias)) WITHOUT ROWID;
CREATE TABLE figures (doc INTEGER NOT NULL, counted TEXT NOT NULL);
CREATE TABLE mentions (doc INTEGER NOT NULL, entity TEXT NOT NULL, day TEXT, iri TEXT NOT NULL);
CREATE VIRTUAL TABLE text USING fts5 (
  title, body, kind, tokenize = 'unicode61 remove_diacritics 2', detail = 'full',
  prefix = '2 3 4'
);
"""
_INDEXES = """
CREATE INDEX docs_graph ON docs (graph);
CREATE INDEX docs_kind_day ON docs (kind, day DESC, iri);
CREATE INDEX docs_claimant ON docs (claimant, day DESC, iri) WHERE claimant IS NOT NULL;
CREATE INDEX docs_sort ON docs (kind, sort_name, iri) WHERE kind = 'entity';
CREATE INDEX names_folded ON names (folded);
CREATE INDEX figures_doc ON figures (doc);
CREATE INDEX mentions_entity ON mentions (entity, day DESC, iri);
CREATE INDEX mentions_doc ON mentions (doc);
"""
# A search that matches more documents than this is listed newest indexed first instead of
# by BM25: FTS5 computes BM25 for every match before it can order them (about 1 µs each:
# 81 ms for "the" at 10,000 articles, 108,000 documents; bench/SEARCH.md), and a word that
# common weighs almost nothing in BM25. Counting up to this many costs a few ms.
RANKED_AT_MOST = 20_000
# Title matches count three times a body match: a headline or a name says what a thing is.
# The kind column (one word: claim, article, entity, factcheck) only filters, weight 0.
_RANK = "bm25(text, 3.0, 1.0, 0.0)"


def store_identity(path: Path | None, endpoint: str | None) -> str:
    """What tells this store from any other: for a directory, RocksDB's IDENTITY (a UUID
    written when the store was created) and the directory's inode, which a restore (a
    directory renamed into place) or a copy changes; for a server, its query endpoint."""
    if endpoint is not None:
        return "sparql:" + endpoint
    if path is None:
        return "memory"
    try:
        ident = (path / "IDENTITY").read_text(encoding="utf-8").strip()
        inode = path.stat().st_ino
    except OSError:
        return f"dir:{path}:unknown"
    return f"rocksdb:{ident}:{inode}"


class TextIndex:
    """The SQLite file beside a store; `ensure` before use, `apply` after every write."""

    def __init__(self, path: Path, identity: str) -> None:
        self.path = path
        self.identity = identity
        self._conn: sqlite3.Connection | None = None
        self.trusted = False
        self._summaries: dict[tuple[str, ...], tuple[int, object]] = {}
        self._local = threading.local()
        self._epoch = 0  # bumped when the file is made anew: readers of the old one reopen
        self._readers: list[sqlite3.Connection] = []

    # -- opening, checking, rebuilding -------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode = WAL")
                # FULL: the `writing` mark is on disk before the store's write begins.
                conn.execute("PRAGMA synchronous = FULL")
            except sqlite3.Error as exc:
                raise StoreError(f"could not open the search index at {self.path}: {exc}") from exc
            self._conn = conn
        return self._conn

    def state(self) -> dict[str, str]:
        """The index's meta rows; empty when there is no index (or not a readable one)."""
        if not self.path.exists():
            return {}
        try:
            rows = self._connect().execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.Error:
            return {}
        return dict(rows)

    def why_untrusted(self) -> str | None:
        """Why the index cannot be used as it is (it will be rebuilt), or None."""
        meta = self.state()
        if not meta:
            return "there is no search index yet"
        if meta.get("layout") != str(LAYOUT):
            return "the search index has an older layout"
        if meta.get("store") != self.identity:
            return "the search index describes another store"
        if meta.get("state") != "clean":
            return "the search index was left mid-write (an interrupted process)"
        return None

    def ensure(self, store: GraphStore, progress: Callable[[int, int], None] | None = None) -> bool:
        """Make the index describe `store`: rebuilt unless it is whole, ours and current.
        Returns whether it was rebuilt."""
        if self.trusted:
            return False
        if self.why_untrusted() is None:
            self.trusted = True
            return False
        self.rebuild(store, progress)
        return True

    def rebuild(self, store: GraphStore, progress: Callable[[int, int], None] | None = None) -> int:
        """Build the index from the store anew; returns the documents indexed.

        Written under the `building` mark, so an interrupted rebuild is done again."""
        try:
            return self._rebuild(store, progress)
        except sqlite3.Error as exc:
            raise self._failed(exc)  # noqa: B904 - its cause is set there

    def _rebuild(self, store: GraphStore, progress: Callable[[int, int], None] | None) -> int:
        generation = int(self.state().get("generation", "0")) + 1
        self.close()
        self._epoch += 1
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{self.path}{suffix}").unlink()
        conn = self._connect()
        conn.executescript(_TABLES)
        # Until it is `clean` a rebuilt index is never trusted, so a crash mid-way costs a
        # rebuild, not the truth: no sync to disk per transaction until the end.
        conn.execute("PRAGMA synchronous = OFF")
        self._set(conn, layout=str(LAYOUT), store=self.identity, state="building")
        total = _count_searchable(store)
        done = 0
        conn.execute("BEGIN")
        for doc in _stored_documents(store):
            try:
                _insert_doc(conn, doc)
            except sqlite3.IntegrityError:  # a second row of a thing (data the shapes refuse)
                continue
            done += 1
            if done % 20_000 == 0:
                conn.execute("COMMIT")
                conn.execute("BEGIN")
                if progress is not None:
                    progress(done, max(total, done))
        conn.execute("COMMIT")
        # A claim's figures and the entities it mentions, each by a query of its own: in
        # the claims' query they multiplied its rows, which then had to be sorted by claim
        # to be grouped (most of a rebuild's time at 100,000 articles).
        _insert_claim_rows(
            conn,
            "INSERT INTO figures SELECT id, ? FROM docs WHERE iri = ? AND kind = 'claim'",
            _rows(
                store,
                f"""SELECT DISTINCT ?c ?q ?counted WHERE {{
  ?c a {SCHEMA.Claim} ; {CG.mentionsQuantity} ?q . ?q {CG.counted} ?counted }}""",
            ),
            "counted",
        )
        _insert_claim_rows(
            conn,
            "INSERT INTO mentions SELECT id, ?, day, iri FROM docs "
            "WHERE iri = ? AND kind = 'claim'",
            _rows(
                store,
                f"SELECT DISTINCT ?c ?m WHERE {{ ?c a {SCHEMA.Claim} ; {SCHEMA.mentions} ?m }}",
            ),
            "m",
        )
        conn.executescript(_INDEXES)
        if progress is not None:
            progress(done, max(total, done))
        conn.execute("PRAGMA synchronous = FULL")
        self._set(conn, state="clean", generation=str(generation))
        # The whole index went through the write-ahead log: fold it into the file now
        # rather than at some later write, so the disk holds it once.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.trusted = True
        return done

    # -- keeping in step -----------------------------------------------------------------

    def begin(self) -> None:
        """Mark the index `writing` (durably) before the store is written."""
        try:
            self._set(self._connect(), state="writing")
        except sqlite3.Error as exc:
            raise self._failed(exc)  # noqa: B904 - its cause is set there

    def prepare(self, dropped: Iterable[str], docs: Sequence[Doc]) -> sqlite3.Connection:
        """Before the store's write: forget what the dropped graphs held, add `docs`, and
        mark the index `clean` at the next generation, in a transaction left open for
        `commit` once the store has changed. The space the index needs is taken here, so a
        full disk stops the write before the store changes, not after."""
        conn = self._connect()
        generation = int(self.state().get("generation", "0")) + 1
        try:
            conn.execute("BEGIN IMMEDIATE")
            for graph in set(dropped):
                ids = [r[0] for r in conn.execute("SELECT id FROM docs WHERE graph = ?", (graph,))]
                _delete_ids(conn, ids)
            self._write_docs(conn, docs, transaction=False)
            conn.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [("state", "clean"), ("generation", str(generation))],
            )
        except sqlite3.Error as exc:
            self.abandon(conn)
            raise self._failed(exc)  # noqa: B904 - its cause is set there
        return conn

    def commit(self, conn: sqlite3.Connection) -> None:
        """The store has changed: the prepared changes become the index. Should even this
        fail, the store's write stands (the index is derived data) and the `writing` mark
        left on disk has the index rebuilt when next used."""
        try:
            conn.execute("COMMIT")
        except sqlite3.Error:
            self.abandon(conn)
            self.trusted = False

    @staticmethod
    def abandon(conn: sqlite3.Connection) -> None:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")

    def apply(self, dropped: Iterable[str], docs: Sequence[Doc]) -> None:
        """`prepare` and `commit` at once: for a change the store already holds."""
        self.commit(self.prepare(dropped, docs))

    def _failed(self, exc: sqlite3.Error) -> StoreError:
        """A full disk reads as the store's own does (what happened, what to do); any other
        SQLite error names the index."""
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            lead = f"could not update the search index at {self.path}"
            error = StoreError(explain_refused_write(errno.ENOSPC, lead, store=False))
            error.__cause__ = OSError(errno.ENOSPC, "No space left on device", str(self.path))
            return error
        error = StoreError(f"could not update the search index at {self.path}: {exc}")
        error.__cause__ = exc
        return error

    @property
    def generation(self) -> int:
        """Bumped by every write and rebuild: what summaries are kept under."""
        with self.reader() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def _write_docs(
        self, conn: sqlite3.Connection, docs: Sequence[Doc], *, transaction: bool = True
    ) -> None:
        if not docs:
            return
        if transaction:
            conn.execute("BEGIN IMMEDIATE")
        for doc in docs:
            row = conn.execute("SELECT id FROM docs WHERE iri = ?", (doc.iri,)).fetchone()
            if doc.kind == "entity" and row is not None:
                # An entity is named by many articles: its names and kinds only grow.
                for name, alias in conn.execute("SELECT name, alias FROM names WHERE doc = ?", row):
                    (doc.aliases if alias else doc.names).add(name)
                old = conn.execute("SELECT classes FROM docs WHERE id = ?", row).fetchone()[0]
                doc.classes |= set((old or "").split())
                doc.title = min(doc.names)
            if row is not None:
                _delete_ids(conn, [row[0]])
            _insert_doc(conn, doc)
        if transaction:
            conn.execute("COMMIT")

    @staticmethod
    def _set(conn: sqlite3.Connection, **values: str) -> None:
        conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(values.items()))

    # -- reading -------------------------------------------------------------------------

    @contextlib.contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        """This thread's read connection (the API searches from several threads; WAL lets
        them read while the writer writes). Kept open with the file memory-mapped: a fresh
        connection per search read every page anew (46 ms to count 10,000 matches, 6 ms
        warm)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "epoch", -1) != self._epoch:
            try:
                conn = sqlite3.connect(
                    f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
                )
                conn.execute(f"PRAGMA mmap_size = {8 << 30}")
                # SPARQL's LCASE is Unicode's; SQLite's lower() folds ASCII alone.
                conn.create_function(
                    "lower_u",
                    1,
                    lambda t: t.lower() if isinstance(t, str) else t,
                    deterministic=True,
                )
                conn.execute("PRAGMA cache_size = -65536")
            except sqlite3.Error as exc:
                raise StoreError(f"could not read the search index at {self.path}: {exc}") from exc
            self._local.conn = conn
            self._local.epoch = self._epoch
            self._readers.append(conn)
        yield conn

    def search(self, query: SearchQuery) -> list[Hit]:
        """Up to `query.limit` hits after `query.after`: best first by BM25 (ties by row),
        or, when more than RANKED_AT_MOST documents match, newest indexed first (see there).
        Each hit's `ranked` says which; a cursor keeps the order its first page had."""
        # The user's words look in titles and bodies only, never in the kind column.
        expr = "{title body} : (" + fts_expression(query.text) + ")"
        where = ["text MATCH ?"]
        # The kind is a column FTS5 filters on itself: as a test of each match, a word common
        # in articles and rare in claims walked every article (0.3 to 0.5 s at 100,000).
        match = f"kind : {query.kind} AND ({expr})" if query.kind is not None else expr
        args: list[object] = [match]
        if query.claimants is not None:
            where.append(f"d.claimant IN ({','.join('?' * len(query.claimants))})")
            args.extend(query.claimants)
        if query.since is not None:
            where.append("d.day >= ?")
            args.append(query.since)
        if query.until is not None:
            where.append("d.day <= ?")
            args.append(query.until)
        # CROSS JOIN fixes the order of the loops: FTS5 outside, so that a filter is a test of
        # each match (left to choose, SQLite walked every claim by an index on kinds and asked
        # FTS5 about each: 21.8 s at 100,000 articles); but the claims of given claimants
        # outside, since there are few of them.
        if query.claimants is not None:
            joined = "docs d CROSS JOIN text ON text.rowid = d.id"
        else:
            joined = "text CROSS JOIN docs d ON d.id = text.rowid"
        matches = f"FROM {joined} WHERE {' AND '.join(where)}"
        with self.reader() as conn:
            try:
                if query.after is not None:
                    ranked = query.after[0] is not None
                else:
                    # Without a filter on the documents, FTS5 counts alone (no join).
                    counted = matches if len(where) > 1 else "FROM text WHERE text MATCH ?"
                    count = f"SELECT count(*) FROM (SELECT 1 {counted} LIMIT ?)"
                    found = conn.execute(count, [*args, RANKED_AT_MOST + 1]).fetchone()[0]
                    ranked = found <= RANKED_AT_MOST
                # The page's rows first, with nothing but their order; their snippets and
                # names after, for the page alone (computing them for every match first
                # was most of a common word's time).
                if ranked:
                    outer, more = "", []
                    if query.after is not None:
                        outer = "WHERE score > ? OR (score = ? AND id > ?)"
                        more = [query.after[0], query.after[0], query.after[1]]
                    sql = f"SELECT * FROM (SELECT d.id AS id, {_RANK} AS score {matches}) "
                    sql += f"{outer} ORDER BY score, id LIMIT ?"
                else:
                    more = []
                    if query.after is not None:
                        matches += " AND text.rowid < ?"
                        more = [query.after[1]]
                    sql = f"SELECT d.id, {_RANK} {matches} ORDER BY text.rowid DESC LIMIT ?"
                page = conn.execute(sql, [*args, *more, query.limit]).fetchall()
                details = {}
                if page:
                    ids = [r[0] for r in page]
                    details = {
                        r[0]: r
                        for r in conn.execute(
                            f"""SELECT text.rowid, d.iri, d.kind, text.title,
         snippet(text, -1, '{_MARK_OPEN}', '{_MARK_CLOSE}', '…', 16),
         d.claimant, d.day, d.article,
         (SELECT n.name FROM docs e JOIN names n ON n.doc = e.id
           WHERE e.iri = d.claimant AND n.alias = 0 ORDER BY n.name LIMIT 1)
  FROM text JOIN docs d ON d.id = text.rowid
  WHERE text MATCH ? AND text.rowid IN ({",".join("?" * len(ids))})""",
                            [expr, *ids],
                        )
                    }
            except sqlite3.OperationalError as exc:
                raise SearchError(f"the search cannot be evaluated: {exc}") from exc
        hits = []
        for doc_id, score in page:
            row = details[doc_id]
            title, snip = row[3], row[4]
            if _MARK_OPEN not in snip:  # a prefix or phrase FTS5 does not mark: the title
                snip = title or snip
            hits.append(
                Hit(
                    iri=row[1],
                    kind=row[2],
                    score=score,
                    rowid=doc_id,
                    title=title,
                    snippet=_marked(snip),
                    claimant=row[5],
                    claimant_name=row[8],
                    day=row[6],
                    article=row[7],
                    ranked=ranked,
                )
            )
        return hits

    def cursor(self, hit: Hit) -> tuple[float | None, int]:
        """Where the page after `hit` starts, in the order its page had."""
        return (hit.score if hit.ranked else None, hit.rowid)

    def named(self, name: str) -> list[str]:
        """IRIs of the entities bearing `name` (any case)."""
        with self.reader() as conn:
            rows = conn.execute(
                "SELECT DISTINCT d.iri FROM names n JOIN docs d ON d.id = n.doc "
                "WHERE n.folded = ? ORDER BY d.iri",
                (name.lower(),),
            ).fetchall()
        return [r[0] for r in rows]

    def claim_keys(
        self,
        *,
        claimants: Sequence[str] | None = None,
        mentioning: Sequence[str] | None = None,
        cue: str | None = None,
        since: str | None = None,
        until: str | None = None,
        after: tuple[str | None, str] | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> list[tuple[str | None, str]]:
        """(date, IRI) of claims, newest article first, undated last, ties by IRI: the order
        `/claims` lists them in, read from indexes on (claimant or mentioned entity, date,
        IRI). SPARQL sorted every matching claim by its article's date for each page: a
        frequent claimant's or place's tens of thousands at 100,000 articles.

        `cue` any case; `since`/`until` compare dates as strings, as the SPARQL listing
        does; `after` is the last key of the page before.
        """
        where = ["d.kind = 'claim'"]
        args: list[object] = []
        source = "docs d"
        day, key = "d.day", "d.iri"
        if mentioning is not None:
            # The mentions table holds each claim's date and IRI, so its index gives the order.
            source = "mentions m JOIN docs d ON d.id = m.doc"
            day, key = "m.day", "m.iri"
            where.append(f"m.entity IN ({','.join('?' * len(mentioning))})")
            args.extend(mentioning)
        if claimants is not None:
            where.append(f"d.claimant IN ({','.join('?' * len(claimants))})")
            args.extend(claimants)
        if cue is not None:
            where.append("lower_u(d.cue) = ?")
            args.append(cue.lower())
        if since is not None:
            where.append(f"{day} >= ?")
            args.append(since)
        if until is not None:
            where.append(f"{day} <= ?")
            args.append(until)
        if after is not None:
            if after[0] is None:
                where.append(f"{day} IS NULL AND {key} > ?")
                args.append(after[1])
            else:
                where.append(f"({day} < ? OR ({day} = ? AND {key} > ?) OR {day} IS NULL)")
                args.extend([after[0], after[0], after[1]])
        distinct = "DISTINCT " if mentioning is not None and len(mentioning) > 1 else ""
        with self.reader() as conn:
            rows = conn.execute(
                f"SELECT {distinct}{day}, {key} FROM {source} WHERE {' AND '.join(where)} "
                f"ORDER BY {day} DESC, {key} LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def claims_of(self, entity: str) -> tuple[int, int]:
        """How many claims `entity` made, and how many mention it."""
        with self.reader() as conn:
            made = conn.execute(
                "SELECT count(*) FROM docs WHERE claimant = ? AND kind = 'claim'", (entity,)
            ).fetchone()[0]
            mentioned = conn.execute(
                "SELECT count(DISTINCT doc) FROM mentions WHERE entity = ?", (entity,)
            ).fetchone()[0]
        return made, mentioned

    def claim_counts(
        self, by: Literal["claimant", "cue", "day"]
    ) -> list[tuple[str, str | None, int]]:
        """(key, name, claims) per claimant, cue (lower case) or day: most first, days newest
        first. Kept per generation: counted once after each write, not per request."""
        column = {"claimant": "claimant", "cue": "lower(cue)", "day": "day"}[by]
        order = "key DESC" if by == "day" else "n DESC, key"
        name = "NULL"
        if by == "claimant":
            name = (
                "(SELECT min(n.name) FROM docs e JOIN names n ON n.doc = e.id "
                "WHERE e.iri = key AND n.alias = 0)"
            )

        def count() -> list[tuple[str, str | None, int]]:
            with self.reader() as conn:
                rows = conn.execute(
                    f"SELECT key, {name}, n FROM (SELECT {column} AS key, COUNT(*) AS n "
                    "FROM docs WHERE kind = 'claim' AND key IS NOT NULL GROUP BY key) "
                    f"ORDER BY {order}"
                ).fetchall()
            return [(r[0], r[1], r[2]) for r in rows]

        return self._kept(("claims", by), count)

    def figure_counts(self) -> list[tuple[str, int]]:
        """Figures per counted noun (lower case), most first; kept per generation."""

        def count() -> list[tuple[str, int]]:
            with self.reader() as conn:
                rows = conn.execute(
                    "SELECT lower(counted) AS key, COUNT(*) AS n FROM figures "
                    "GROUP BY key ORDER BY n DESC, key"
                ).fetchall()
            return [(r[0], r[1]) for r in rows]

        return self._kept(("figures",), count)

    def _kept(self, key: tuple[str, ...], compute: Callable[[], T]) -> T:
        generation = self.generation
        found = self._summaries.get(key)
        if found is not None and found[0] == generation:
            return cast(T, found[1])
        value = compute()
        self._summaries[key] = (generation, value)
        return value

    def entity_classes(self, iris: Sequence[str]) -> dict[str, list[str]]:
        """The kinds (person, organization, place, group) of these entities."""
        if not iris:
            return {}
        with self.reader() as conn:
            rows = conn.execute(
                f"SELECT iri, classes FROM docs WHERE iri IN ({','.join('?' * len(iris))})",
                list(iris),
            ).fetchall()
        return {r[0]: (r[1] or "").split() for r in rows}

    def entities(
        self,
        *,
        classes: Sequence[str],
        name: str | None,
        after: tuple[str, str] | None,
        offset: int,
        limit: int,
    ) -> list[tuple[str, str]]:
        """(sort name, IRI) of entities of `classes`, by their first name (lower case), then
        IRI: the order `/entities` lists them in, from an SQLite index instead of a sort of
        every entity (8.7 s a page at 100,000 articles)."""
        where = ["kind = 'entity'"]
        args: list[object] = []
        where.append("(" + " OR ".join("(' ' || classes || ' ') LIKE ?" for _ in classes) + ")")
        args.extend(f"% {c} %" for c in classes)
        if name:
            where.append(
                "EXISTS (SELECT 1 FROM names n WHERE n.doc = docs.id AND instr(n.folded, ?) > 0)"
            )
            args.append(name.lower())
        if after is not None:
            where.append("(sort_name > ? OR (sort_name = ? AND iri > ?))")
            args.extend([after[0], after[0], after[1]])
        with self.reader() as conn:
            rows = conn.execute(
                f"SELECT sort_name, iri FROM docs WHERE {' AND '.join(where)} "
                "ORDER BY sort_name, iri LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def contents(self) -> list[tuple[object, ...]]:
        """Every document as a sorted row (for comparing an index kept in step with a
        rebuilt one)."""
        with self.reader() as conn:
            rows = conn.execute(
                "SELECT d.iri, d.kind, d.graph, d.claimant, d.cue, d.day, d.article, "
                "d.sort_name, d.classes, t.title, t.body, "
                "(SELECT group_concat(name || ':' || alias, '|') FROM "
                " (SELECT name, alias FROM names WHERE doc = d.id ORDER BY name, alias)), "
                "(SELECT group_concat(counted, '|') FROM "
                " (SELECT counted FROM figures WHERE doc = d.id ORDER BY counted)), "
                "(SELECT group_concat(entity, '|') FROM "
                " (SELECT entity FROM mentions WHERE doc = d.id ORDER BY entity)) "
                "FROM docs d JOIN text t ON t.rowid = d.id ORDER BY d.iri"
            ).fetchall()
        return [tuple(r) for r in rows]

    def size(self) -> int:
        """Bytes on disk, the write-ahead log included."""
        return sum(
            Path(f"{self.path}{s}").stat().st_size
            for s in ("", "-wal")
            if Path(f"{self.path}{s}").exists()
        )

    def close(self) -> None:
        for conn in [*self._readers, *([self._conn] if self._conn else [])]:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._readers.clear()
        self._epoch += 1
        self._conn = None
        self.trusted = False


def _delete_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    for doc_id in ids:
        conn.execute("DELETE FROM text WHERE rowid = ?", (doc_id,))
        conn.execute("DELETE FROM names WHERE doc = ?", (doc_id,))
        conn.execute("DELETE FROM figures WHERE doc = ?", (doc_id,))
        conn.execute("DELETE FROM mentions WHERE doc = ?", (doc_id,))
        conn.execute("DELETE FROM docs WHERE id = ?", (doc_id,))


def _insert_doc(conn: sqlite3.Connection, doc: Doc) -> None:
    """One document's rows: the docs row, its text, names, figures and mentions."""
    cur = conn.execute(
        "INSERT INTO docs (iri, kind, graph, claimant, cue, day, article, sort_name, "
        "classes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc.iri,
            doc.kind,
            doc.graph,
            doc.claimant,
            doc.cue,
            doc.day,
            doc.article,
            doc.title.lower() if doc.kind == "entity" else None,
            " ".join(sorted(doc.classes)) or None,
        ),
    )
    doc_id = cur.lastrowid
    body = doc.body
    if doc.kind == "entity":
        body = "\n".join(sorted((doc.names | doc.aliases) - {doc.title}))
    conn.execute(
        "INSERT INTO text (rowid, title, body, kind) VALUES (?, ?, ?, ?)",
        (doc_id, doc.title, body, doc.kind),
    )
    if doc.names or doc.aliases:
        conn.executemany(
            "INSERT OR IGNORE INTO names VALUES (?, ?, ?, ?)",
            [(doc_id, n, n.lower(), 0) for n in doc.names]
            + [(doc_id, n, n.lower(), 1) for n in doc.aliases],
        )
    if doc.counted:
        conn.executemany("INSERT INTO figures VALUES (?, ?)", [(doc_id, c) for c in doc.counted])
    if doc.mentions:
        conn.executemany(
            "INSERT INTO mentions VALUES (?, ?, ?, ?)",
            [(doc_id, e, doc.day, doc.iri) for e in sorted(doc.mentions)],
        )


def _insert_claim_rows(
    conn: sqlite3.Connection, sql: str, rows: Iterator[dict[str, str]], value: str
) -> None:
    """Rows of (claim, value) into a claim's table, through `sql` (value, claim IRI), in
    transactions of 20,000."""
    conn.execute("BEGIN")
    for n, r in enumerate(rows, 1):
        conn.execute(sql, (r[value], r["c"]))
        if n % 20_000 == 0:
            conn.execute("COMMIT")
            conn.execute("BEGIN")
    conn.execute("COMMIT")


def _marked(snippet: str) -> str:
    """FTS5's snippet as HTML: the text escaped, the matched words in <mark>."""
    return (
        html.escape(snippet, quote=False)
        .replace(_MARK_OPEN, "<mark>")
        .replace(_MARK_CLOSE, "</mark>")
    )


# -- reading the store for a rebuild -------------------------------------------------------


def _rows(store: GraphStore, sparql: str) -> Iterator[dict[str, str]]:
    result = store.query(sparql)
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    for row in result:
        yield {n: row[n].value for n in names if row[n] is not None}


def _count_searchable(store: GraphStore) -> int:
    sparql = (
        "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?k { "
        f"{SCHEMA.Claim} {SCHEMA.NewsArticle} {SCHEMA.ClaimReview} {SCHEMA.Person} "
        f"{SCHEMA.Organization} {SCHEMA.Place} {CG.Group} }} ?x a ?k }}"
    )
    for row in _rows(store, sparql):
        return int(row.get("n", "0"))
    return 0


def _stored_documents(store: GraphStore) -> Iterator[Doc]:
    """Every searchable thing in the store, read with one query per kind, in the shape
    `documents` gives for a write (less a claim's figures and mentions, which `_rebuild`
    adds), so that a rebuilt index equals one kept in step."""
    # One row a claim (its text, claimant, cue, article and date are one each, by the
    # shapes; `_rebuild` keeps the first of any other), unordered: the rebuild adds
    # figures and mentions after.
    for r in _rows(
        store,
        f"""SELECT ?c ?g ?text ?who ?cue ?a ?date WHERE {{
  GRAPH ?g {{ ?c a {SCHEMA.Claim} ; {SCHEMA.text} ?text }}
  OPTIONAL {{ ?c {PROV.wasAttributedTo} ?who }} OPTIONAL {{ ?c {CG.cue} ?cue }}
  OPTIONAL {{ ?c {SCHEMA.appearance} ?a OPTIONAL {{ ?a {SCHEMA.datePublished} ?date }} }}
}}""",
    ):
        yield Doc(
            r["c"],
            "claim",
            r["g"],
            body=r["text"],
            claimant=r.get("who"),
            cue=r.get("cue"),
            day=r.get("date"),
            article=r.get("a"),
        )
    yield from _simple(store, "article", SCHEMA.NewsArticle, NIF.isString)
    yield from _simple(store, "factcheck", SCHEMA.ClaimReview, SCHEMA.claimReviewed)
    kinds = " ".join(str(NamedNode(k)) for k in ENTITY_CLASSES)
    entity: Doc | None = None
    for r in _rows(
        store,
        f"""SELECT ?e ?g ?k ?name ?alt WHERE {{
  VALUES ?k {{ {kinds} }} ?e a ?k . GRAPH ?g {{ ?e {SCHEMA.name} ?name }}
  OPTIONAL {{ ?e {SCHEMA.alternateName} ?alt }}
}} ORDER BY ?e""",
    ):
        if entity is None or entity.iri != r["e"]:
            if entity is not None:
                entity.title = min(entity.names)
                yield entity
            entity = Doc(r["e"], "entity", r["g"])
        entity.names.add(r["name"])
        entity.classes.add(ENTITY_CLASSES[r["k"]])
        if "alt" in r:
            entity.aliases.add(r["alt"])
    if entity is not None:
        entity.title = min(entity.names)
        yield entity


def _simple(store: GraphStore, kind: Kind, cls: NamedNode, text: NamedNode) -> Iterator[Doc]:
    """Articles and fact-checks: one text, a headline and a date each."""
    seen: set[str] = set()
    for r in _rows(
        store,
        f"""SELECT ?x ?g ?body ?title ?date WHERE {{
  GRAPH ?g {{ ?x a {cls} ; {text} ?body }}
  OPTIONAL {{ ?x {SCHEMA.headline} ?title }} OPTIONAL {{ ?x {SCHEMA.datePublished} ?date }}
}}""",
    ):
        if r["x"] in seen:
            continue
        seen.add(r["x"])
        yield Doc(r["x"], kind, r["g"], title=r.get("title", ""), body=r["body"], day=r.get("date"))
