"""The server's write path in one process, for memory: is its growth Python's or RocksDB's?

    .venv/bin/python bench/write_memory.py --writes 1500 --articles 1000

What `POST /articles` does on the embedded store, without HTTP or query workers: a
synthetic article through `kg.ingest.article.ingest_report` (resolution, mapping, SHACL, conflicts,
one update), then a checkpoint generation (`api.workers.Generations`, as the server makes
after every write; the previous one removed). Half the writes replace a stored article,
half add one, as bench/load.py's writer does; `--creates 0` only replaces, so the data
stays the same size. Every `--every` writes it prints the process's
RSS and, with `--trace`, the Python heap that tracemalloc sees: a heap that stays flat while
RSS grows is native memory (RocksDB's write buffers, block cache and table readers), not a
Python leak. `--no-checkpoint` leaves the flushes to RocksDB.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.workers import Generations  # noqa: E402
from bench.api import samples, synthetic  # noqa: E402
from bench.load import preload  # noqa: E402
from kg.ingest.article import ingest_report  # noqa: E402
from kg.store.embedded import ClaimStore  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--writes", type=int, default=1500)
    ap.add_argument("--articles", type=int, default=1000, help="synthetic articles preloaded")
    ap.add_argument("--every", type=int, default=50, help="writes between samples")
    ap.add_argument(
        "--creates", type=float, default=0.5, help="share of writes that add an article (0: none)"
    )
    ap.add_argument("--no-checkpoint", action="store_true", help="no generation after writes")
    ap.add_argument("--trace", action="store_true", help="also the Python heap (slower)")
    ap.add_argument("--out", type=Path, default=None, help="the samples as JSON")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cg-bench-write-memory-"))
    try:
        store_dir = work / "store"
        quads, _, _ = preload(store_dir, args.articles)
        store = ClaimStore(store_dir)
        generations = Generations(store_dir)
        generations.reset()
        sources, rng = samples(), random.Random(3)
        if args.trace:
            tracemalloc.start(1)
        print(f"{args.articles:,} articles ({quads:,} quads) preloaded", flush=True)
        rows: list[dict[str, float]] = []
        started, previous = time.perf_counter(), None
        stored, created = args.articles, 0.0
        for n in range(1, args.writes + 1):
            created += args.creates  # every 1/creates-th write adds one, evenly spread
            if created >= 1:
                created -= 1
                number, stored = stored, stored + 1
            else:
                number = rng.randrange(stored)
            text, report = synthetic(number, sources, rng)
            ingest_report(store, text, report, conflicts=True)
            if not args.no_checkpoint:
                current = generations.checkpoint(store)
                if previous is not None:
                    shutil.rmtree(previous)
                previous = current
            if n % args.every == 0 or n == args.writes:
                gc.collect()
                row = {
                    "writes": n,
                    "articles": stored,
                    "seconds": round(time.perf_counter() - started, 1),
                    "rss_mb": round(rss_mb(), 1),
                }
                if args.trace:
                    row["python_heap_mb"] = round(tracemalloc.get_traced_memory()[0] / 1e6, 1)
                rows.append(row)
                print("  ".join(f"{k} {v}" for k, v in row.items()), flush=True)
        store.close()
        if args.out is not None:
            args.out.write_text(json.dumps({"command": sys.argv, "samples": rows}, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
