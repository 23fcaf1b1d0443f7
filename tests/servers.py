"""Real SPARQL servers for the tests, on loopback, with their data in a temporary directory.

`oxigraph serve` comes from PyPI (the `oxigraph` package, a dev dependency); Virtuoso 7 from
Debian (`virtuoso-opensource`, which `make test` installs). Without Virtuoso its tests are
skipped, unless CLAIMGRAPH_REQUIRE_SERVERS=1 (as `make test` sets): then they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kg.store.remote import Endpoints

BACKENDS = ("embedded", "oxigraph", "virtuoso")
# Small on purpose, so that the tests reach each server's limits quickly.
OXIGRAPH_TIMEOUT_S = 5
VIRTUOSO_MAX_ROWS = 3000
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"  # a new Virtuoso database's own account


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class SparqlServer:
    kind: str
    endpoints: Endpoints
    process: subprocess.Popen[bytes]
    log: Path
    system_graphs: frozenset[str] = frozenset()

    def cli_args(self) -> list[str]:
        e = self.endpoints
        args = ["--sparql-endpoint", e.query]
        if e.update:
            args += ["--update-endpoint", e.update]
        if e.graph_store:
            args += ["--graph-store", e.graph_store]
        if e.user:
            args += ["--sparql-user", e.user]
        return args

    def env(self) -> dict[str, str]:
        """The CLAIMGRAPH_* variables that point claimgraph (CLI or API) at this server."""
        e = self.endpoints
        env = {"CLAIMGRAPH_SPARQL_ENDPOINT": e.query}
        if e.update:
            env["CLAIMGRAPH_UPDATE_ENDPOINT"] = e.update
        if e.graph_store:
            env["CLAIMGRAPH_GRAPH_STORE"] = e.graph_store
        if e.user:
            env["CLAIMGRAPH_SPARQL_USER"] = e.user
        if e.password:
            env["CLAIMGRAPH_SPARQL_PASSWORD"] = e.password
        return env

    def graphs(self) -> set[str]:
        with self._client() as client:
            r = client.post(
                self.endpoints.query,
                data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                headers={"Accept": "application/sparql-results+json"},
            )
        r.raise_for_status()
        return {b["g"]["value"] for b in r.json()["results"]["bindings"]}

    def clear(self) -> None:
        """Drop every graph but the server's own, so that each test starts empty."""
        mine = sorted(self.graphs() - self.system_graphs)
        if mine:
            request = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in mine)
            with self._client() as client:
                r = client.post(self.endpoints.update_url, data={"update": request})
            r.raise_for_status()

    def _client(self) -> httpx.Client:
        e = self.endpoints
        auth = httpx.DigestAuth(e.user, e.password or "") if e.user else None
        return httpx.Client(timeout=60, auth=auth)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(kind: str, where: Path, *, union: bool = True) -> SparqlServer:
    """`union=False`: an Oxigraph server whose default graph is only the default graph."""
    where.mkdir(parents=True, exist_ok=True)
    if kind == "oxigraph":
        return _start_oxigraph(where, union=union)
    if kind == "virtuoso":
        return _start_virtuoso(where)
    raise ValueError(kind)


def _oxigraph_cli() -> str:
    exe = Path(sys.executable).with_name("oxigraph")
    return str(exe) if exe.exists() else (shutil.which("oxigraph") or "oxigraph")


def _start_oxigraph(where: Path, *, union: bool) -> SparqlServer:
    port = free_port()
    log = where / "oxigraph.log"
    cmd = [
        _oxigraph_cli(),
        "serve",
        "--location",
        str(where / "data"),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout-s",
        str(OXIGRAPH_TIMEOUT_S),
    ] + (["--union-default-graph"] if union else [])
    process = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    origin = f"http://127.0.0.1:{port}"
    endpoints = Endpoints(
        query=f"{origin}/query", update=f"{origin}/update", graph_store=f"{origin}/store"
    )
    server = SparqlServer("oxigraph", endpoints, process, log)
    _wait(server)
    return server


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}/vsp
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""


def _start_virtuoso(where: Path) -> SparqlServer:
    exe = shutil.which("virtuoso-t")
    if exe is None:
        message = "Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)"
        if os.environ.get("CLAIMGRAPH_REQUIRE_SERVERS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    data = where / "virtuoso"
    (data / "vsp").mkdir(parents=True)
    http_port = free_port()
    ini = data / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            d=data, sql_port=free_port(), http_port=http_port, max_rows=VIRTUOSO_MAX_ROWS
        )
    )
    log = where / "virtuoso.out"
    process = subprocess.Popen(
        [exe, "-c", str(ini), "+foreground"],
        cwd=data,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    origin = f"http://127.0.0.1:{http_port}"
    endpoints = Endpoints(
        query=f"{origin}/sparql-auth",
        user=VIRTUOSO_USER,
        password=VIRTUOSO_PASSWORD,
    )
    server = SparqlServer("virtuoso", endpoints, process, log)
    _wait(server)
    server.system_graphs = frozenset(server.graphs())
    return server


def _wait(server: SparqlServer) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.kind} exited:\n{server.log.read_text(errors='replace')}")
        try:
            server.graphs()
            return
        except (httpx.TransportError, httpx.HTTPStatusError):
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{server.kind} did not start:\n{server.log.read_text(errors='replace')}")
