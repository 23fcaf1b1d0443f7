"""Entity resolution against a growing store: the query of kg/ingest/resolve.py against its former
shape (a VALUES table joined to `?e a ?cls`), the peer, in the same run on the same store.

    .venv/bin/python bench/resolve.py --articles 3000 --reports 20

The store is bench/api.py's synthetic articles, bulk-loaded; each report is resolved by
both queries, timed, and their resolutions compared (they must be equal).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

from pyoxigraph import NamedNode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.api import samples, synthetic  # noqa: E402
from kg.extract.report import Extraction  # noqa: E402
from kg.graph.mapping import article_graphs  # noqa: E402
from kg.graph.vocab import CG, SCHEMA  # noqa: E402
from kg.ingest.resolve import _CLASS, _sparql_string, known_entities  # noqa: E402
from kg.store.embedded import ClaimStore  # noqa: E402


def former(store: ClaimStore, report: Extraction) -> dict[str, NamedNode]:
    """kg/ingest/resolve.py's query until 2026-11-24: one VALUES table for every label."""
    wanted: dict[tuple[str, str, str], set[str]] = {}
    for e in report.entities:
        cls = _CLASS.get(e.type)
        if cls is None:
            continue
        wanted.setdefault((cls.value, e.name, "name"), set()).add(e.id)
        for alias in set(e.aliases) - {e.name}:
            wanted.setdefault((cls.value, alias, "alias"), set()).add(e.id)
    values = " ".join(
        f"(<{c}> {_sparql_string(label)} {_sparql_string(k)})" for c, label, k in wanted
    )
    query = (
        "SELECT DISTINCT ?cls ?label ?kind ?e WHERE { "
        f"VALUES (?cls ?label ?kind) {{ {values} }} ?e a ?cls . "
        f'{{ ?e {SCHEMA.name} ?label BIND ("name" AS ?via) }} UNION '
        f'{{ ?e {SCHEMA.alternateName} ?label BIND ("alias" AS ?via) }} '
        'FILTER (?via = "name" || ?kind = "name") '
        f"FILTER NOT EXISTS {{ ?e a {CG.Group} }} }}"
    )
    candidates: dict[str, set[str]] = {}
    for row in store.query(query):  # type: ignore[union-attr]
        key = (row["cls"].value, row["label"].value, row["kind"].value)
        for eid in wanted.get(key, ()):
            candidates.setdefault(eid, set()).add(row["e"].value)
    return {k: NamedNode(next(iter(v))) for k, v in candidates.items() if len(v) == 1}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--reports", type=int, default=20)
    args = ap.parse_args()
    sources, rng = samples(), random.Random(3)
    store = ClaimStore()
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for n in range(args.articles):
        text, report = synthetic(n, sources, rng)
        store._store.bulk_extend(article_graphs(text, report, ingested_at=at).quads)
    reports = [synthetic(n, sources, rng)[1] for n in range(10**6, 10**6 + args.reports)]
    times: dict[str, list[float]] = {"former": [], "now": []}
    for report in reports:
        for name, fn in (("former", former), ("now", known_entities)):
            started = time.perf_counter()
            result = fn(store, report)
            times[name].append(time.perf_counter() - started)
        assert result == former(store, report), "the two queries resolve differently"
    print(f"{args.articles} articles, {len(store._store):,} quads, {args.reports} reports")
    for name, ts in times.items():
        print(f"  {name:6} median {statistics.median(ts) * 1000:.1f} ms")
    ratio = statistics.median(times["former"]) / statistics.median(times["now"])
    print(f"  ratio  ×{ratio:.1f}")


if __name__ == "__main__":
    main()
