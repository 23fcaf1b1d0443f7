"""Fact-checks in the shapes fact-checkers publish them, read into one record."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.factcheck.claimreview import (
    FactCheck,
    Rating,
    Verdict,
    dedupe,
    normalise_verdict,
    read_path,
    reviews_from_html,
    reviews_from_json,
)
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "data" / "factcheck"


def review(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "@type": "ClaimReview",
        "url": "https://checks.example/1",
        "claimReviewed": "The bridge cost $2 billion.",
    }
    base.update(extra)
    return base


def test_single_object_with_https_context() -> None:
    data = {"@context": "https://schema.org", **review(datePublished="2024-02-03T10:00:00Z")}
    (r,) = reviews_from_json(data).reviews
    assert r.url == "https://checks.example/1"
    assert r.claim_reviewed == "The bridge cost $2 billion."
    assert r.date_published is not None and r.date_published.isoformat() == "2024-02-03"


def test_graph_arrays_and_prefixed_keys() -> None:
    data = {
        "@context": {"schema": "http://schema.org/"},
        "@graph": [
            {
                "@type": "schema:ClaimReview",
                "schema:url": {"@id": "https://c.example/a"},
                "schema:claimReviewed": "A.",
            },
            [
                {
                    "@type": ["http://schema.org/ClaimReview"],
                    "http://schema.org/url": "https://c.example/b",
                    "http://schema.org/claimReviewed": [{"@value": "B."}],
                }
            ],
        ],
    }
    assert [r.url for r in reviews_from_json(data).reviews] == [
        "https://c.example/a",
        "https://c.example/b",
    ]


def test_numbers_as_strings_and_rating_scale() -> None:
    data = review(
        reviewRating={"@type": "Rating", "ratingValue": "1", "bestRating": "5", "worstRating": "1"}
    )
    (r,) = reviews_from_json(data).reviews
    assert r.rating == Rating(label=None, value=1.0, best=5.0, worst=1.0)
    assert r.verdict is Verdict.FALSE


@pytest.mark.parametrize(
    "appearance",
    [
        "https://social.example/post/9",
        {"@type": "CreativeWork", "url": "https://social.example/post/9"},
        [{"url": "https://social.example/post/9"}, "https://social.example/post/10"],
    ],
)
def test_appearance_as_string_object_or_list(appearance: object) -> None:
    data = review(
        itemReviewed={
            "@type": "Claim",
            "appearance": appearance,
            "author": {"@type": "Person", "name": "Lee Park"},
        }
    )
    (r,) = reviews_from_json(data).reviews
    assert r.appearances[0] == "https://social.example/post/9"
    assert r.claimant == "Lee Park"


def test_media_review_is_passed_over() -> None:
    data = [review(), {"@type": "MediaReview", "url": "https://c.example/video"}]
    result = reviews_from_json(data)
    assert [r.url for r in result.reviews] == ["https://checks.example/1"]
    assert result.skipped == ["a MediaReview (media are not claims)"]


def test_gzipped_datafeed_of_a_pool() -> None:
    result = read_path(FIXTURES / "tideline.datafeed.jsonld.gz")
    assert len(result.reviews) == 6 and not result.skipped
    first = result.reviews[0]
    assert first.identifier == "tl-0001-bridge-cost"
    assert first.publisher == "Tideline Checks" and first.creator == "Lee Park"
    assert first.headline == "Did the harbour bridge cost $2 billion?"
    assert [r.date_published is None for r in result.reviews].count(True) == 1


def test_google_fact_check_tools_response() -> None:
    data = {
        "claims": [
            {
                "text": "Wind turbines cause cancer.",
                "claimant": "A blog",
                "claimDate": "2023-01-04T00:00:00Z",
                "claimReview": [
                    {
                        "publisher": {"name": "Check Desk", "site": "checkdesk.example"},
                        "url": "https://checkdesk.example/wind",
                        "title": "No, wind turbines do not",
                        "reviewDate": "2023-01-09T00:00:00Z",
                        "textualRating": "Pants on Fire!",
                        "languageCode": "en",
                    }
                ],
            }
        ],
        "nextPageToken": "x",
    }
    (r,) = reviews_from_json(data).reviews
    assert (r.publisher, r.publisher_url) == ("Check Desk", "https://checkdesk.example")
    assert r.verdict is Verdict.FALSE and r.rating == Rating(label="Pants on Fire!")
    assert r.claimant == "A blog" and r.language == "en"


def test_claimskg_rdf_keeps_both_ratings() -> None:
    (r,) = read_path(FIXTURES / "claimskg-sample.ttl").reviews
    assert r.rating is not None and r.rating.label == "Mixture"
    assert r.verdict is Verdict.MIXTURE
    assert r.claimant == "Noor Haddad"
    assert r.claim_reviewed.startswith("A warehouse in Portland, Oregon")


def test_the_examples_fact_checks() -> None:
    """What `make run` imports: a DataFeed and a page with ClaimReview markup."""
    found = read_path(ROOT / "examples" / "factchecks")
    assert len(found.reviews) == 11 and not found.skipped
    by_publisher = {r.publisher for r in found.reviews}
    assert by_publisher == {"Example Fact Desk", "Harbor Check"}
    (page,) = [r for r in found.reviews if r.publisher == "Harbor Check"]
    assert page.claimant == "Donald Trump" and page.verdict is Verdict.FALSE
    assert page.rating == Rating(label="False", value=1.0, best=5.0, worst=1.0)
    assert all(r.rating is not None and r.date_published for r in found.reviews)


def test_page_with_json_ld_script() -> None:
    page = (
        "<html><head><script type='application/ld+json'>"
        + json.dumps(review(reviewRating={"alternateName": "Mostly True"}))
        + "</script><script>var x = 1;</script></head><body>text</body></html>"
    )
    (r,) = reviews_from_html(page).reviews
    assert r.verdict is Verdict.TRUE


@pytest.mark.parametrize(
    ("label", "verdict"),
    [
        ("True", Verdict.TRUE),
        ("mostly-true", Verdict.TRUE),
        ("FALSE", Verdict.FALSE),
        ("Pants on Fire", Verdict.FALSE),
        ("Half True", Verdict.MIXTURE),
        ("Mixture", Verdict.MIXTURE),
        ("Unproven", Verdict.OTHER),
        ("Labeled Satire", Verdict.OTHER),
    ],
)
def test_verdict_table(label: str, verdict: Verdict) -> None:
    assert normalise_verdict(Rating(label=label)) is verdict


def test_dedupe_keeps_the_later_copy() -> None:
    a = FactCheck(url="https://c.example/1", claim_reviewed="old")
    b = FactCheck(url="https://c.example/1", claim_reviewed="new")
    assert dedupe([a, b]) == [b]


def test_malformed_json_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "feed.json"
    bad.write_text('{"@type": "ClaimReview", ', encoding="utf-8")
    with pytest.raises(InputError, match="is not JSON"):
        read_path(bad)


def test_remote_context_is_never_fetched() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    connected: list[object] = []

    def watch() -> None:
        with contextlib.suppress(OSError):
            connected.append(listener.accept())

    t = threading.Thread(target=watch)
    t.start()
    data = {"@context": f"http://127.0.0.1:{port}/context.jsonld", **review()}
    assert len(reviews_from_json(data).reviews) == 1
    t.join()
    listener.close()
    assert connected == []
