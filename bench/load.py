"""The API under load: concurrent readers and one writer for ten minutes, memory watched.

Reproduce (from the project's root):

    .venv/bin/python bench/load.py --out load.json    # 1,200 s to settle, 600 s measured
    .venv/bin/python bench/load.py --seconds 30 --settle-seconds 0 --out /tmp/load.json  # quick

A store is generated with `bench/api.py`'s generator (the example fact sheets replayed as
`--articles` synthetic articles, bulk-loaded), then a real server (`claimgraph serve`, its default
settings, a write token) runs on a free loopback port as its own process. N reader clients
send a mix of SPARQL queries, REST lookups, linked-data pages and paginated listings, first
alone for `--baseline-seconds`, then while one writer keeps creating and replacing articles
through `POST /articles` (fact sheets: no extraction): for `--settle-seconds`, while
RocksDB's caches fill, and then for the measured `--seconds`. Meanwhile the RSS of the
server process and of its descendants (the query workers and their fork server) is sampled
from /proc.

Reported: requests per kind, errors (a status outside 2xx that the request did not expect,
or a transport error: any makes the exit status 1), p50/p95/p99 latency per kind and
overall, reads with and without the writer, write latency, and the RSS when the server
starts, when the writer starts, at the start and end of the measured phase (flat: it grew
by no more than FLAT_PERCENT), its maximum and the slope of a least-squares line through it
in MB/min, with the capacity of RocksDB's block caches from the store's LOG. `--out` gets it all
as JSON; a markdown table is printed. bench/LOAD.md explains how to read them.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api import (  # noqa: E402
    free_port,
    mix,
    pct,
    samples,
    stop,
    synthetic,
    wait_up,
)
from kg.graph.mapping import article_graphs  # noqa: E402

BASE = "https://claimgraph.org/id/"  # kg.graph.mapping.DEFAULT_BASE_IRI, the server's default
INGESTED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # as bench/api.py: reproducible quads
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MB = 1024 * 1024

# What a reader does, with how often (weights). A kind is one request; a pagination walk
# makes up to three requests of its kind. "rest:missing" asks for a claim that does not
# exist: its 404 is expected, any other status is an error.
READS: dict[str, int] = {
    "sparql:lookup": 10,
    "sparql:join2": 10,
    "sparql:aggregate": 4,
    "sparql:construct": 8,
    "rest:claims?claimant": 8,
    "rest:claim": 8,
    "rest:entities?name": 5,
    "rest:entity": 6,
    "rest:quantities?counted": 4,
    "rest:conflicts": 2,
    "rest:missing": 2,
    "ld:claim html": 8,
    "ld:entity html": 4,
    "ld:claim turtle": 5,
    "ld:entity jsonld": 4,
    "ld:void": 1,
    "page:articles": 3,
    "page:claims?cue": 3,
}
PAGES_PER_WALK = 3


# -- the data ------------------------------------------------------------------------------


def preload(store_dir: Path, articles: int) -> tuple[int, int, list[str]]:
    """`articles` synthetic articles, bulk-loaded: bench/api.py's first `articles`, the same
    seed. Returns (quads, articles, some claimant names to look up)."""
    from pyoxigraph import Store

    sources = samples()
    rng = random.Random(7)
    store = Store(str(store_dir))
    batch: list[Any] = []
    names: list[str] = []
    for n in range(articles):
        text, report = synthetic(n, sources, rng)
        batch.extend(article_graphs(text, report, ingested_at=INGESTED).quads)
        if n % 97 == 0:
            names.extend(e.name for e in report.entities if e.type == "Person")
        if len(batch) > 200_000 or n == articles - 1:
            store.bulk_extend(batch)
            batch = []
    store.flush()
    quads = len(store)
    del store
    return quads, articles, names[:50]


# -- what the readers ask about ------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """IRIs and names from the generated store, for the readers to ask about."""

    names: list[str]
    claims: list[str]
    entities: list[str]
    counted: list[str]
    cues: list[str]


def targets(store: Path, names: list[str]) -> Targets:
    from pyoxigraph import Store

    ro = Store.read_only(str(store))

    def column(sparql: str) -> list[str]:
        rows = ro.query(
            "PREFIX schema: <http://schema.org/> PREFIX cg: <https://w3id.org/claimgraph/ns#> "
            + sparql,
            use_default_graph_as_union=True,
        )
        return [str(r[0].value) for r in rows]  # type: ignore[union-attr]

    return Targets(
        names=names,
        claims=column("SELECT ?c WHERE { ?c a schema:Claim } LIMIT 500"),
        entities=column(
            "SELECT DISTINCT ?e WHERE { { ?e a schema:Person } UNION "
            "{ ?e a schema:Organization } } LIMIT 300"
        ),
        counted=column("SELECT DISTINCT ?n WHERE { ?q cg:counted ?n } LIMIT 50"),
        cues=column("SELECT DISTINCT ?cue WHERE { ?c cg:cue ?cue } LIMIT 20"),
    )  # the read-only store closes with this frame, before the server opens it


def rest_id(value: str) -> str:
    return quote(value[len(BASE) :] if value.startswith(BASE) else value, safe="/:")


def ld_path(value: str) -> str:
    return "/id/" + value[len(BASE) :]


# -- the run's record ----------------------------------------------------------------------


@dataclass
class Record:
    """Latencies (seconds) by (phase, kind), statuses, and the unexpected outcomes."""

    latencies: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    statuses: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    changes: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.perf_counter)

    def add(
        self,
        phase: str,
        kind: str,
        seconds: float,
        status: int | None,
        expected: bool,
        detail: str = "",
        path: str = "",
    ) -> None:
        self.statuses.setdefault((phase, kind), Counter())[str(status or "transport")] += 1
        if expected:
            self.latencies.setdefault((phase, kind), []).append(seconds)
            return
        self.errors.append(
            {
                "t": round(time.perf_counter() - self.started, 1),
                "phase": phase,
                "kind": kind,
                "status": status,
                "seconds": round(seconds, 3),
                "path": path[:300],
                "detail": detail[:400],
            }
        )


def stats(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(pct(values, 0.95) * 1000, 1),
        "p99_ms": round(pct(values, 0.99) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


# -- readers and the writer ----------------------------------------------------------------


Send = Callable[[str, str, set[int] | None, dict[str, str] | None], Awaitable[httpx.Response]]


async def read_once(kind: str, t: Targets, rng: random.Random, send: Send) -> None:
    """One action of kind `kind`: one request, or a walk of up to three pages."""
    if kind.startswith("sparql:"):
        want = kind.split(":", 1)[1]
        while True:  # bench/api.py's seeded mix, filtered to the kind drawn
            got, query = mix(t.names, t.claims, rng)
            if got == want:
                break
        accept = "text/turtle" if want == "construct" else "application/sparql-results+json"
        await send(kind, "/sparql?" + urlencode({"query": query}), None, accept_(accept))
        return
    claim, entity = rng.choice(t.claims), rng.choice(t.entities)
    word = rng.choice(rng.choice(t.names).split())
    paths: dict[str, tuple[str, str]] = {
        "rest:claims?claimant": (f"/claims?claimant={quote(rng.choice(t.names))}", "json"),
        "rest:claim": ("/claims/" + rest_id(claim), "json"),
        "rest:entities?name": (f"/entities?name={quote(word)}", "json"),
        "rest:entity": ("/entities/" + rest_id(entity), "json"),
        "rest:quantities?counted": (f"/quantities?counted={quote(rng.choice(t.counted))}", "json"),
        "rest:conflicts": (f"/conflicts?offset={rng.randrange(0, 200, 20)}", "json"),
        "ld:claim html": (ld_path(claim), "text/html"),
        "ld:entity html": (ld_path(entity), "text/html"),
        "ld:claim turtle": (ld_path(claim), "text/turtle"),
        "ld:entity jsonld": (ld_path(entity), "application/ld+json"),
        "ld:void": ("/.well-known/void", "text/turtle"),
    }
    if kind == "rest:missing":
        missing = f"/claims/article/{secrets.token_hex(8)}/claim/1-2"
        await send(kind, missing, {404}, None)
    elif kind in paths:
        path, accept = paths[kind]
        await send(kind, path, None, None if accept == "json" else accept_(accept))
    else:  # a pagination walk: a first page somewhere, then its `next` links
        walk: str | None = (
            f"/articles?limit=20&offset={rng.randrange(0, 2000, 20)}"
            if kind == "page:articles"
            else f"/claims?cue={quote(rng.choice(t.cues))}&limit=50&offset=0"
        )
        for _ in range(PAGES_PER_WALK):
            if walk is None:
                break
            r = await send(kind, walk, None, None)
            walk = r.json().get("next") if r.status_code == 200 else None


def accept_(media: str) -> dict[str, str]:
    return {"Accept": media}


async def reader(
    origin: str, phase: str, until: float, t: Targets, rng: random.Random, record: Record
) -> None:
    kinds, weights = list(READS), list(READS.values())
    async with httpx.AsyncClient(base_url=origin, timeout=120) as http:

        async def send(
            kind: str, path: str, expect: set[int] | None, headers: dict[str, str] | None
        ) -> httpx.Response:
            started = time.perf_counter()
            try:
                r = await http.get(path, headers=headers)
            except httpx.HTTPError as exc:
                record.add(phase, kind, time.perf_counter() - started, None, False, repr(exc), path)
                raise
            seconds = time.perf_counter() - started
            ok = r.status_code in expect if expect else 200 <= r.status_code < 300
            record.add(phase, kind, seconds, r.status_code, ok, "" if ok else r.text, path)
            return r

        while time.perf_counter() < until:
            kind = rng.choices(kinds, weights)[0]
            try:
                await read_once(kind, t, rng, send)
            except httpx.HTTPError:
                await asyncio.sleep(0.5)  # recorded; a server that went away is not hammered
            except ValueError as exc:  # a 200 whose JSON does not parse
                record.add(phase, kind, 0.0, 200, False, f"unreadable body: {exc!r}")


@dataclass
class Written:
    """What the writer has done so far, carried from one writing phase to the next: the
    articles stored (new ones are numbered on from there) and the revisions sent."""

    articles: int
    revision: int = 0


async def writer(
    origin: str,
    token: str,
    phase: str,
    until: float,
    written: Written,
    rng: random.Random,
    record: Record,
) -> None:
    """Create a new article or replace a stored one (same text, new names and title), in turn
    at random, back to back until `until`."""
    sources = samples()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=origin, timeout=300, headers=headers) as http:
        while time.perf_counter() < until:
            create = rng.random() < 0.5
            n = written.articles if create else rng.randrange(written.articles)
            text, report = synthetic(n, sources, rng)
            written.revision += 1
            report.article.title = f"{report.article.title} (load revision {written.revision})"
            body = {
                "text": text,
                "facts": report.model_dump(mode="json", exclude_none=True),
                "url": report.article.url,
            }
            kind = "write:create" if create else "write:replace"
            started = time.perf_counter()
            try:
                r = await http.post("/articles", json=body)
            except httpx.HTTPError as exc:
                record.add(phase, kind, time.perf_counter() - started, None, False, repr(exc))
                await asyncio.sleep(0.5)
                continue
            seconds = time.perf_counter() - started
            ok = r.status_code in (200, 201)
            record.add(phase, kind, seconds, r.status_code, ok, "" if ok else r.text)
            if ok:
                record.changes[r.json()["change"]] += 1
                written.articles += create


async def drive(
    origin: str,
    token: str,
    phase: str,
    seconds: float,
    readers: int,
    writing: bool,
    t: Targets,
    written: Written,
    seed: int,
    record: Record,
) -> float:
    """Run one phase; returns its length in seconds (in-flight requests end it)."""
    started = time.perf_counter()
    until = started + seconds
    tasks = [
        reader(origin, phase, until, t, random.Random(f"{seed}-{phase}-{i}"), record)
        for i in range(readers)
    ]
    if writing:
        rng = random.Random(f"{seed}-writer-{phase}")
        tasks.append(writer(origin, token, phase, until, written, rng, record))
    await asyncio.gather(*tasks)
    return time.perf_counter() - started


# -- memory --------------------------------------------------------------------------------


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE_SIZE


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` so far (proc(5): utime and stime, fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (the query workers are the fork server's children)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class Sampler:
    """A thread that records the server's and its descendants' RSS every `every` seconds,
    with the phase it was in, the open file descriptors and the checkpoint generations."""

    def __init__(self, pid: int, snapshots: Path, every: float) -> None:
        self.pid, self.snapshots, self.every = pid, snapshots, every
        self.phase = "idle"
        self.samples: list[dict[str, Any]] = []
        self.seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._t0 = time.perf_counter()

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def sample(self) -> None:
        try:
            server = _rss(self.pid)
            cpu = _cpu_seconds(self.pid)
            fds = len(os.listdir(f"/proc/{self.pid}/fd"))
        except OSError:
            return  # the server is gone; the run reports it
        below = 0
        kids = descendants(self.pid)
        for pid in kids:
            try:
                below += _rss(pid)
            except OSError:
                continue
        self.seen.update(kids)
        self.samples.append(
            {
                "t": round(time.perf_counter() - self._t0, 2),
                "phase": self.phase,
                "server_mb": round(server / MB, 1),
                "workers_mb": round(below / MB, 1),
                "total_mb": round((server + below) / MB, 1),
                "processes": 1 + len(kids),
                "server_cpu_s": round(cpu, 2),
                "fds": fds,
                "generations": sum(1 for _ in self.snapshots.glob("gen-*")),
            }
        )


FLAT_PERCENT = 5.0  # the most RSS may grow over the measured phase and still count as flat


def memory_summary(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Each RSS series at the server's start, when the writer starts, over the measured
    phase (its start, end and least-squares slope in MB/min, also over its second half) and
    its maximum; `flat` when no series grew more than FLAT_PERCENT over the measured phase.

    The measured phase follows `--settle-seconds` of the same traffic because RocksDB's
    caches fill under it (bounded: `block_caches`); RSS before they are full says how full
    they are, not whether memory leaks.
    """
    load = [s for s in samples if s["phase"] == "load"]
    writing = [s for s in samples if s["phase"] in ("settle", "load")]
    out: dict[str, Any] = {}
    for key in ("server_mb", "workers_mb", "total_mb"):
        series: dict[str, Any] = {
            "start": samples[0][key],
            "writer_start": writing[0][key] if writing else None,
            "load_start": load[0][key] if load else None,
            "load_end": load[-1][key] if load else None,
            "end": samples[-1][key],
            "max": max(s[key] for s in samples),
        }
        if load:
            grew = load[-1][key] - load[0][key]
            series["load_growth_mb"] = round(grew, 1)
            series["load_growth_percent"] = round(100 * grew / load[0][key], 1)
        for name, part in (("slope_mb_per_min", load), ("slope_2nd_half", load[len(load) // 2 :])):
            if len(part) >= 3:
                fit = statistics.linear_regression(
                    [s["t"] / 60 for s in part], [s[key] for s in part]
                )
                series[name] = round(fit.slope, 2)
        out[key.removesuffix("_mb")] = series
    growth = [out[k].get("load_growth_percent") for k in ("server", "workers", "total")]
    out["flat"] = all(g is not None and g <= FLAT_PERCENT for g in growth)
    out["flat_percent"] = FLAT_PERCENT
    out["fds"] = {"start": samples[0]["fds"], "end": samples[-1]["fds"]}
    out["fds"]["max"] = max(s["fds"] for s in samples)
    out["generations_max"] = max(s["generations"] for s in samples)
    return out


def block_caches(store: Path) -> dict[str, int]:
    """RocksDB's block caches as the store's LOG records them when it opens: capacity in
    bytes by cache address (column families may share one). pyoxigraph sets no size, so
    these are Oxigraph's, and they bound what reading the store can hold in memory."""
    caches: dict[str, int] = {}
    try:
        log = (store / "LOG").read_text(errors="replace")
    except OSError:
        return caches
    address = None
    for line in log.splitlines():
        if m := re.match(r"\s*block_cache: (0x[0-9a-f]+)", line):
            address = m[1]
        elif address and (m := re.match(r"\s*capacity : (\d+)", line)):
            caches[address] = int(m[1])
            address = None
    return caches


# -- the run -------------------------------------------------------------------------------


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def server_command(store: Path, port: int) -> list[str]:
    """`claimgraph serve` on loopback, as a user starts it."""
    return [
        sys.executable,
        "-m",
        "kg.cli",
        "--store",
        str(store),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def cause(error: dict[str, Any]) -> str:
    """An error's message without what varies between requests (path, query, temp dir)."""
    detail = re.sub(r"/tmp/cg-bench-load-\w+", "<work>", str(error["detail"]))
    detail = re.sub(r"gen-\d+", "gen-N", detail)
    return f"{error['status']} {detail[:160]}"


def summarise(
    record: Record, phases: dict[str, float], sampler: Sampler, meta: dict[str, Any]
) -> dict[str, Any]:
    result: dict[str, Any] = dict(meta)
    result["phases"] = {}
    for phase, seconds in phases.items():
        reads = {
            kind: stats(lat)
            for (p, kind), lat in sorted(record.latencies.items())
            if p == phase and not kind.startswith("write:")
        }
        every = [
            x
            for (p, kind), lat in record.latencies.items()
            if p == phase and not kind.startswith("write:")
            for x in lat
        ]
        during = [x for x in sampler.samples if x["phase"] == phase]
        busy = None
        if len(during) >= 2 and during[-1]["t"] > during[0]["t"]:
            used = during[-1]["server_cpu_s"] - during[0]["server_cpu_s"]
            busy = round(100 * used / (during[-1]["t"] - during[0]["t"]))
        result["phases"][phase] = {
            "seconds": round(seconds, 1),
            "server_cpu_percent": busy,
            "reads": reads,
            "reads_overall": stats(every),
            "reads_per_second": round(len(every) / seconds, 1) if seconds else None,
        }
    writes = {  # the measured phase's, as for reads; `changes` counts every phase's
        k: lat for (p, k), lat in record.latencies.items() if p == "load" and k.startswith("write:")
    }
    result["writes"] = {k: stats(lat) for k, lat in sorted(writes.items())}
    result["writes"]["write:all"] = stats([x for lat in writes.values() for x in lat])
    result["writes"]["changes"] = dict(record.changes)
    result["statuses"] = {
        f"{p} {k}": dict(c) for (p, k), c in sorted(record.statuses.items(), key=str)
    }
    result["errors"] = {
        "count": len(record.errors),
        "by_kind": dict(Counter(f"{e['phase']} {e['kind']} {e['status']}" for e in record.errors)),
        "by_phase_kind": dict(Counter(f"{e['phase']} {e['kind']}" for e in record.errors)),
        "causes": dict(Counter(cause(e) for e in record.errors).most_common(20)),
        "first": record.errors[:50],
    }
    result["memory"] = memory_summary(sampler.samples) if sampler.samples else {}
    result["memory"]["processes_seen_below_server"] = len(sampler.seen)
    result["memory"]["samples"] = sampler.samples
    return result


def table(result: dict[str, Any]) -> str:
    """The figures as markdown: reads by kind (with and without the writer), writes, memory."""
    phases = result["phases"]
    base = phases.get("baseline", {}).get("reads", {})
    load = phases["load"]
    failed: Counter[tuple[str, ...]] = Counter()
    for key, count in result["errors"]["by_phase_kind"].items():
        failed[tuple(key.split(" ", 1))] = count
    lines = [
        f"| reads ({result['config']['readers']} clients), writer on | ok | errors | p50 ms "
        "| p95 ms | p99 ms | no writer: p50 / p95 ms |",
        "|---|---|---|---|---|---|---|",
    ]

    def row(name: str, s: dict[str, Any], errors: int, alone: dict[str, Any] | None) -> str:
        if not s.get("n"):
            return f"| {name} | 0 | {errors:,} | | | | |"
        a = f"{alone['p50_ms']:,} / {alone['p95_ms']:,}" if alone and alone.get("n") else ""
        return (
            f"| {name} | {s['n']:,} | {errors:,} | {s['p50_ms']:,} | {s['p95_ms']:,} "
            f"| {s['p99_ms']:,} | {a} |"
        )

    kinds = sorted(
        {k for p, k in failed if p == "load" and not k.startswith("write:")} | set(load["reads"])
    )
    for kind in kinds:
        lines.append(row(kind, load["reads"].get(kind, {}), failed[("load", kind)], base.get(kind)))
    read_errors = sum(
        n for (p, k), n in failed.items() if p == "load" and not k.startswith("write:")
    )
    alone = phases.get("baseline", {}).get("reads_overall")
    lines.append(row("**all reads**", load["reads_overall"], read_errors, alone))
    lines += [
        "",
        "| writes (1 client) | ok | errors | p50 ms | p95 ms | p99 ms | |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, s in result["writes"].items():
        if kind.startswith("write:"):
            errors = (
                sum(n for (p, k), n in failed.items() if p == "load" and k.startswith("write:"))
                if kind == "write:all"
                else failed[("load", kind)]
            )
            lines.append(row(kind, s, errors, None))
    mem = result["memory"]
    lines += [
        "",
        "| RSS MB | server starts | writer starts | measured: start | end | growth "
        "| slope MB/min | 2nd half MB/min | max |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key, name in (
        ("server", "server"),
        ("workers", "workers + fork server"),
        ("total", "total"),
    ):
        m = mem.get(key, {})
        lines.append(
            f"| {name} | {m.get('start')} | {m.get('writer_start')} | {m.get('load_start')} "
            f"| {m.get('load_end')} | {m.get('load_growth_percent')}% "
            f"| {m.get('slope_mb_per_min')} | {m.get('slope_2nd_half')} | {m.get('max')} |"
        )
    caches = mem.get("block_caches", {})
    lines += [
        "",
        f"Memory flat over the measured phase (no series grew more than {mem.get('flat_percent')}%"
        f"): **{'yes' if mem.get('flat') else 'no'}**. RocksDB's block caches: "
        f"{sum(caches.values()) / MB:.0f} MB in all ({len(caches)} caches).",
    ]
    cpu = ", ".join(f"{p['server_cpu_percent']}% ({name})" for name, p in phases.items())
    lines += [
        "",
        f"Reads: {load['reads_per_second']}/s with the writer over {load['seconds']} s"
        + (f", {phases['baseline']['reads_per_second']}/s without" if "baseline" in phases else "")
        + f". Writes: {result['writes']['changes']}. Unexpected outcomes: "
        f"{result['errors']['count']:,}. Server process CPU: {cpu}. Server file descriptors "
        f"{mem.get('fds')}; most checkpoint generations on disk at once: "
        f"{mem.get('generations_max')}.",
    ]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=600, help="readers + writer phase")
    ap.add_argument(
        "--baseline-seconds", type=float, default=60, help="readers alone first (0: skip)"
    )
    ap.add_argument(
        "--settle-seconds",
        type=float,
        default=1200,
        help="readers + writer before the measured phase, while RocksDB's caches fill (0: none)",
    )
    ap.add_argument("--readers", type=int, default=4, help="concurrent reader clients")
    ap.add_argument("--articles", type=int, default=3000, help="synthetic articles preloaded")
    ap.add_argument("--sample-seconds", type=float, default=2.0, help="RSS sampling interval")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", type=Path, required=True, help="where the JSON results go")
    args = ap.parse_args()

    before = loadavg()
    work = Path(tempfile.mkdtemp(prefix="cg-bench-load-"))
    record = Record()
    try:
        started = time.perf_counter()
        store = work / "store"
        quads, articles, names = preload(store, args.articles)
        generated = time.perf_counter() - started
        print(f"generated {quads:,} quads from {articles:,} articles in {generated:.0f} s")
        t = targets(store, names)
        token = secrets.token_urlsafe(24)
        port = free_port()
        origin = f"http://127.0.0.1:{port}"
        log_path = work / "server.log"
        env = dict(os.environ, CLAIMGRAPH_WRITE_TOKEN=token)
        for name in ("CLAIMGRAPH_QUERY_TIMEOUT", "CLAIMGRAPH_QUERY_WORKERS", "CLAIMGRAPH_ROW_CAP"):
            env.pop(name, None)  # the defaults, as a plain `claimgraph serve` has them
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                server_command(store, port), cwd=ROOT, env=env, stdout=log, stderr=log
            )
        sampler = Sampler(server.pid, work / "store.snapshots", args.sample_seconds)
        phases: dict[str, float] = {}
        try:
            if not wait_up(f"{origin}/sparql", server, 180):
                print(log_path.read_text()[-3000:], file=sys.stderr)
                raise SystemExit("the server did not start within 180 s")
            sampler.start()
            sampler.sample()
            plan = [
                ("warm-up", 5.0, False),
                ("baseline", args.baseline_seconds, False),
                ("settle", args.settle_seconds, True),
                ("load", args.seconds, True),
            ]
            written = Written(articles)
            for phase, seconds, writing in plan:
                if seconds <= 0:
                    continue
                sampler.phase = phase
                sampler.sample()
                into = Record() if phase == "warm-up" else record  # the warm-up is not counted
                took = asyncio.run(
                    drive(
                        origin,
                        token,
                        phase,
                        seconds,
                        args.readers,
                        writing,
                        t,
                        written,
                        args.seed,
                        into,
                    )
                )
                if into is record:
                    phases[phase] = took
            sampler.sample()  # the measured phase's last
            sampler.phase = "after"
            alive = server.poll() is None
        finally:
            sampler.close()
            stop(server)
        if not alive:
            record.add(
                "load", "server", 0.0, None, False, "the server process exited during the run"
            )
        meta = {
            "config": {
                "seconds": args.seconds,
                "baseline_seconds": args.baseline_seconds,
                "settle_seconds": args.settle_seconds,
                "readers": args.readers,
                "writers": 1,
                "articles": articles,
                "quads": quads,
                "seed": args.seed,
                "server": "claimgraph serve (defaults: 2 query workers, 10 s timeout)",
                "mix": READS,
            },
            "machine": {
                "cpus": os.cpu_count(),
                "loadavg_before": before,
                "loadavg_after": loadavg(),
            },
            "generate_seconds": round(generated, 1),
        }
        result = summarise(record, phases, sampler, meta)
        result["memory"]["block_caches"] = block_caches(store)
        args.out.write_text(json.dumps(result, indent=1) + "\n")
        print()
        print(table(result))
        if record.errors:
            kept = args.out.with_suffix(".server.log")
            shutil.copy(log_path, kept)
            print(f"\n{len(record.errors):,} unexpected outcomes; the server's log: {kept}")
            for text, count in result["errors"]["causes"].items():
                print(f"  {count:>6,} × {text}")
            return 1
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
