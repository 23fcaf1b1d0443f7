"""Shared fixtures: a fresh store per test, the CLI as a user runs it, the examples.

Every test that uses `cli` or `backend` runs once per store backend: the embedded store, and
real `oxigraph serve` and Virtuoso 7 servers on loopback (tests/servers.py), each emptied
before the test. A test about the embedded store's directory is marked `embedded_only`.
"""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.store.graphstore import GraphStore
from kg.store.opening import StoreConfig, open_store
from tests.servers import BACKENDS, SparqlServer, start

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED = EXAMPLES / "articles" / "seed-la-national-guard"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    stdout_bytes: bytes


CliFn = Callable[..., Run]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "embedded_only: about the embedded store's directory; one backend only"
    )
    config.addinivalue_line("markers", "servers_only: about SPARQL servers as the store")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("embedded_only")
        remote = metafunc.definition.get_closest_marker("servers_only")
        kinds = ("embedded",) if only else BACKENDS[1:] if remote else BACKENDS
        metafunc.parametrize("backend", kinds, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked `embedded_only` that a session fixture gave a server backend is dropped."""
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        remote = any(v in BACKENDS[1:] for v in params.values() if isinstance(v, str))
        (drop if remote and item.get_closest_marker("embedded_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


_SERVERS: dict[str, SparqlServer] = {}


@pytest.fixture(scope="session")
def sparql_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, SparqlServer]]:
    """The servers, each started at its first use and stopped at the end of the session."""
    yield _SERVERS
    for server in _SERVERS.values():
        server.stop()
    _SERVERS.clear()


@dataclass
class Backend:
    """Where a test's graph lives: `args` point the CLI there, `open()` the library."""

    kind: str
    store_dir: Path
    server: SparqlServer | None

    @property
    def args(self) -> list[str]:
        return ["--store", str(self.store_dir)] + (self.server.cli_args() if self.server else [])

    @property
    def config(self) -> StoreConfig:
        endpoints = self.server.endpoints if self.server else None
        return StoreConfig(self.store_dir, endpoints)

    def open(self, *, read_only: bool = False) -> GraphStore:
        return open_store(self.config, read_only=read_only)


@pytest.fixture(scope="module")
def listener() -> Iterator[socket.socket]:
    """A loopback port that records whether anything connects to it (nothing may)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def backend(
    request: pytest.FixtureRequest,
    store_dir: Path,
    sparql_servers: dict[str, SparqlServer],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> Backend:
    kind: str = getattr(request, "param", "embedded")
    if kind == "embedded":
        return Backend(kind, store_dir, None)
    if kind not in sparql_servers:
        sparql_servers[kind] = start(kind, tmp_path_factory.mktemp(kind))
    server = sparql_servers[kind]
    server.clear()
    if server.endpoints.password:
        monkeypatch.setenv("CLAIMGRAPH_SPARQL_PASSWORD", server.endpoints.password)
    return Backend(kind, store_dir, server)


@pytest.fixture
def cli(backend: Backend) -> CliFn:
    """Run `claimgraph --store <tmp> [--sparql-endpoint …] ARGS…` in-process, as the console
    script would."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None, store: bool = True) -> Run:
        argv = (backend.args if store else []) + list(args)
        r = runner.invoke(app, argv, input=input, catch_exceptions=False)
        return Run(r.exit_code, r.stdout, r.stderr, r.stdout_bytes)

    return run


@pytest.fixture
def seed(tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the seed article and its fact sheet, free to edit."""
    text = tmp_path / "seed.txt"
    facts = tmp_path / "seed.facts.json"
    shutil.copy(SEED.with_suffix(".txt"), text)
    shutil.copy(SEED.with_name(SEED.name + ".facts.json"), facts)
    return text, facts


def edit_facts(path: Path, change: Callable[[dict], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
