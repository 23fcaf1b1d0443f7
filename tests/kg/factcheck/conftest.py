"""What the claim-matching tests share: a hand-made pool, a deterministic encoder and a
linear re-ranker built from named weights."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np

from kg.factcheck.matching import Review
from kg.factcheck.reranking import FEATURE_NAMES, Reranker
from kg.factcheck.text import tokenize


class HashEncoder:
    """Deterministic bag-of-words vectors; counts what it is asked to embed."""

    name = "test/hash-bow"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls = 0
        self.texts = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for tok in tokenize(t):
                h = int(hashlib.md5(tok.encode()).hexdigest(), 16)
                out[i, h % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


POOL = [
    Review(
        "vaccine-chip",
        "https://example.org/fact-check/covid-vaccine-microchip/",
        "COVID-19 vaccines contain a microchip that tracks people.",
        "Do COVID Vaccines Contain Microchips?",
        "A conspiracy theory about Bill Gates and tracking devices.",
        dt.date(2020, 5, 1),
    ),
    Review(
        "shark-highway",
        "https://example.org/fact-check/shark-highway-flood/",
        "A photograph shows a shark swimming on a flooded highway after a hurricane.",
        "Shark on a Flooded Highway",
        "The same fake image resurfaces after every hurricane.",
        dt.date(2017, 8, 28),
    ),
    Review(
        "obama-pledge",
        "https://example.org/fact-check/obama-pledge-allegiance/",
        "Barack Obama banned the Pledge of Allegiance in schools.",
        "Did Obama Ban the Pledge?",
        "No president has banned the pledge.",
        dt.date(2009, 3, 2),
    ),
    Review(
        "shark-mall",
        "https://example.org/fact-check/shark-mall/",
        "A video shows a shark in a flooded shopping mall.",
        "Shark in a Mall",
        "A clip of a shark swimming in a mall went viral.",
        dt.date(2013, 1, 10),
    ),
]


def linear_reranker(weights: dict[str, float]) -> Reranker:
    """A linear re-ranker with the named features' weights (0 for the others), unscaled."""
    n = len(FEATURE_NAMES)
    coef = [weights.get(f, 0.0) for f in FEATURE_NAMES]
    return Reranker(
        {
            "kind": "linear",
            "features": list(FEATURE_NAMES),
            "mean": [0.0] * n,
            "scale": [1.0] * n,
            "coef": coef,
            "intercept": 0.0,
        }
    )
