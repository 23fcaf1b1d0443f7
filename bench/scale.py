"""Scale: load time, disk, memory and query latency at 10,000 and 100,000 articles.

Reproduce (from the project's root; bench/SCALE.md has the figures):

    .venv/bin/python bench/scale.py --sizes 10000,100000 --seconds 60 --solo-seconds 10 \
        --profile --work /tmp/cg-scale --out /tmp/cg-scale/results.json
    .venv/bin/python bench/scale.py --sizes 10000,100000 --pilot 0 --workers 2 \
        --budget-minutes 200 --seconds 60 --solo-seconds 10 --out /tmp/cg-scale/results.json
    .venv/bin/python bench/scale.py --sizes 300,1000 --pilot 100 --seconds 10   # quick
    .venv/bin/python bench/scale.py --report /tmp/cg-scale/results.json        # tables again

Each size is a generated corpus: bench/api.py's synthetic articles (the example fact
sheets replayed under new URLs, dates and names), so no spaCy runs. Through the ingest path
every article goes the way `claimgraph ingest --facts` takes it: entity resolution against
the store, RDF mapping, SHACL validation (in `--workers` processes while the next article is
mapped, as `claimgraph ingest --workers` does), the atomic store write (`replace_articles` in
batches of `--batch`), then, as after a bulk ingest, one refresh of the conflicting-figures
graph. Each load runs in a child
process of its own, so its peak RSS is the load's alone; the store's size is `du` of its
directory after close. Then claimgraph's server is started on the store (its own process, a
free loopback port): `--clients` clients send a fixed, seeded query mix for `--seconds`,
then each kind is sent alone by one client for `--solo-seconds`.

Wall time per ingest step comes from timers around the functions `kg.ingest.article` calls. A
`--pilot` ingest comes first; before each size, the load time is extrapolated from the
largest ingest so far (`Growth`), and a size over `--budget-minutes` is not ingested: the
largest size estimated to fit is, and the full size is bulk-loaded (mapping and
`Store.bulk_extend` only, as bench/api.py does) for its disk and query figures. Every such
decision is printed and kept in the results. `--profile` ingests the pilot size once more
under cProfile and prints where the time goes inside the steps.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import datetime as dt
import gc
import json
import os
import platform
import pstats
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api import P, free_port, pct, samples, stop, synthetic, wait_up  # noqa: E402
from kg.extract.batch import pool as _pool  # noqa: E402
from kg.ingest.bulk import _nquads, _validate_item  # noqa: E402

BASE = "https://claimgraph.org/id/"  # kg.graph.mapping.DEFAULT_BASE_IRI, served under /id/
# Since issue 15: `search` is GET /search (the text index), `aggregate` GET /stats/claims (a
# summary kept per generation); the SPARQL forms they replace (FILTER CONTAINS over every
# claim, COUNT by cue over every claim) still read everything, and are no longer in the mix.
KINDS = [
    "iri",
    "claims",
    "entity",
    "join2",
    "aggregate",
    "construct",
    "search",
    "entities",
    "conflicts",
    # Since the fifth run: the other REST routes whose pages could read a frequent entity's
    # every claim (the corpus repeats its people and places: thousands of claims each).
    "claimant",
    "entity_json",
    "articles",
    "quantities",
    "figures",
]
ABSENT_WORD = "zeppelin"  # in no article: the search that must read every claim text
# "index" (the text index's upkeep: documents from the quads, the writing mark, SQLite) is
# inside "write" too; it is counted apart to give its share of the ingest.
STEPS = ["generate", "resolve", "map", "validate", "write", "conflicts", "index"]


# -- loading (in a child process per size) ------------------------------------------------


class StepTimer:
    """Wall time and calls per step, by wrapping the functions the ingest path calls."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

    def wrap(self, step: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                result = fn(*args, **kwargs)
            finally:
                self.seconds[step] += time.perf_counter() - started
                self.calls[step] += 1
            return result

        return timed

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - started
            self.calls[name] += 1


@dataclass
class Sample:
    """IRIs and names from every 97th article, for the query mix to ask about."""

    claims: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def add(self, graphs: Any, report: Any) -> None:
        from kg.graph.vocab import RDF, SCHEMA

        for q in graphs.quads:
            if q.predicate != RDF.type:
                continue
            if q.object == SCHEMA.Claim:
                self.claims.add(q.subject.value)
            elif q.subject.value.startswith(BASE + "person/"):
                self.entities.add(q.subject.value)
        self.names.update(e.name for e in report.entities if e.type == "Person")

    def json(self) -> dict[str, list[str]]:
        return {k: sorted(getattr(self, k)) for k in ("claims", "entities", "names")}


def load(
    size: int,
    store_dir: Path,
    *,
    bulk: bool,
    batch: int,
    conflicts: bool,
    workers: int = 1,
    first: int = 0,
) -> dict[str, Any]:
    """Synthetic articles first … first+size-1 into the store (new, unless `first`: then
    the ingest path on top of a store already holding articles 0 … first-1); figures.

    Not `bulk`: the ingest path. `bulk`: only the mapping, and `Store.bulk_extend` of the
    quads, as bench/api.py builds its graph (no resolution, no SHACL). With `workers` > 1
    each article's quads are validated in a pool while the next is mapped, and a batch is
    written once all of it has passed, as `claimgraph ingest --workers` does (kg/ingest/bulk.py);
    "validate" is then the time this process waits for the verdicts.
    """
    import kg.ingest.article
    import kg.search
    from kg.ingest.conflicts import refresh_conflicts
    from kg.store.embedded import ClaimStore
    from kg.store.opening import StoreConfig

    timer = StepTimer()
    kg.search.documents = timer.wrap("index", kg.search.documents)
    kg.search.TextIndex.begin = timer.wrap("index", kg.search.TextIndex.begin)  # type: ignore[method-assign]
    # GraphStore.write: the index's change is prepared before the store's update and
    # committed after it (the SQLite writes and the commit are these two; `apply` is both).
    kg.search.TextIndex.prepare = timer.wrap("index", kg.search.TextIndex.prepare)  # type: ignore[method-assign]
    kg.search.TextIndex.commit = timer.wrap("index", kg.search.TextIndex.commit)  # type: ignore[method-assign]
    # kg.ingest.article looks these up as module globals on each call, so the wrapped ones run.
    kg.ingest.article.known_entities = timer.wrap("resolve", kg.ingest.article.known_entities)
    kg.ingest.article.article_graphs = timer.wrap("map", kg.ingest.article.article_graphs)
    kg.ingest.article.ensure_valid = timer.wrap("validate", kg.ingest.article.ensure_valid)

    sources = samples()
    rng = random.Random(7)
    sample = Sample()
    pool = None
    progress: list[dict[str, Any]] = []
    every = max(1, size // 40)
    started = time.perf_counter()

    def article(n: int) -> tuple[str, Any]:
        with timer.step("generate"):
            text, report = synthetic(n, sources, rng)
        return text, report

    def advanced(n: int) -> None:
        done = n + 1 - first
        if done % every == 0 or done == size:
            elapsed = time.perf_counter() - started
            progress.append({"articles": done, "seconds": elapsed, **timer.seconds})
            print(f"  {done:>7} articles, {done / elapsed:6.1f}/s", file=sys.stderr, flush=True)

    if bulk:
        from pyoxigraph import Store

        raw = Store(str(store_dir))
        quads: list[Any] = []
        for n in range(size):
            text, report = article(n)
            graphs = kg.ingest.article.build_graphs(text, report, model_version="fact sheet")
            quads.extend(graphs.quads)
            if n % 97 == 0:
                sample.add(graphs, report)
            if len(quads) > 200_000 or n + 1 == size:
                with timer.step("write"):
                    raw.bulk_extend(quads)
                quads = []
            advanced(n)
        raw.flush()
        del raw
        gc.collect()
        write = "Store.bulk_extend (no resolution, no SHACL, no text index)"
        store = ClaimStore(store_dir)
    else:
        store = ClaimStore(store_dir)
        store.index = StoreConfig(store_dir).text_index()
        write = f"ClaimStore.replace_articles, batches of {batch}"
        replace = timer.wrap("write", store.replace_articles)
        pending: list[Any] = []
        verdicts: list[Any] = []
        pool = _pool(workers) if workers > 1 else None
        if pool is not None:
            write += f", SHACL in {workers} worker processes"
        for n in range(first, first + size):
            text, report = article(n)
            graphs = kg.ingest.article.build_graphs(
                text, report, store=store, model_version="fact sheet"
            )
            what = f"article {graphs.article.value}"
            if pool is None:
                kg.ingest.article.ensure_valid(graphs.quads, what=what)
            else:
                verdicts.append(pool.apply_async(_validate_item, (_nquads(graphs), what)))
            pending.append(graphs)
            if len(pending) >= batch or n + 1 == first + size:
                with timer.step("validate"):
                    refused = [r for v in verdicts if (r := v.get()) is not None]
                if refused:
                    raise SystemExit(f"SHACL refused a generated article: {refused[0]}")
                replace(pending)
                pending, verdicts = [], []
            if n % 97 == 0:
                sample.add(graphs, report)
            advanced(n)
    ingest_seconds = time.perf_counter() - started
    if pool is not None:
        pool.close()
        pool.join()
    found = None
    if conflicts:
        with timer.step("conflicts"):
            found = len(refresh_conflicts(store))
    store.flush()
    load_seconds = time.perf_counter() - started
    counted = time.perf_counter()
    stats = store.stats()
    count_seconds = time.perf_counter() - counted
    # `claimgraph reindex`: the text index rebuilt from the whole store (not on top of a
    # store: its own load measured that).
    index = StoreConfig(store_dir).text_index()
    assert index is not None
    documents = reindex_seconds = None
    if not first:
        rebuilt = time.perf_counter()
        documents = index.rebuild(store)
        reindex_seconds = time.perf_counter() - rebuilt
    index_bytes = index.size()
    index.close()
    store.close()
    return {
        "articles": size,
        "first": first,
        "path": "bulk" if bulk else "ingest",
        "write": write,
        "quads": stats.quads,
        "graphs": stats.graphs,
        "claims": stats.claims,
        "entities": stats.entities,
        "conflicts": found,
        "load_seconds": load_seconds,
        "ingest_seconds": ingest_seconds,
        "count_seconds": count_seconds,
        "reindex_seconds": reindex_seconds,
        "index_documents": documents,
        "index_bytes": index_bytes,
        "steps": {k: timer.seconds[k] for k in STEPS},
        "calls": {k: timer.calls[k] for k in STEPS},
        "progress": progress,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "workers": workers if not bulk else 1,
        # the largest of the validation workers, each its own process
        "worker_peak_rss_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
        "sample": sample.json(),
    }


def load_child(args: argparse.Namespace) -> None:
    """`--load-child`: one load, its figures as JSON in `--result` (and a profile)."""
    profiler = cProfile.Profile() if args.profile_to else None
    if profiler:
        profiler.enable()
    figures = load(
        args.load_child,
        Path(args.store),
        bulk=args.bulk,
        batch=args.batch,
        conflicts=not args.no_conflicts,
        workers=args.workers,
        first=args.first,
    )
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile_to)
    Path(args.result).write_text(json.dumps(figures))


def run_load(
    size: int,
    store: Path,
    result: Path,
    *,
    batch: int,
    workers: int = 1,
    bulk: bool = False,
    conflicts: bool = True,
    profile_to: Path | None = None,
    first: int = 0,
) -> dict[str, Any]:
    """One load in a child process (so that its peak RSS is its own); its figures. Into a
    new store, unless `first` (then onto `store` as it is)."""
    if not first:
        shutil.rmtree(store, ignore_errors=True)
    command = [sys.executable, __file__, "--load-child", str(size), "--store", str(store)]
    command += ["--first", str(first)]
    command += ["--result", str(result), "--batch", str(batch), "--workers", str(workers)]
    if bulk:
        command.append("--bulk")
    if not conflicts:
        command.append("--no-conflicts")
    if profile_to:
        command += ["--profile-to", str(profile_to)]
    subprocess.run(command, cwd=ROOT, check=True)
    figures: dict[str, Any] = json.loads(result.read_text())
    return figures


# -- the profile -------------------------------------------------------------------------

# What to look up in the profile, by (file suffix, function name): the steps and, inside
# them, the parts that might be batched or cached.
PROFILED = [
    ("resolve.py", "known_entities", "resolve: kg.ingest.resolve.known_entities"),
    ("mapping.py", "article_graphs", "map: kg.graph.mapping.article_graphs"),
    ("validate.py", "ensure_valid", "validate: kg.graph.validate.ensure_valid"),
    ("validate.py", "to_rdflib", "  quads → rdflib graph"),
    ("validate.py", "validate_graph", "  pyshacl validate + report"),
    ("store.py", "replace_articles", "write: ClaimStore.replace_articles"),
    ("store.py", "article_graph_names", "  read the article's stored graphs"),
    ("store.py", "stored_quads", "  read the article's stored quads"),
    ("store.py", "_comparable", "  canonicalise for the unchanged check"),
    ("store.py", "_replace_request", "  build the SPARQL update text"),
    ("store.py", "replace_request", "  build the SPARQL update text"),
    ("store.py", "update", "  Store.update (parse + write)"),
    ("conflicts.py", "refresh_conflicts", "conflicts: refresh_conflicts"),
    ("api.py", "synthetic", "generate the fact sheet (bench only)"),
]


def profile_breakdown(path: Path) -> list[dict[str, Any]]:
    stats = pstats.Stats(str(path))
    total = max(ct for (_, _, name), (_, _, _, ct, _) in stats.stats.items() if name == "load")  # type: ignore[attr-defined]
    out = []
    for suffix, func, label in PROFILED:
        cum = calls = 0.0
        for (filename, _, name), (_, nc, _, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
            if name == func and filename.endswith(suffix):
                cum += ct
                calls += nc
        if calls:
            out.append({"what": label, "seconds": cum, "share": cum / total, "calls": int(calls)})
    return out


def top_functions(path: Path, n: int = 25) -> str:
    import io

    buffer = io.StringIO()
    stats = pstats.Stats(str(path), stream=buffer)
    stats.sort_stats("tottime").print_stats(n)
    return buffer.getvalue()


# -- the query mix -----------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A SPARQL query POSTed to /sparql, or (query None) a GET of `path`."""

    kind: str
    path: str
    query: str | None = None
    accept: str = "application/sparql-results+json"


def search_words() -> list[str]:
    words: set[str] = set()
    for text, report in samples():
        for c in report.claims:
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{6,}", text[c.start : c.end]))
    return sorted(words)


def plan(sample: dict[str, list[str]], count: int, seed: int = 11) -> list[Request]:
    """`count` requests, the kinds in equal shares, in a seeded order."""
    rng = random.Random(seed)
    words = search_words()
    claims, entities, names = sample["claims"], sample["entities"], sample["names"]
    out = []
    for _ in range(count):
        kind = rng.choice(KINDS)
        claim, entity = rng.choice(claims), rng.choice(entities)
        name = rng.choice(names).replace('"', "")
        if kind == "iri":
            out.append(Request(kind, "/id/" + claim[len(BASE) :], accept="text/turtle"))
        elif kind == "claims":
            out.append(Request(kind, f"/claims?limit=20&offset={20 * rng.randrange(50)}"))
        elif kind == "entity":
            out.append(Request(kind, "/id/" + entity[len(BASE) :], accept="text/html"))
        elif kind == "join2":
            q = (
                f'SELECT ?text ?url WHERE {{ ?who schema:name "{name}" . '
                "?c prov:wasAttributedTo ?who ; schema:text ?text ; schema:appearance ?a . "
                "?a schema:url ?url } LIMIT 50"
            )
            out.append(Request(kind, "/sparql", P + q))
        elif kind == "aggregate":
            by = rng.choice(["cue", "claimant", "day"])
            out.append(Request(kind, f"/stats/claims?by={by}", accept="application/json"))
        elif kind == "entities":
            letter = rng.choice("abcdefghijklmnoprstw")
            path = rng.choice(["/entities?limit=20", f"/entities?name={letter}&limit=20"])
            out.append(Request(kind, path, accept="application/json"))
        elif kind == "conflicts":
            out.append(Request(kind, "/conflicts?limit=20", accept="application/json"))
        elif kind == "claimant":
            out.append(Request(kind, f"/claims?claimant={quote(name)}&limit=20"))
        elif kind == "entity_json":
            out.append(Request(kind, "/entities/" + entity[len(BASE) :]))
        elif kind == "articles":
            out.append(Request(kind, f"/articles?limit=20&offset={20 * rng.randrange(50)}"))
        elif kind == "quantities":
            out.append(Request(kind, f"/quantities?claimant={quote(name)}&limit=20"))
        elif kind == "figures":
            out.append(Request(kind, "/stats/figures", accept="application/json"))
        elif kind == "construct":
            q = f"CONSTRUCT {{ <{claim}> ?p ?o }} WHERE {{ <{claim}> ?p ?o }}"
            out.append(Request(kind, "/sparql", P + q, accept="text/turtle"))
        else:
            # A fifth absent, a fifth the most common word there is, the rest a claim's word.
            word = rng.choice([ABSENT_WORD, "the", *[rng.choice(words)] * 3])
            out.append(Request(kind, f"/search?q={word}&limit=20", accept="application/json"))
    return out


@dataclass
class Run:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, Counter[int]] = field(default_factory=dict)  # kind → status → n
    done: int = 0
    seconds: float = 0.0


async def _send(http: httpx.AsyncClient, r: Request) -> int:
    headers = {"Accept": r.accept}
    if r.query is not None:
        response = await http.post(r.path, data={"query": r.query}, headers=headers)
    else:
        response = await http.get(r.path, headers=headers)
    return response.status_code


async def drive(origin: str, requests: list[Request], clients: int, seconds: float) -> Run:
    """`clients` clients take the plan's requests in turn for `seconds`, after a warm-up."""
    run = Run()
    timeout = httpx.Timeout(seconds + 120)

    async with httpx.AsyncClient(base_url=origin, timeout=timeout) as http:
        for kind in KINDS:  # warm-up: one of each, the workers' first queries
            with contextlib.suppress(httpx.HTTPError):
                await _send(http, next(r for r in requests if r.kind == kind))
    deadline = time.perf_counter() + seconds
    todo = iter(requests)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=origin, timeout=timeout) as http:
            for r in todo:
                if time.perf_counter() > deadline:
                    return
                await _record(http, r, run)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    run.seconds = time.perf_counter() - started
    return run


async def solo(origin: str, requests: list[Request], seconds: float) -> Run:
    """Each kind alone, one client, one request after another for `seconds` (at least one):
    what a query costs without waiting for a worker."""
    run = Run()
    async with httpx.AsyncClient(base_url=origin, timeout=httpx.Timeout(None)) as http:
        for kind in KINDS:
            started = time.perf_counter()
            for r in (r for r in requests if r.kind == kind):
                if time.perf_counter() - started > seconds:
                    break
                await _record(http, r, run)
    return run


async def _record(http: httpx.AsyncClient, r: Request, run: Run) -> None:
    """Send `r`: its latency when it answers 200, its status among the failures otherwise."""
    started = time.perf_counter()
    try:
        status = await _send(http, r)
    except httpx.HTTPError:
        status = 0
    if status != 200:
        run.failures.setdefault(r.kind, Counter())[status] += 1
        return
    run.latencies.setdefault(r.kind, []).append(time.perf_counter() - started)
    run.done += 1


@contextlib.contextmanager
def serving(store: Path, log: Path, query_timeout: float) -> Iterator[str]:
    """claimgraph's server on `store` while the block runs, as bench/api.py starts it."""
    env = dict(
        os.environ,
        CLAIMGRAPH_QUERY_TIMEOUT=str(query_timeout),
        CLAIMGRAPH_ROW_CAP="100000",
        CLAIMGRAPH_QUERY_WORKERS="2",
    )
    port = free_port()
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "api.server", str(store), str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
        try:
            if not wait_up(f"http://127.0.0.1:{port}/sparql", server, 300):
                raise RuntimeError(f"claimgraph did not start on {store}; see {log}")
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(server)


def query_figures(run: Run) -> dict[str, Any]:
    kinds = {}
    for kind in KINDS:
        lat = run.latencies.get(kind, [])
        kinds[kind] = {
            "n": len(lat),
            "p50_ms": statistics.median(lat) * 1000 if lat else None,
            "p95_ms": pct(lat, 0.95) * 1000 if lat else None,
            "failed": {str(s): n for s, n in sorted(run.failures.get(kind, Counter()).items())},
        }
    return {
        "requests": run.done,
        "seconds": run.seconds,
        "per_second": run.done / run.seconds if run.seconds else 0.0,
        "kinds": kinds,
    }


# -- figures -----------------------------------------------------------------------------


def git_state() -> str:
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout

    changed = [line[3:] for line in git("status", "--porcelain", "kg", "api").splitlines()]
    head = git("rev-parse", "--short", "HEAD").strip()
    return head + (f" with uncommitted changes to {', '.join(changed)}" if changed else "")


def load_average() -> str:
    """`uptime`'s load averages (1, 5, 15 minutes)."""
    out = subprocess.run(["uptime"], capture_output=True, text=True).stdout
    return out.strip().split("load average: ")[-1]


def disk_bytes(path: Path) -> int:
    out = subprocess.run(["du", "-s", "--block-size=1", str(path)], capture_output=True, text=True)
    return int(out.stdout.split()[0])


def disk_parts(path: Path) -> dict[str, int]:
    """Bytes of the store's files by kind: RocksDB tables (.sst), write-ahead logs (.log)."""
    parts: Counter[str] = Counter()
    for f in path.iterdir():
        kind = {".sst": "sst", ".log": "wal"}.get(f.suffix, "other")
        parts[kind] += f.stat().st_size
    return dict(parts)


def quadratic_fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """(a, b ≥ 0) with t ≈ a·n + b·n² through the points (least squares)."""
    s11 = sum(n * n for n, _ in points)
    s12 = sum(n**3 for n, _ in points)
    s22 = sum(n**4 for n, _ in points)
    y1 = sum(n * t for n, t in points)
    y2 = sum(n * n * t for n, t in points)
    det = s11 * s22 - s12 * s12
    b = (s11 * y2 - s12 * y1) / det if det else 0.0
    if b <= 0:
        return y1 / s11, 0.0
    return (y1 * s22 - y2 * s12) / det, b


@dataclass(frozen=True)
class Growth:
    """Load time of the ingest path as measured, extrapolated.

    Resolution and the write read the store, which grows as it loads: each is fitted as
    a·n + b·n² through the load's progress points. Generating, mapping and validating one
    article do not depend on the store: their mean per article, times n. The conflicts
    refresh compares all pairs of like figures: c·n².
    """

    fits: dict[str, tuple[float, float]]
    conflicts: float

    @classmethod
    def of(cls, entry: dict[str, Any]) -> Growth:
        """From a measured ingest: its progress points and its conflicts refresh."""
        n = entry["articles"]
        fits = {}
        for step in ("generate", "map", "validate"):
            fits[step] = (entry["load"]["steps"][step] / n, 0.0)
        for step in ("resolve", "write"):
            fits[step] = quadratic_fit(
                [(p["articles"], p.get(step, 0.0)) for p in entry["progress"]]
            )
        return cls(fits, entry["load"]["steps"]["conflicts"] / n**2)

    def steps(self, n: int) -> dict[str, float]:
        out = {step: a * n + b * n * n for step, (a, b) in self.fits.items()}
        out["conflicts"] = self.conflicts * n * n
        return out

    def seconds(self, n: int) -> float:
        return sum(self.steps(n).values())

    def largest(self, n: int, budget: float) -> int:
        """The largest size up to n, in steps of 1,000 (100 below that), within budget."""
        unit = 1000 if n >= 2000 else 100
        while n > 0 and self.seconds(n) > budget:
            n = (n - 1) // unit * unit
        return n


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f}"


def ms(x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def minutes(seconds: float) -> str:
    return f"{seconds / 60:,.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


def label(entry: dict[str, Any]) -> str:
    return f"{entry['articles']:,} ({entry['load']['path']})"


def tables(out: dict[str, Any]) -> str:
    entries = out["sizes"]
    lines = [
        "| articles | loaded by | quads | load | articles/s | disk MB (of it WAL) | bytes/quad "
        "| peak RSS MB | load avg before → after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for e in entries:
        ld = e["load"]
        lines.append(
            f"| {e['articles']:,} | {ld['path']} | {ld['quads']:,} | {minutes(ld['load_seconds'])} "
            f"| {e['articles'] / ld['load_seconds']:.1f} | {mb(e['disk_bytes'])} "
            f"({mb(e['disk_parts'].get('wal', 0))}) "
            f"| {e['disk_bytes'] / ld['quads']:.0f} | {mb(ld['peak_rss_bytes'])} "
            f"| {e['load_avg'][0]} → {e['load_avg'][1]} |"
        )

    ingest = [e for e in entries if e["load"]["path"] == "ingest"]
    estimates = out.get("estimates", {})
    heads = [f"{e['articles']:,}" for e in ingest] + [f"{n} (estimate)" for n in estimates]
    lines += ["", "| ingest step: s (ms/article) | " + " | ".join(heads) + " |"]
    lines.append("|---|" + "---|" * len(heads))
    for step in [*STEPS, "total"]:
        cells = []
        for e in ingest:
            s = e["load"]["load_seconds"] if step == "total" else e["load"]["steps"].get(step, 0)
            cells.append(f"{s:,.0f} ({1000 * s / e['articles']:.1f})")
        for n, est in estimates.items():
            s = est["seconds"] if step == "total" else est["steps"].get(step, 0)
            cells.append(f"{s:,.0f} ({1000 * s / int(n.replace(',', '')):.1f})")
        lines.append(f"| {step} | " + " | ".join(cells) + " |")

    indexed = [e for e in entries if "index_bytes" in e["load"]]
    if indexed:
        lines += [
            "",
            "| text index | documents | size MB | rebuild (reindex) | upkeep during ingest "
            "(share of the load) |",
            "|---|---|---|---|---|",
        ]
        for e in indexed:
            ld = e["load"]
            upkeep = ld["steps"].get("index", 0)
            share = f"{upkeep:,.0f} s ({upkeep / ld['load_seconds']:.1%})" if upkeep else "n/a"
            lines.append(
                f"| {label(e)} | {ld['index_documents']:,} | {mb(ld['index_bytes'])} "
                f"| {minutes(ld['reindex_seconds'])} | {share} |"
            )

    for key, title in (
        ("queries", f"mix, {out.get('clients', 4)} clients"),
        ("solo", "each kind alone, 1 client"),
    ):
        queried = [e for e in entries if e.get(key)]
        if not queried:
            continue
        heads = [label(e) + ": p50 / p95 ms (n)" for e in queried]
        lines += ["", f"| {title} | " + " | ".join(heads) + " |"]
        lines.append("|---|" + "---|" * len(heads))
        for kind in KINDS:
            cells = []
            for e in queried:
                k = e[key]["kinds"].get(kind, {"n": 0, "p50_ms": None, "p95_ms": None})
                failed = ", ".join(
                    f"{n}×{s if s != '0' else 'no answer'}" for s, n in k.get("failed", {}).items()
                )
                cells.append(
                    f"{ms(k['p50_ms'])} / {ms(k['p95_ms'])} ({k['n']})"
                    + (f", failed {failed}" if failed else "")
                )
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
        if key == "queries":
            cells = [f"{e['queries']['per_second']:.1f}/s" for e in queried]
            lines.append("| throughput | " + " | ".join(cells) + " |")
            cells = [f"{e['query_load_avg'][0]} → {e['query_load_avg'][1]}" for e in queried]
            lines.append("| load avg before → after | " + " | ".join(cells) + " |")

    def growth(a: dict[str, Any], b: dict[str, Any]) -> None:
        lines.extend(["", f"| growth | {label(a)} | {label(b)} | ratio |", "|---|---|---|---|"])

        def row(name: str, x: float | None, y: float | None, fmt: Callable[[float], str]) -> None:
            if x and y:
                lines.append(f"| {name} | {fmt(x)} | {fmt(y)} | ×{y / x:.3g} |")

        count = "{:,.0f}".format
        row("articles", a["articles"], b["articles"], count)
        row("quads", a["load"]["quads"], b["load"]["quads"], count)
        row("load time", a["load"]["load_seconds"], b["load"]["load_seconds"], minutes)
        for step in STEPS:
            row(f"  {step}", a["load"]["steps"].get(step), b["load"]["steps"].get(step), minutes)
        row("disk", a["disk_bytes"], b["disk_bytes"], lambda x: mb(x) + " MB")
        row(
            "peak RSS",
            a["load"]["peak_rss_bytes"],
            b["load"]["peak_rss_bytes"],
            lambda x: mb(x) + " MB",
        )
        if a.get("queries") and b.get("queries"):
            for kind in KINDS:
                ka, kb = a["queries"]["kinds"][kind], b["queries"]["kinds"][kind]
                row(f"{kind} p50", ka["p50_ms"], kb["p50_ms"], lambda x: ms(x) + " ms")
                row(f"{kind} p95", ka["p95_ms"], kb["p95_ms"], lambda x: ms(x) + " ms")
        if a.get("solo") and b.get("solo"):
            for kind in KINDS:
                ka, kb = a["solo"]["kinds"][kind], b["solo"]["kinds"][kind]
                row(f"{kind} alone p50", ka["p50_ms"], kb["p50_ms"], lambda x: ms(x) + " ms")
            row(
                "throughput",
                a["queries"]["per_second"],
                b["queries"]["per_second"],
                "{:.1f}/s".format,
            )

    if len(ingest) >= 2:
        growth(ingest[0], ingest[-1])
    bulk = [e for e in entries if e["load"]["path"] == "bulk"]
    if len(bulk) >= 2:
        growth(bulk[0], bulk[-1])
    if len(estimates) >= 2:
        (na, ea), (nb, eb) = list(estimates.items())[0], list(estimates.items())[-1]
        lines += [
            "",
            f"ingest path, estimated: {na} → {nb} articles: "
            f"{minutes(ea['seconds'])} → {minutes(eb['seconds'])} "
            f"(×{eb['seconds'] / ea['seconds']:.1f})",
        ]
    return "\n".join(lines)


# -- the run -----------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="articles per corpus, comma-separated")
    ap.add_argument("--seconds", type=float, default=60, help="query mix time per store (0: none)")
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients")
    ap.add_argument(
        "--solo-seconds", type=float, default=10, help="each kind alone, one client (0: none)"
    )
    ap.add_argument("--query-timeout", type=float, default=60, help="the server's query deadline")
    ap.add_argument("--batch", type=int, default=100, help="articles per replace_articles")
    ap.add_argument(
        "--workers", type=int, default=1, help="processes that validate (claimgraph ingest's)"
    )
    ap.add_argument("--budget-minutes", type=float, default=40, help="most an ingest load may take")
    ap.add_argument("--pilot", type=int, default=1000, help="articles of the first, timing load")
    ap.add_argument(
        "--load",
        choices=["auto", "ingest", "bulk"],
        default="auto",
        help="auto: ingest what fits the budget, bulk-load the rest; or every size one way",
    )
    ap.add_argument("--profile", action="store_true", help="also cProfile the pilot's load")
    ap.add_argument("--out", type=Path, default=Path("scale-results.json"), help="results JSON")
    ap.add_argument("--work", type=Path, default=None, help="where stores go (default: /tmp)")
    ap.add_argument("--keep", action="store_true", help="keep the stores")
    ap.add_argument("--report", type=Path, default=None, help="print a results JSON's tables")
    ap.add_argument(
        "--queries-on",
        type=Path,
        default=None,
        help="only the query mix, on this existing store (e.g. one --keep left)",
    )
    ap.add_argument(
        "--onto",
        type=Path,
        default=None,
        help="ingest --sizes articles, numbered from --first, onto this existing store",
    )
    ap.add_argument("--first", type=int, default=0, help="the first article's number (--onto)")
    ap.add_argument("--load-child", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--store", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--result", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--profile-to", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--bulk", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--no-conflicts", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.load_child is not None:
        load_child(args)
        return
    if args.report is not None:
        report(json.loads(args.report.read_text()), args.report)
        return
    if args.queries_on is not None:
        queries_only(args)
        return
    if args.onto is not None:
        onto(args)
        return

    sizes = sorted(int(s) for s in args.sizes.split(","))
    budget = args.budget_minutes * 60
    work = args.work or Path(tempfile.mkdtemp(prefix="cg-bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {
        "command": " ".join(["python", *sys.argv]),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "code": git_state(),
        "budget_minutes": args.budget_minutes,
        "clients": args.clients,
        "decisions": [],
        "sizes": [],
    }

    def say(text: str) -> None:
        print(f"\n{text}", flush=True)
        out["decisions"].append(text)

    def measure(size: int, *, bulk: bool, conflicts: bool = True) -> dict[str, Any]:
        store = work / f"store-{'bulk' if bulk else 'ingest'}-{size}"
        how = "bulk-loading" if bulk else "ingesting"
        print(f"\n{how} {size:,} articles into {store} (load average {load_average()})", flush=True)
        before = load_average()
        figures = run_load(
            size,
            store,
            work / f"load-{size}.json",
            batch=args.batch,
            workers=args.workers,
            bulk=bulk,
            conflicts=conflicts,
        )
        entry: dict[str, Any] = {
            "articles": size,
            "load_avg": [before, load_average()],
            "disk_bytes": disk_bytes(store),
            "disk_parts": disk_parts(store),
            "load": {k: v for k, v in figures.items() if k not in ("sample", "progress")},
            "progress": figures["progress"],
        }
        print(
            f"{figures['quads']:,} quads in {minutes(figures['load_seconds'])}, "
            f"{mb(entry['disk_bytes'])} MB on disk, peak RSS {mb(figures['peak_rss_bytes'])} MB",
            flush=True,
        )
        if args.seconds > 0:
            entry.update(query_phase(store, figures["sample"], work, args))
        out["sizes"].append(entry)
        args.out.write_text(json.dumps(out, indent=1))
        if not args.keep:
            shutil.rmtree(store, ignore_errors=True)
        return entry

    try:
        model: Growth | None = None
        ingested: set[int] = set()
        if args.load != "auto":
            for size in sizes:
                measure(size, bulk=args.load == "bulk")
            sizes = []
        elif 0 < args.pilot < sizes[-1]:
            model = Growth.of(measure(args.pilot, bulk=False))
            ingested.add(args.pilot)
        for size in sizes:
            if size in ingested:
                continue
            estimate = model.seconds(size) if model else 0.0
            if estimate <= budget:
                entry = measure(size, bulk=False)
                model = Growth.of(entry)
                ingested.add(size)
                continue
            fits = model.largest(size, budget) if model else size
            largest = max(ingested, default=0)
            plan_text = (
                f"ingesting {fits:,}, the largest size estimated to fit"
                if fits > largest
                else f"the largest ingest stays the {largest:,} already measured"
            )
            say(
                f"{size:,} articles through the ingest path: about {minutes(estimate)} at the "
                f"rates measured on {largest:,} (over the {minutes(budget)} budget); "
                f"{plan_text}; bulk-loading {size:,} (mapping + Store.bulk_extend) "
                "for disk and queries"
            )
            if fits > largest:
                entry = measure(fits, bulk=False)
                model = Growth.of(entry)
                ingested.add(fits)
            # conflicts refresh is all pairs of like figures: only where it fits the budget too
            conflicts = model.steps(size)["conflicts"] <= budget / 4 if model else True
            if not conflicts:
                say(
                    f"no conflicts refresh on the bulk-loaded {size:,}: about "
                    f"{minutes(model.steps(size)['conflicts'])} estimated"  # type: ignore[union-attr]
                )
            measure(size, bulk=True, conflicts=conflicts)
        if model is not None:
            out["estimates"] = {
                f"{n:,}": {"seconds": model.seconds(n), "steps": model.steps(n)}
                for n in sizes
                if n not in ingested
            }
        if args.profile and args.pilot > 0:
            stats_path = work / f"load-{args.pilot}.pstats"
            store = work / f"store-profile-{args.pilot}"
            print(f"\nprofiling the ingest of {args.pilot:,} articles", flush=True)
            before = load_average()
            profiled = run_load(
                args.pilot,
                store,
                work / "load-profile.json",
                batch=args.batch,
                profile_to=stats_path,
            )
            out["profile"] = {
                "articles": args.pilot,
                "load_seconds_under_cprofile": profiled["load_seconds"],
                "load_avg": [before, load_average()],
                "breakdown": profile_breakdown(stats_path),
                "pstats": str(stats_path),
            }
            (work / "profile-top.txt").write_text(top_functions(stats_path, 40))
            shutil.rmtree(store, ignore_errors=True)
        out["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        args.out.write_text(json.dumps(out, indent=1))
    finally:
        if not args.keep:
            for p in work.glob("store-*"):
                shutil.rmtree(p, ignore_errors=True)
    report(out, args.out, work)


def store_sample(store: Path) -> dict[str, list[str]]:
    """What the mix asks about, read from a store instead of recorded while loading it: a
    spread of its claims, people and their names."""
    from kg.graph.vocab import SCHEMA
    from kg.store.embedded import ClaimStore

    with ClaimStore(store, read_only=True) as s:
        claims = [r[0].value for r in s.query(f"SELECT ?c {{ ?c a {SCHEMA.Claim} }}")]  # type: ignore[union-attr]
        people = [
            (r[0].value, r[1].value)
            for r in s.query(f"SELECT ?e ?n {{ ?e a {SCHEMA.Person} ; {SCHEMA.name} ?n }}")  # type: ignore[union-attr]
            if r[0].value.startswith(BASE + "person/")
        ]
    return {
        "claims": claims[::97] or claims,
        "entities": sorted({e for e, _ in people})[::97] or [e for e, _ in people],
        "names": sorted({n for _, n in people})[::97] or [n for _, n in people],
    }


def query_phase(
    store: Path, sample: dict[str, list[str]], work: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """The server on `store`: the mix from several clients, then each kind alone."""
    requests = plan(sample, 200_000)
    out: dict[str, Any] = {}
    with serving(store, work / "server.log", args.query_timeout) as origin:
        before = load_average()
        run = asyncio.run(drive(origin, requests, args.clients, args.seconds))
        out["query_load_avg"] = [before, load_average()]
        out["queries"] = query_figures(run)
        if args.solo_seconds > 0:
            out["solo"] = query_figures(asyncio.run(solo(origin, requests, args.solo_seconds)))
    return out


def onto(args: argparse.Namespace) -> None:
    """Articles through the ingest path onto an existing store (one bulk-loaded, say): what
    each step, the text index's upkeep included, costs an article at that store's size.
    No conflicts refresh at the end: it is once a load, not per article (195 s at 100,000
    articles in the third run)."""
    size = int(args.sizes)
    work = args.work or Path(tempfile.mkdtemp(prefix="cg-bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    before = load_average()
    figures = run_load(
        size,
        args.onto,
        work / f"onto-{size}.json",
        batch=args.batch,
        workers=args.workers,
        conflicts=False,
        first=args.first,
    )
    entry = {
        "command": " ".join(["python", *sys.argv]),
        "code": git_state(),
        "store": str(args.onto),
        "load_avg": [before, load_average()],
        "load": {k: v for k, v in figures.items() if k not in ("sample", "progress")},
        "progress": figures["progress"],
    }
    args.out.write_text(json.dumps(entry, indent=1))
    total = figures["load_seconds"]
    print(json.dumps({k: entry["load"][k] for k in ("steps", "load_seconds")}, indent=1))
    print(f"index share: {figures['steps']['index'] / total:.1%} of {total:.0f} s")


def queries_only(args: argparse.Namespace) -> None:
    """The query mix and each kind alone on an existing store; its entry in `--out`."""
    store = args.queries_on
    entry: dict[str, Any] = {
        "store": str(store),
        "code": git_state(),
        "disk_bytes": disk_bytes(store),
    }
    work = args.work or Path(tempfile.mkdtemp(prefix="cg-bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    entry.update(query_phase(store, store_sample(store), work, args))
    args.out.write_text(json.dumps(entry, indent=1))
    print(json.dumps({k: entry[k] for k in ("queries", "solo") if k in entry}, indent=1))


def report(out: dict[str, Any], results: Path, work: Path | None = None) -> None:
    """The decisions, the tables and the profile, in markdown."""
    print()
    for text in out["decisions"]:
        print(f"- {text}")
    print()
    print(tables(out))
    if "profile" in out:
        p = out["profile"]
        print(
            f"\n| cProfile, ingest of {p['articles']:,} articles "
            f"({minutes(p['load_seconds_under_cprofile'])} under the profiler) "
            "| s | share | calls |"
        )
        print("|---|---|---|---|")
        for row in p["breakdown"]:
            print(
                f"| {row['what']} | {row['seconds']:,.1f} | {row['share']:.0%} | {row['calls']:,} |"
            )
        print(f"\ntop functions by own time: {Path(p['pstats']).with_name('profile-top.txt')}")
    print(f"\nresults: {results}" + (f"; logs under {work}" if work else ""))


if __name__ == "__main__":
    main()
