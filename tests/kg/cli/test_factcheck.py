"""Importing fact-checks through the CLI: validated, deduplicated, re-runs replace."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliFn


def feed(path: Path, reviews: list[dict[str, object]]) -> Path:
    path.write_text(
        json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "DataFeed",
                "dataFeedElement": [{"@type": "DataFeedItem", "item": r} for r in reviews],
            }
        ),
        encoding="utf-8",
    )
    return path


def review(n: int, **extra: object) -> dict[str, object]:
    return {
        "@type": "ClaimReview",
        "url": f"https://checks.example/{n}",
        "claimReviewed": f"Claim number {n}.",
        **extra,
    }


def test_import_rerun_and_refusal(cli: CliFn, tmp_path: Path) -> None:
    rated = {
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 2,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "Mostly False",
        }
    }
    impossible = {"reviewRating": {"@type": "Rating", "ratingValue": 9, "bestRating": 5}}
    f = feed(
        tmp_path / "feed.json",
        [review(1, **rated), review(2), review(3, **impossible), review(1, **rated)],
    )
    r = cli("factcheck", "import", str(f))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("2 fact-checks stored (2 new, 0 replaced), 1 warnings, 1 refused")
    assert "https://checks.example/3: A rating has at most one value" in r.stderr

    verdicts = cli(
        "query",
        "SELECT ?url ?v WHERE { ?r schema:url ?url ; cg:normalizedVerdict ?v } ORDER BY ?url",
        "--format",
        "csv",
    ).stdout.splitlines()
    assert verdicts[1:] == [
        "https://checks.example/1,https://w3id.org/claimgraph/ns#VerdictFalse",
        "https://checks.example/2,https://w3id.org/claimgraph/ns#VerdictOther",
    ]
    again = cli("factcheck", "import", str(f))
    assert again.stdout.startswith("2 fact-checks stored (0 new, 2 replaced)")
    count = cli(
        "query", "SELECT (COUNT(*) AS ?n) WHERE { ?r a schema:ClaimReview }", "--format", "csv"
    )
    assert count.stdout.splitlines()[1] == "2"


def test_import_without_reviews_is_an_error(cli: CliFn, tmp_path: Path) -> None:
    f = tmp_path / "empty.json"
    f.write_text('{"@type": "WebPage"}', encoding="utf-8")
    r = cli("factcheck", "import", str(f))
    assert r.exit_code == 2 and "no ClaimReview" in r.stderr


def test_match_claims_and_rank_queries(cli: CliFn, tmp_path: Path) -> None:
    from tests.conftest import EXAMPLES

    reviews = [
        review(
            10,
            claimReviewed="Trump sent 2,000 National Guard troops to Los Angeles.",
            identifier="guard-la",
        ),
        review(11, claimReviewed="A shark was photographed swimming on a flooded highway."),
        review(12, claimReviewed="Drinking bleach cures the flu."),
    ]
    assert cli("demo", "--fact-sheets", str(EXAMPLES)).exit_code == 0
    assert cli("factcheck", "import", str(feed(tmp_path / "f.json", reviews))).exit_code == 0
    cache = tmp_path / "cache"
    r = cli("factcheck", "match", "--top", "2", "--cache", str(cache))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("72 links")  # 36 claims, two each
    best = cli(
        "query",
        "SELECT ?url WHERE { ?m cg:matchedClaim ?c ; cg:matchedReview/schema:url ?url ; "
        "cg:matchScore ?s . ?c schema:text ?t FILTER(CONTAINS(?t, 'liberate')) } "
        "ORDER BY DESC(?s) LIMIT 1",
        "--format",
        "csv",
    )
    assert best.stdout.splitlines()[1] == "https://checks.example/10"
    assert any(cache.iterdir())  # the embeddings are cached for the next run

    queries = tmp_path / "q.tsv"
    queries.write_text("q1\tsharks swimming on the highway after the hurricane\n", encoding="utf-8")
    run = cli("factcheck", "rank", str(queries), "--top", "2", "--cache", str(cache))
    lines = [line.split() for line in run.stdout.splitlines()]
    assert [(q, z, d, k) for q, z, d, k, _, _ in lines] == [
        ("q1", "Q0", "https://checks.example/11", "1"),
        ("q1", "Q0", lines[1][2], "2"),
    ]
    assert float(lines[0][4]) > float(lines[1][4])
