"""Listings: how long each REST listing takes for its first page and for a deep page.

Reproduce (from the project's root; bench/LISTINGS.md has the figures):

    .venv/bin/python bench/listings.py --articles 10000 --store /tmp/cg-listings/store \
        --out /tmp/cg-listings/after.json

The store is built once when `--store` does not exist yet: bench/api.py's synthetic articles
(bench/scale.py's bulk path: `kg.graph.mapping` + `Store.bulk_extend`, no resolution, no SHACL),
the conflicting-figures graph refreshed, and the Snopes fact-check feed of ../shared
imported so that `/factchecks` has something to list. Later runs reuse it, so a before/after
comparison reads the same store.

Each request goes through the whole app in this process (`httpx.ASGITransport`, the app's
lifespan: the engine, its checkpoint and its query workers), the way a client's request
would, minus the socket. Per listing: the first page, page `--deep` by `offset`, and page
`--deep` reached by following `next` links (timed on the last link only; on code whose
`next` is an offset, that is the offset page again). Each is sent `--runs` times after one
untimed warm-up; the figure is the median. A listing whose first page is slower than
`--follow-below` seconds is not followed page by page (it would take minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FEED = ROOT.parent / "shared" / "factcheck" / "snopes-ct2022.datafeed.jsonld.gz"


def build(articles: int, store: Path) -> dict[str, Any]:
    """A bulk-loaded store of `articles` synthetic articles, conflicts and fact-checks."""
    from bench.scale import load  # the bulk path, not a copy of it
    from kg.factcheck.claimreview import read_path
    from kg.factcheck.imports import import_factchecks
    from kg.store.embedded import ClaimStore

    store.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    figures = load(articles, store, bulk=True, batch=100, conflicts=True)
    imported = 0
    if FEED.exists():
        found = read_path(FEED)
        with ClaimStore(store) as s:
            imported = import_factchecks(s, found.reviews).new
    return {
        "articles": articles,
        "quads": figures["quads"],
        "claims": figures["claims"],
        "conflicts": figures["conflicts"],
        "factchecks": imported,
        "build_seconds": round(time.perf_counter() - started, 1),
    }


def listings(sample: dict[str, str]) -> list[tuple[str, str]]:
    """(label, path) of every listing measured; `sample` names things the store holds."""
    return [
        ("claims", "/claims?limit=20"),
        ("claims?claimant", f"/claims?claimant={sample['claimant']}&limit=20"),
        ("claims?entity", f"/claims?entity={sample['entity']}&limit=20"),
        ("claims?cue", "/claims?cue=said&limit=20"),
        ("claims?since&until", "/claims?since=2025-03-01&until=2025-06-30&limit=20"),
        ("claims?text", "/claims?text=troops&limit=20"),
        ("articles", "/articles?limit=20"),
        ("quantities", "/quantities?limit=20"),
        ("quantities?counted", "/quantities?counted=worker&limit=20"),
        ("factchecks", "/factchecks?limit=20"),
        ("entities", "/entities?limit=20"),
        ("entities?name&type", "/entities?name=union&type=organization&limit=20"),
        ("conflicts", "/conflicts?limit=20"),
    ]


async def timed(client: httpx.AsyncClient, path: str, runs: int) -> tuple[float, dict[str, Any]]:
    """Median seconds of `runs` GETs of `path` after a warm-up, and the last body."""
    body = _ok(await client.get(path), path)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        body = _ok(await client.get(path), path)
        times.append(time.perf_counter() - started)
    return statistics.median(times), body


def _ok(response: httpx.Response, path: str) -> dict[str, Any]:
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
    body: dict[str, Any] = response.json()
    return body


def deep_offset(path: str, deep: int) -> str:
    return f"{path}&offset={(deep - 1) * 20}"


async def measure(
    store: Path, runs: int, deep: int, follow_below: float, only: set[str] | None = None
) -> list[dict[str, Any]]:
    from api.app import create_app
    from kg.settings import Settings

    # A deadline far past the old figures, so that "before" is measured, not refused.
    app = create_app(Settings(store=store, query_timeout=300.0, query_workers=2))
    results = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=600
        ) as client:
            sample = await _sample(client)
            for label, path in listings(sample):
                if only and label not in only:
                    continue
                first, body = await timed(client, path, runs)
                by_offset, _ = await timed(client, deep_offset(path, deep), runs)
                row: dict[str, Any] = {
                    "listing": label,
                    "path": path,
                    "first": first,
                    "deep_offset": by_offset,
                    "items_first": len(body["items"]),
                }
                if first < follow_below:
                    link, pages = body.get("next"), 1
                    while link and pages < deep - 1:
                        link = _ok(await client.get(link), link).get("next")
                        pages += 1
                    if link:
                        row["deep_next"], _ = await timed(client, link, runs)
                        row["deep_next_link"] = link
                print(json.dumps(row), file=sys.stderr, flush=True)
                results.append(row)
    return results


async def _sample(client: httpx.AsyncClient) -> dict[str, str]:
    """A claimant and an entity with many claims, found through the API (not hard-coded)."""
    body = _ok(await client.get("/claims?limit=1"), "/claims?limit=1")
    claim = body["items"][0]
    name = claim["claimant"].get("name") or claim["claimant"]["@id"]
    entity = claim["mentions"][0]["@id"] if claim["mentions"] else claim["claimant"]["@id"]
    return {"claimant": name, "entity": entity}


def table(results: list[dict[str, Any]], deep: int) -> str:
    def ms(x: float | None) -> str:
        return "–" if x is None else f"{x * 1000:,.0f}"

    lines = [
        f"| listing | first page ms | page {deep} by offset ms | page {deep} by next links ms |",
        "|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| `{r['listing']}` | {ms(r['first'])} | {ms(r['deep_offset'])} | "
            f"{ms(r.get('deep_next'))} |"
        )
    return "\n".join(lines)


def compare(before: dict[str, Any], after: dict[str, Any]) -> str:
    """Before/after medians side by side (ms), listing by listing."""
    deep = after["deep"]
    old = {r["listing"]: r for r in before["results"]}
    lines = [
        f"| listing | first page: before → after | page {deep} by offset: before → after "
        f"| page {deep} by `next`: before → after |",
        "|---|---|---|---|",
    ]

    def ms(x: float | None) -> str:
        return "–" if x is None else f"{x * 1000:,.0f}"

    for r in after["results"]:
        b = old.get(r["listing"], {})
        lines.append(
            f"| `{r['path']}` | {ms(b.get('first'))} → {ms(r['first'])} | "
            f"{ms(b.get('deep_offset'))} → {ms(r['deep_offset'])} | "
            f"{ms(b.get('deep_next'))} → {ms(r.get('deep_next'))} |"
        )
    return "\n".join(lines)


def git_state() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "api/routes"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return head + (" + uncommitted api/routes" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--store", type=Path, default=Path("/tmp/cg-listings/store"))
    parser.add_argument("--runs", type=int, default=5, help="timed runs per page (median)")
    parser.add_argument("--deep", type=int, default=50, help="the deep page's number")
    parser.add_argument("--follow-below", type=float, default=3.0)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--only", help="comma-separated listing labels (claims?cue,…)")
    parser.add_argument(
        "--no-date-cache",
        action="store_true",
        help="keep no dates or name lookups between requests: every page as after a write",
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"), help="two --out files"
    )
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text()) for p in args.compare)
        print(compare(before, after))
        return

    built = None
    if not args.store.exists():
        built = build(args.articles, args.store)
        print(json.dumps(built), file=sys.stderr, flush=True)
        info = args.store.parent / (args.store.name + ".built.json")
        info.write_text(json.dumps(built, indent=1))
    if args.build_only:
        return
    only = set(args.only.split(",")) if args.only else None
    if args.no_date_cache:
        from api.routes import paging

        # What the routes keep per store generation: nothing, as just after a write (names
        # come from the search index's table since 9ef00b6, not from a cache).
        for cache in (paging.DATES, paging.UNDATED):
            cache.entries = 0
    results = asyncio.run(measure(args.store, args.runs, args.deep, args.follow_below, only))
    out = {
        "store": str(args.store),
        "built": built,
        "git": git_state(),
        "runs": args.runs,
        "date_cache": not args.no_date_cache,
        "deep": args.deep,
        "load_average": Path("/proc/loadavg").read_text().split()[:3],
        "results": results,
    }
    if args.out:
        args.out.write_text(json.dumps(out, indent=1))
    print(table(results, args.deep))


if __name__ == "__main__":
    main()
