"""Score kg.extract on the shared evaluation articles (a stand-in until the CLI runs it).

Usage: python bench/eval_extract.py [ARTICLES_DIR] [REPORT_DIR]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg.extract import extract_many
from kg.extract.report import ArticleMeta

# Development data beside the project (../shared), which only bench/ reads; never a test.
ARTICLES = Path(__file__).resolve().parents[2] / "shared" / "eval" / "articles"


def main(argv: list[str]) -> int:
    articles = Path(argv[0]) if argv else ARTICLES
    out = Path(argv[1]) if len(argv) > 1 else Path(tempfile.mkdtemp(prefix="extract-"))
    out.mkdir(parents=True, exist_ok=True)
    paths = sorted(articles.glob("*.txt"))
    items = []
    for path in paths:
        gold = path.with_name(path.stem + ".gold.json")
        published = json.loads(gold.read_text(encoding="utf-8")).get("published")
        items.append((path.read_text(encoding="utf-8"), ArticleMeta(published=published)))
    began = time.perf_counter()
    for path, report in zip(paths, extract_many(items), strict=True):
        data = report.model_dump(mode="json", exclude_none=True)
        (out / f"{path.stem}.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    print(f"extracted {len(paths)} articles in {time.perf_counter() - began:.2f}s -> {out}")
    score = Path(articles).parent / "score.py"
    return subprocess.call([sys.executable, str(score), str(articles), str(out), "--verbose"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
