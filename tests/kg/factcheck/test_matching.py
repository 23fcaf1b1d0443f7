"""Claim matching (kg.factcheck.matching): feed loading, the matcher's candidates and ranking,
and the embedding cache across builds.

Everything runs on hand-made pools with a deterministic bag-of-words encoder.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np

from kg.factcheck.matching import Matcher, Review, iter_trec, load_datafeed
from kg.factcheck.reranking import FEATURE_NAMES
from tests.kg.factcheck.conftest import POOL, HashEncoder, linear_reranker

# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------


def _item(identifier: str, claim: str, **extra: Any) -> dict[str, Any]:
    node = {
        "@type": "ClaimReview",
        "identifier": identifier,
        "url": f"https://example.org/fact-check/{identifier}/",
        "claimReviewed": claim,
    }
    node.update(extra)
    return node


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
# matcher
# ---------------------------------------------------------------------------------------------


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
    base.reranker = linear_reranker({"date_delta_years": 1.0})
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
