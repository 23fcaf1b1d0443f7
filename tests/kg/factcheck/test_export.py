"""Exports for fact-checkers and ClaimsKG, and their round trips."""

from __future__ import annotations

import json
from pathlib import Path

import rdflib

from kg.factcheck.claimreview import read_path, reviews_from_json
from tests.conftest import EXAMPLES, ROOT, CliFn

SAMPLE = ROOT / "tests" / "data" / "factcheck" / "claimskg-sample.ttl"


def build(cli: CliFn) -> None:
    assert cli("demo", "--fact-sheets", str(EXAMPLES)).exit_code == 0
    assert cli("factcheck", "import", str(SAMPLE)).exit_code == 0


def test_claimskg_round_trip(cli: CliFn, tmp_path: Path) -> None:
    build(cli)
    out = tmp_path / "claimskg.ttl"
    r = cli("factcheck", "export", "--format", "claimskg", "--output", str(out))
    assert r.exit_code == 0, r.stderr
    (original,) = read_path(SAMPLE).reviews
    (back,) = read_path(out).reviews
    for key in ("url", "claim_reviewed", "verdict", "claimant", "date_published", "headline"):
        assert getattr(back, key) == getattr(original, key), key
    assert back.rating is not None and original.rating is not None
    assert back.rating.label == original.rating.label

    g = rdflib.Graph().parse(out, format="turtle")
    s = rdflib.Namespace("http://schema.org/")
    normalised = rdflib.URIRef("http://data.gesis.org/claimskg/rating/normalized/claimskg_MIXTURE")
    assert g.value(normalised, s.ratingValue).toPython() == 2
    # Our claims merge as ClaimsKG creative works, their entities as ITS mentions (https).
    works = set(g.subjects(rdflib.RDF.type, s.CreativeWork))
    assert len(works) == 37
    its = rdflib.URIRef("https://www.w3.org/2005/11/its/rdf#taIdentRef")
    assert any(True for _ in g.objects(None, its))


def test_claims_datafeed_is_claimreview_ready(cli: CliFn, tmp_path: Path) -> None:
    build(cli)
    r = cli("factcheck", "export", "--format", "datafeed")
    feed = json.loads(r.stdout)
    assert feed["@context"] == "https://schema.org" and feed["@type"] == "DataFeed"
    items = [e["item"] for e in feed["dataFeedElement"]]
    assert len(items) == 36
    newsom = next(i for i in items if i["author"]["name"] == "Gavin Newsom")
    assert newsom["@type"] == "Claim" and newsom["author"]["@type"] == "Person"
    assert newsom["text"] == "the president\u2019s move \u201cdeliberate incitement.\u201d"
    assert newsom["appearance"]["url"] == "https://example.org/news/la-national-guard"
    assert newsom["datePublished"] == "2025-06-09"

    # Round trip: a fact-checker wraps a claim in a ClaimReview; claimgraph reads it back.
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://checks.example/newsom",
        "claimReviewed": newsom["text"],
        "itemReviewed": newsom,
        "reviewRating": {"@type": "Rating", "alternateName": "Mostly True"},
    }
    (fc,) = reviews_from_json(review).reviews
    assert fc.claimant == "Gavin Newsom"
    assert fc.appearances == ("https://example.org/news/la-national-guard",)
    assert fc.claim_date is not None and fc.claim_date.isoformat() == "2025-06-09"


def test_claims_as_single_objects(cli: CliFn) -> None:
    build(cli)
    claims = json.loads(cli("factcheck", "export", "--format", "claims").stdout)
    assert len(claims) == 36 and all(c["@context"] == "https://schema.org" for c in claims)
