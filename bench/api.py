"""API latency and throughput: claimgraph's server against rdflib-endpoint on the same data.

Reproduce (from the project's root):

    .venv/bin/python bench/api.py                      # ≥ 1 M triples, 4 clients
    .venv/bin/python bench/api.py --triples 100000     # a quick run

The graph is generated, not downloaded: the example articles' fact sheets are replayed as
many synthetic articles (new URLs, dates and claimant names, so entities and claims grow
with the graph), mapped to quads with `kg.graph.mapping.article_graphs` and bulk-loaded into
Oxigraph. rdflib-endpoint serves the same quads from an rdflib Dataset (union default
graph). Both run as their own processes on loopback; N async httpx clients send a fixed
query mix (lookups, 2-hop joins, aggregates, a CONSTRUCT, and for claimgraph linked-data
page fetches). rdflib is slow, so each peer's run is bounded by time (`--seconds`) and by
count (`--requests`), and the table reports what completed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.extract.report import Extraction  # noqa: E402
from kg.extract.textio import read_article, read_facts  # noqa: E402
from kg.graph.mapping import article_graphs  # noqa: E402

ARTICLES = ROOT / "examples" / "articles"
SURNAMES = "Okafor Lindqvist Moreau Tanaka Alvarez Novak Haddad Byrne Kowalski Mensah".split()
DAY0 = dt.date(2024, 1, 1)

RDFLIB_SERVER = """
import sys, time
import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint
started = time.perf_counter()
ds = Dataset(default_union=True)
ds.parse(sys.argv[1], format="nquads")
print(f"loaded {len(ds)} quads in {time.perf_counter() - started:.0f} s", flush=True)
app = SparqlEndpoint(graph=ds, path="/sparql", enable_update=False)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


# -- the data ----------------------------------------------------------------------------


def samples() -> list[tuple[str, Extraction]]:
    """The example articles with their fact sheets: what every synthetic article is made of."""
    out = []
    for path in sorted(ARTICLES.glob("*.txt")):
        text = read_article(path)
        out.append((text, read_facts(path.with_name(path.stem + ".facts.json"), text)))
    return out


def synthetic(
    n: int, sources: list[tuple[str, Extraction]], rng: random.Random
) -> tuple[str, Extraction]:
    """Synthetic article `n`: an example's text and facts under a new URL and date, with half
    of its people and organisations renamed (by `rng`), so entities grow with the graph."""
    text, report = sources[n % len(sources)]
    r = report.model_copy(deep=True)
    r.article.url = f"https://bench.example.org/news/{n}"
    r.article.published = DAY0 + dt.timedelta(days=n % 700)
    suffix = SURNAMES[n % len(SURNAMES)] + f" {n // 50}"
    for e in r.entities:
        if e.type in ("Person", "Organization") and rng.random() < 0.5:
            e.name = f"{e.name} {suffix}"
    return text, r


def generate(target: int, store_dir: Path, nquads: Path) -> tuple[int, int, list[str]]:
    """Synthetic articles until `target` quads; bulk-load them; also write N-Quads.

    Returns (quads, articles, some claimant names to look up).
    """
    from pyoxigraph import RdfFormat, Store, serialize

    sources = samples()
    rng = random.Random(7)
    store = Store(str(store_dir))
    total, n, names = 0, 0, []
    batch = []
    with nquads.open("wb") as out:
        while total < target:
            text, r = synthetic(n, sources, rng)
            graphs = article_graphs(text, r, ingested_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
            batch.extend(graphs.quads)
            total += len(graphs.quads)
            if n % 97 == 0:
                names.extend(e.name for e in r.entities if e.type == "Person")
            n += 1
            if len(batch) > 200_000:
                store.bulk_extend(batch)
                serialize(batch, out, RdfFormat.N_QUADS)
                batch = []
        store.bulk_extend(batch)
        serialize(batch, out, RdfFormat.N_QUADS)
    store.flush()
    quads = len(store)
    del store
    return quads, n, names[:50]


# -- the query mix -----------------------------------------------------------------------

P = """PREFIX schema: <http://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX cg: <https://w3id.org/claimgraph/ns#>
"""


def mix(names: list[str], claims: list[str], rng: random.Random) -> tuple[str, str]:
    """One request of the mix: (kind, SPARQL or linked-data path)."""
    kind = rng.choice(["lookup", "join2", "aggregate", "construct", "page"])
    name = rng.choice(names).replace('"', "")
    claim = rng.choice(claims)
    if kind == "lookup":
        return kind, P + f'SELECT ?p WHERE {{ ?p schema:name "{name}" }} LIMIT 10'
    if kind == "join2":
        return kind, P + (
            f'SELECT ?text ?url WHERE {{ ?who schema:name "{name}" . '
            "?c prov:wasAttributedTo ?who ; schema:text ?text ; schema:appearance ?a . "
            "?a schema:url ?url } LIMIT 50"
        )
    if kind == "aggregate":
        return kind, P + (
            "SELECT ?cue (COUNT(?c) AS ?n) WHERE { ?c cg:cue ?cue ; schema:text ?t . "
            f'FILTER (STRSTARTS(?t, "{rng.choice("tawmo")}")) }} GROUP BY ?cue '
            "ORDER BY DESC(?n) LIMIT 10"
        )
    if kind == "construct":
        return kind, P + f"CONSTRUCT {{ <{claim}> ?p ?o }} WHERE {{ <{claim}> ?p ?o }}"
    return kind, "/id/" + claim.split("/id/", 1)[1]


@dataclass
class Run:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    done: int = 0
    seconds: float = 0.0


async def drive(
    origin: str,
    names: list[str],
    claims: list[str],
    clients: int,
    requests: int,
    seconds: float,
    pages: bool,
) -> Run:
    """`requests` of the mix (only page fetches when `pages`, none otherwise), after a warm-up."""
    run = Run()
    rng = random.Random(11)
    plan = []
    while len(plan) < requests:
        kind, what = mix(names, claims, rng)
        if (kind == "page") == pages:
            plan.append((kind, what))
    async with httpx.AsyncClient(base_url=origin, timeout=seconds + 60) as http:
        for kind, what in plan[:5]:  # warm-up: the workers' first queries, page caches
            if kind != "page":
                await http.post("/sparql", data={"query": what})
    deadline = time.perf_counter() + seconds
    todo = iter(plan)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=origin, timeout=seconds + 60) as http:
            for kind, what in todo:
                if time.perf_counter() > deadline:
                    return
                started = time.perf_counter()
                try:
                    if kind == "page":
                        r = await http.get(what, headers={"Accept": "text/html"})
                    else:
                        accept = (
                            "text/turtle"
                            if kind == "construct"
                            else ("application/sparql-results+json")
                        )
                        r = await http.post(
                            "/sparql", data={"query": what}, headers={"Accept": accept}
                        )
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if not ok:
                    run.errors += 1
                    continue
                run.latencies.setdefault(kind, []).append(time.perf_counter() - started)
                run.done += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    run.seconds = time.perf_counter() - started
    return run


# -- servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_up(url: str, process: subprocess.Popen[bytes], limit: float) -> bool:
    end = time.perf_counter() + limit
    while time.perf_counter() < end:
        if process.poll() is not None:
            return False
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    return False


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, run: Run) -> dict[str, tuple[float, float]]:
    out = {}
    print(
        f"\n{name}: {run.done} requests in {run.seconds:.1f} s "
        f"({run.done / run.seconds:.1f}/s), {run.errors} errors"
    )
    print(f"  {'kind':<10} {'n':>5} {'p50 ms':>9} {'p95 ms':>9}")
    for kind in ("lookup", "join2", "aggregate", "construct", "page"):
        lat = run.latencies.get(kind, [])
        if not lat:
            continue
        p50, p95 = statistics.median(lat) * 1000, pct(lat, 0.95) * 1000
        out[kind] = (p50, p95)
        print(f"  {kind:<10} {len(lat):>5} {p50:>9.1f} {p95:>9.1f}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000, help="quads to generate")
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients")
    ap.add_argument("--requests", type=int, default=400, help="requests per server, at most")
    ap.add_argument("--seconds", type=float, default=120, help="time bound per server run")
    ap.add_argument("--load-seconds", type=float, default=900, help="rdflib load time bound")
    ap.add_argument("--no-peer", action="store_true", help="skip rdflib-endpoint")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cg-bench-api-"))
    try:
        started = time.perf_counter()
        store, nq = work / "store", work / "data.nq"
        quads, articles, names = generate(args.triples, store, nq)
        print(
            f"generated {quads} quads from {articles} articles "
            f"in {time.perf_counter() - started:.0f} s"
        )
        from pyoxigraph import Store

        ro = Store.read_only(str(store))
        claims = [
            str(r[0].value)
            for r in ro.query(
                "SELECT ?c WHERE { ?c a <http://schema.org/Claim> } LIMIT 500",
                use_default_graph_as_union=True,
            )
        ]
        del ro
        env = dict(
            os.environ,
            CLAIMGRAPH_QUERY_TIMEOUT="60",
            CLAIMGRAPH_ROW_CAP="100000",
            CLAIMGRAPH_QUERY_WORKERS="2",
        )
        port = free_port()
        ours = subprocess.Popen(
            [sys.executable, "-m", "api.server", str(store), str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert wait_up(f"http://127.0.0.1:{port}/sparql", ours, 120), "claimgraph did not start"
            origin = f"http://127.0.0.1:{port}"
            mine = asyncio.run(
                drive(origin, names, claims, args.clients, args.requests, args.seconds, False)
            )
            pages = asyncio.run(
                drive(origin, names, claims, args.clients, args.requests // 4, args.seconds, True)
            )
        finally:
            stop(ours)
        a = report("claimgraph (Oxigraph, worker processes): SPARQL mix", mine)
        report("claimgraph: linked-data HTML claim pages (5 queries each)", pages)
        if args.no_peer:
            return
        port = free_port()
        started = time.perf_counter()
        peer = subprocess.Popen(
            [sys.executable, "-c", RDFLIB_SERVER, str(nq), str(port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            if not wait_up(f"http://127.0.0.1:{port}/sparql", peer, args.load_seconds):
                print(
                    f"\nrdflib-endpoint: not serving within {args.load_seconds:.0f} s of "
                    "loading; no figures"
                )
                return
            print(f"\nrdflib-endpoint up after {time.perf_counter() - started:.0f} s (load)")
            theirs = asyncio.run(
                drive(
                    f"http://127.0.0.1:{port}",
                    names,
                    claims,
                    args.clients,
                    args.requests,
                    args.seconds,
                    pages=False,
                )
            )
        finally:
            stop(peer)
        b = report("rdflib-endpoint (rdflib Dataset): SPARQL mix", theirs)
        print("\nratios (rdflib-endpoint / claimgraph)")
        for kind in a:
            if kind in b:
                print(
                    f"  {kind:<10} p50 ×{b[kind][0] / a[kind][0]:.1f}  "
                    f"p95 ×{b[kind][1] / a[kind][1]:.1f}"
                )
        if mine.done and theirs.done:
            ratio = (mine.done / mine.seconds) / (theirs.done / theirs.seconds)
            print(f"  throughput (SPARQL mix): claimgraph ×{ratio:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
