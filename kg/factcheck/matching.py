"""Claim matching against a pool of published fact-checks (schema.org ClaimReview).

Pipeline: a tweet is cleaned (its "— Name (@handle) Date" trailer is removed, its date and
poster kept apart: `kg.factcheck.text`), candidates are the union of three retrievers' top hits
(BM25 on the text, BM25 on text + poster, bi-encoder cosine: `kg.factcheck.retrieval`), and a
small learned re-ranker orders them from per-field lexical, per-field semantic, date and poster
features (`kg.factcheck.reranking`). This module holds the pool's reviews and their loader, the
`Matcher` that puts the steps together, and a run's files (queries in, TREC lines out). Every
step is a plain function or a small class so it can be tested on a hand-made pool; torch and
sentence-transformers are imported only when something is actually embedded.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kg.factcheck.claimreview import FactCheck, read_path
from kg.factcheck.reranking import (
    DENSE_FIELDS,
    FEATURE_NAMES,
    FIELDS,
    CandidateSet,
    Reranker,
    capitalised_words,
    date_features,
    default_model_path,
    numbers_in,
)
from kg.factcheck.retrieval import BM25Index, CachedEncoder, Encoder, MiniLMEncoder
from kg.factcheck.text import clean_tweet, tokenize

__all__ = [
    "Matcher",
    "Review",
    "iter_trec",
    "load_datafeed",
    "load_queries",
    "review_of",
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


def _field_texts(r: Review) -> dict[str, str]:
    return {
        "claim": r.claim_reviewed,
        "name": r.name,
        "desc": r.description,
        "slug": r.slug,
        "all": " ".join(t for t in (r.claim_reviewed, r.name, r.description) if t),
    }


# --------------------------------------------------------------------------------------------
# The matcher
# --------------------------------------------------------------------------------------------


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
        for f in DENSE_FIELDS:
            m.embeddings[f] = cached.encode([t[f] for t in texts])
        m.review_days = np.array(
            [r.date_published.toordinal() if r.date_published else np.nan for r in reviews]
        )
        m.review_tokens = [set(tokenize(t["all"] + " " + t["slug"])) for t in texts]
        m.review_numbers = [numbers_in(t["all"]) for t in texts]
        m.review_caps = [capitalised_words(t["all"]) | set(t["slug"].split()) for t in texts]
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
        cos = {f: qvec @ self.embeddings[f].T for f in DENSE_FIELDS}
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
            for f in DENSE_FIELDS:
                v = cos[f][i, docs]
                col[f"cos_{f}"] = v
                col[f"cos_{f}_gap"] = v - float(v.max())
            br, dr = b_rank[docs], d_rank[docs]
            col["bm25_rank_log"] = np.log1p(br)
            col["dense_rank_log"] = np.log1p(dr)
            col["rrf"] = 1.0 / (60 + br) + 1.0 / (60 + dr)
            col.update(date_features(self.review_days, c.date, docs))
            col["author_bm25"] = by_author[i, docs]
            a_set = set(atok[i])
            col["author_overlap"] = np.array(
                [len(a_set & self.review_tokens[d]) / max(len(a_set), 1) for d in docs]
            )
            q_idf = {t: float(idf[vocab[t]]) for t in sorted(set(qtok[i])) if t in vocab}
            total = sum(q_idf.values()) or 1.0
            q_nums = numbers_in(qtext[i])
            q_caps = capitalised_words(qtext[i])
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


# --------------------------------------------------------------------------------------------
# Run output
# --------------------------------------------------------------------------------------------


def iter_trec(
    qids: Iterable[str], ranked: Iterable[list[tuple[str, float]]], tag: str
) -> Iterator[str]:
    """TREC run lines (``qid Q0 doc rank score tag``) for ranked results."""
    for qid, rows in zip(qids, ranked, strict=True):
        for r, (doc, s) in enumerate(rows, start=1):
            yield f"{qid} Q0 {doc} {r} {s:.6f} {tag}"
