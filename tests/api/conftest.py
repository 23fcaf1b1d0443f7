"""A real API server for the API tests: uvicorn in its own process, on loopback and a free port.

The store is built once per session by ingesting `examples/articles/*.txt` with their fact
sheets; each server gets its own copy, because a server opens its store read-write and keeps
its checkpoints beside it.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pyoxigraph import RdfFormat

from kg.extract.textio import read_article, read_facts
from kg.ingest.article import ingest_report
from kg.ingest.conflicts import refresh_conflicts
from kg.store.embedded import ClaimStore
from kg.store.remote import RemoteStore
from tests.servers import BACKENDS, SparqlServer, start

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "examples" / "articles"

# Small limits, so that the deadline and the caps are reached quickly.
TIMEOUT = 1.0
ROW_CAP = 500
MAX_BYTES = 65_536
# Four cross joins of the ~2,500 quads: about 4e13 combinations, hours of work for the engine.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@dataclass
class Server:
    url: str  # the endpoint, …/sparql
    store: Path
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(timeout=60, **kwargs)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def build_store(path: Path) -> None:
    with ClaimStore(path) as store:
        for article in sorted(ARTICLES.glob("*.txt")):
            text = read_article(article)
            report = read_facts(article.with_name(article.stem + ".facts.json"), text)
            ingest_report(store, text, report, model_version="fact sheet")


def nquads(path: Path) -> list[bytes]:
    """The store's content as sorted N-Quads lines (open only while no server runs on it)."""
    out = io.BytesIO()
    with ClaimStore(path) as store:
        store.dump(out, RdfFormat.N_QUADS)
    return sorted(out.getvalue().splitlines())


@contextmanager
def running_server(
    store: Path, log: Path, sparql: SparqlServer | None = None, **settings: str
) -> Iterator[Server]:
    """`python -m api.server STORE PORT` with CLAIMGRAPH_* settings; stopped on exit.

    With `sparql`, the graph lives on that server and STORE only holds the API's own files.
    """
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "CLAIMGRAPH_QUERY_TIMEOUT": str(TIMEOUT),
            "CLAIMGRAPH_ROW_CAP": str(ROW_CAP),
            "CLAIMGRAPH_MAX_REQUEST_BYTES": str(MAX_BYTES),
            "CLAIMGRAPH_QUERY_WORKERS": "2",
        }
    )
    env.update({f"CLAIMGRAPH_{k.upper()}": v for k, v in settings.items()})
    if sparql is not None:
        env.update(sparql.env())
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.server", str(store), str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}/sparql", store, process, log)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(server: Server) -> None:
    for _ in range(600):
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{server.log.read_text()}")
        try:
            if httpx.get(server.url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the server did not start:\n{server.log.read_text()}")


@pytest.fixture(scope="session")
def example_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api-store") / "pristine"
    build_store(path)
    return path


def copy_store(example_store: Path, where: Path) -> Path:
    target = where / "store"
    shutil.copytree(example_store, target)
    return target


@contextmanager
def api_over(
    kind: str, example_store: Path, where: Path, *, conflicts: bool = False, **settings: str
) -> Iterator[Server]:
    """An API server over a copy of the example store: on disk (`embedded`), or loaded into a
    fresh SPARQL server of that kind, started for it and stopped after."""
    if kind == "embedded":
        store = copy_store(example_store, where)
        if conflicts:
            with ClaimStore(store) as s:
                refresh_conflicts(s)
        with running_server(store, where / "server.log", **settings) as server:
            yield server
        return
    sparql = start(kind, where / kind)
    try:
        with ClaimStore(example_store, read_only=True) as source:
            quads = list(source.quads())
        with RemoteStore(sparql.endpoints) as target:
            target.replace_graphs(quads)
            if conflicts:
                refresh_conflicts(target)
        with running_server(where / "store", where / "server.log", sparql, **settings) as server:
            yield server
    finally:
        sparql.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def server(
    request: pytest.FixtureRequest,
    example_store: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    where = tmp_path_factory.mktemp(f"api-server-{request.param}")
    with api_over(request.param, example_store, where) as s:
        yield s


@pytest.fixture(scope="session")
def http(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client
