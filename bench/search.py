"""The text index alone: how fast it is built and how fast it answers, at scale.

The same synthetic articles as bench/scale.py (bench/api.py's: the example fact sheets
replayed under new URLs, dates and names), mapped to quads (`kg.graph.mapping.article_graphs`)
and given to the index exactly as a store write gives them (`kg.search.documents`, then
`TextIndex.apply`, one call per batch of 100 articles), without the store itself: so the
figures are the index's own, and 100,000 articles take minutes, not the ingest's hour.
Then searches of each kind, one after another, from one client, through `TextIndex.search`
(what `GET /search` calls in a thread).

    .venv/bin/python bench/search.py --articles 100000 --out /tmp/search-100k.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api import pct, samples, synthetic  # noqa: E402
from bench.scale import ABSENT_WORD, search_words  # noqa: E402
from kg.graph.mapping import article_graphs  # noqa: E402
from kg.search import SearchQuery, TextIndex, documents  # noqa: E402
from kg.store.embedded import ClaimStore  # noqa: E402


def build(index: TextIndex, articles: int, batch: int) -> dict[str, float]:
    """Index `articles` synthetic articles; seconds spent mapping and indexing."""
    sources = samples()
    rng = random.Random(7)
    with ClaimStore() as empty:  # creates the tables, marked clean
        index.rebuild(empty)
    mapped = indexed = 0.0
    pending: list[Any] = []
    docs = 0
    for n in range(articles):
        started = time.perf_counter()
        text, report = synthetic(n, sources, rng)
        graphs = article_graphs(text, report, ingested_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        mapped += time.perf_counter() - started
        pending.extend(graphs.quads)
        if (n + 1) % batch == 0 or n + 1 == articles:
            started = time.perf_counter()
            found = documents(pending)
            index.begin()
            index.apply([], found)
            indexed += time.perf_counter() - started
            docs += len(found)
            pending = []
        if (n + 1) % 10_000 == 0:
            print(f"  {n + 1:>7} articles, index {indexed:.0f} s", file=sys.stderr, flush=True)
    return {"map_seconds": mapped, "index_seconds": indexed, "documents": docs}


def queries(index: TextIndex, seconds: float) -> dict[str, Any]:
    words = search_words()
    rng = random.Random(11)
    kinds: dict[str, Any] = {
        "common word (the)": lambda: SearchQuery("the"),
        "claim word": lambda: SearchQuery(rng.choice(words)),
        "absent word": lambda: SearchQuery(ABSENT_WORD),
        "phrase": lambda: SearchQuery('"national guard"'),
        "prefix": lambda: SearchQuery(rng.choice(words)[:4] + "*"),
        "claims of a type, a word": lambda: SearchQuery(rng.choice(words), kind="claim"),
        "common word, page 50": None,
    }
    out: dict[str, Any] = {}
    for name, make in kinds.items():
        latencies: list[float] = []
        started = time.perf_counter()
        while time.perf_counter() - started < seconds or not latencies:
            t = time.perf_counter()
            if make is None:
                after = None
                for _ in range(50):  # what a client walking `next` links costs per page
                    hits = index.search(SearchQuery("the", after=after))
                    after = index.cursor(hits[-1])
                latencies.append((time.perf_counter() - t) / 50)
                continue
            index.search(make())
            latencies.append(time.perf_counter() - t)
        out[name] = {
            "n": len(latencies),
            "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": pct(latencies, 0.95) * 1000,
        }
        print(f"  {name}: {out[name]}", file=sys.stderr, flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=5, help="per kind of search")
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=Path("search-results.json"))
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="cg-bench-search-"))
    work.mkdir(parents=True, exist_ok=True)
    index = TextIndex(work / "index.sqlite", "bench")
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    figures = build(index, args.articles, args.batch)
    result = {
        "command": " ".join(["python", *sys.argv]),
        "started": started,
        "articles": args.articles,
        **figures,
        "documents_per_second": figures["documents"] / figures["index_seconds"],
        "index_bytes": index.size(),
        "searches": queries(index, args.seconds),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    index.close()
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "searches"}, indent=1))


if __name__ == "__main__":
    main()
