"""Re-ranking candidates: the features a candidate is described by and the learned scorer.

A candidate's row holds per-field lexical (BM25) and semantic (cosine) scores, its ranks in
the retrievers, date, poster, number and name overlaps, in FEATURE_NAMES order; the shipped
re-ranker (kg/factcheck/model, trained by bench/factcheck_train.py) scores those rows. Trees
are evaluated in numpy, so serving needs no LightGBM.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "DENSE_FIELDS",
    "FEATURE_NAMES",
    "FIELDS",
    "CandidateSet",
    "Reranker",
    "capitalised_words",
    "date_features",
    "default_model_path",
    "numbers_in",
]

FIELDS: tuple[str, ...] = ("claim", "name", "desc", "slug", "all")
"""The fields of a review that are indexed for BM25 and compared one by one."""
DENSE_FIELDS: tuple[str, ...] = ("claim", "name", "desc", "all")
"""The fields that are also embedded and compared by cosine."""

# The date features, in order (`date_features` computes them).
_DATE_FEATURES: tuple[str, ...] = (
    "date_known",
    "date_after",
    "date_delta_years",
    "date_log_abs_days",
    "date_after_log_days",
    "date_before_log_days",
)


FEATURE_NAMES: tuple[str, ...] = (
    *(f"bm25_{f}" for f in FIELDS),
    *(f"bm25_{f}_rel" for f in FIELDS),
    *(f"cos_{f}" for f in DENSE_FIELDS),
    *(f"cos_{f}_gap" for f in DENSE_FIELDS),
    "bm25_rank_log",
    "dense_rank_log",
    "rrf",
    *_DATE_FEATURES,
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


def numbers_in(text: str) -> set[str]:
    """The numbers a text writes, commas dropped ("1,000" and "1000" are one number)."""
    return {n.replace(",", "") for n in _NUM.findall(text)}


def capitalised_words(text: str) -> set[str]:
    """Capitalised words not at a sentence start: a cheap proxy for names."""
    out: set[str] = set()
    for m in _CAP.finditer(text):
        before = text[: m.start()].rstrip()
        if before and before[-1] not in '.!?:"“':
            out.add(m.group(0).lower())
    return out


def date_features(
    review_days: np.ndarray, date: dt.date | None, docs: np.ndarray
) -> dict[str, np.ndarray]:
    """The date features of the candidates `docs` for a query posted on `date`.

    `review_days` holds each pool review's publication day as an ordinal (NaN if unknown).
    Fact-checks follow the claim within days; a check older than the tweet can match too (a
    recycled rumour) but is weaker evidence, so both directions get their own log.
    """
    n = len(docs)
    if date is None:
        return {name: np.zeros(n) for name in _DATE_FEATURES}
    delta = review_days[docs] - date.toordinal()  # > 0: checked after the tweet
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
    return dict(zip(_DATE_FEATURES, values, strict=True))


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
