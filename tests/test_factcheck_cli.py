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
