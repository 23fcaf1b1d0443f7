"""Rank a queries TSV against the Snopes pool, write a TREC run and score it with MAP@5.

    python bench/factcheck_eval.py --cache /tmp/fc-cache                   # dev, shipped model
    python bench/factcheck_eval.py --cache /tmp/fc-cache --model ""        # no re-ranker (RRF)
    python bench/factcheck_eval.py --queries Q.tsv --qrels Q.qrels --run out.run

Prints the time to load the feed, to import the embedding stack, to embed (or read from the
cache) the pool, to rank the queries, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.factcheck.matching import (  # noqa: E402
    Matcher,
    iter_trec,
    load_datafeed,
    load_queries,
)
from kg.factcheck.retrieval import MiniLMEncoder  # noqa: E402

# The CheckThat! 2022 data and its scorer beside the project (../shared), which only bench/ reads.
SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = SHARED / "factcheck"
SCORER = SHARED / "eval" / "map_at_k.py"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pool", type=Path, default=DATA / "snopes-ct2022.datafeed.jsonld.gz")
    ap.add_argument("--queries", type=Path, default=DATA / "dev.queries.tsv")
    ap.add_argument("--qrels", default=str(DATA / "dev.qrels"), help="'' to skip scoring")
    ap.add_argument("--cache", type=Path, default=None, help="embedding cache directory")
    ap.add_argument("--model", default=None, help="re-ranker JSON; default shipped; '' for RRF")
    ap.add_argument("--run", type=Path, default=Path("/tmp/factcheck-dev.run"))
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--tag", default="claimgraph")
    args = ap.parse_args()

    t0 = time.perf_counter()
    reviews = load_datafeed(args.pool)
    t_load = time.perf_counter() - t0

    encoder = MiniLMEncoder()
    t0 = time.perf_counter()
    encoder._load()  # timed on its own: importing torch + sentence-transformers dominates
    t_import = time.perf_counter() - t0

    t0 = time.perf_counter()
    matcher = Matcher.build(reviews, cache_dir=args.cache, model_path=args.model, encoder=encoder)
    t_build = time.perf_counter() - t0
    embedded = matcher.encoder.computed

    queries = load_queries(args.queries)
    t0 = time.perf_counter()
    ranked = matcher.rank([t for _, t in queries], top=args.top)
    t_rank = time.perf_counter() - t0
    args.run.write_text(
        "".join(line + "\n" for line in iter_trec([q for q, _ in queries], ranked, args.tag)),
        encoding="utf-8",
    )
    model = "RRF (no re-ranker)" if matcher.reranker is None else matcher.reranker.kind
    print(f"pool: {len(reviews)} reviews, feed loaded in {t_load:.1f}s")
    print(f"import of torch + sentence-transformers + model load: {t_import:.1f}s")
    print(
        f"pool index build (BM25 x5 fields + embeddings x4 fields): {t_build:.1f}s, "
        f"{embedded} texts embedded now (the rest from cache {args.cache})"
    )
    print(f"ranked {len(queries)} queries in {t_rank:.1f}s with {model}; run: {args.run}")
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")
    if args.qrels:
        out = subprocess.run(
            [sys.executable, str(SCORER), args.qrels, str(args.run)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        print(out.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
