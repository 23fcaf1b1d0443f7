"""The README's commands, run as written, in a directory holding only a copy of examples/.

A user who clones the project has the examples and nothing beside them; each command of the
README's usage block, and of its SPARQL-server block (on a free port instead of 7878, which
another program may hold), must run there and succeed. The Virtuoso line needs the user's
own server and password, and is not run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT

README = ROOT / "README.md"
EXAMPLES_FACTCHECKS = ROOT / "examples" / "factchecks"


def sh_block(after_heading: str) -> str:
    """The first ```sh block after a heading of the README."""
    text = README.read_text(encoding="utf-8")
    start = text.index(after_heading + "\n")
    match = re.compile(r"```sh\n(.*?)\n```", re.DOTALL).search(text, start)
    assert match is not None, f"no sh block after {after_heading!r}"
    return match.group(1)


def user_dir(tmp_path: Path) -> Path:
    """A working directory as on a fresh clone: the examples and the built .venv."""
    work = tmp_path / "clone"
    work.mkdir()
    shutil.copytree(ROOT / "examples", work / "examples")
    (work / ".venv").symlink_to(Path(sys.executable).parent.parent)
    return work


def user_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMGRAPH_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def bash(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=cwd,
        env=user_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_the_usage_commands_run_as_written(tmp_path: Path) -> None:
    work = user_dir(tmp_path)
    block = sh_block("## Using it")
    assert "../shared" not in block
    r = bash(block, work)
    assert r.returncode == 0, f"{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    assert (work / "all.trig").stat().st_size > 0
    assert (work / "site" / "index.html").is_file()
    assert (work / "backups" / "2026-11-23").is_dir()
    assert "consistent (HermiT" in r.stdout
    run = [line.split() for line in (work / "run.trec").read_text().splitlines()]
    assert {q for q, *_ in run} == {"q1", "q2", "q3", "q4"}
    best = {q: doc for q, _, doc, rank, *_ in run if rank == "1"}
    assert best["q3"].endswith("shark-on-flooded-highway")
    assert best["q2"] == "hc-2025-0611-la"
    assert b'"@type": "DataFeed"' in (work / "claims.json").read_bytes()
    assert (work / "claimskg.ttl").stat().st_size > 0
    assert "International Longshore and Warehouse Union" in r.stdout  # the conflicts query


def test_the_server_commands_run_as_written(tmp_path: Path) -> None:
    work = user_dir(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    block = sh_block("### A SPARQL server instead of the embedded store")
    block = block.replace("127.0.0.1:7878", f"127.0.0.1:{port}")
    first, rest = block.split("\n", 1)
    assert first.startswith("oxigraph serve ") and first.endswith(" &")
    server = subprocess.Popen(
        ["bash", "-c", "exec " + first.removesuffix(" &")],
        cwd=work,
        env=user_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "oxigraph serve did not start"
                time.sleep(0.1)
        r = bash(rest, work)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert r.returncode == 0, f"{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    assert "4 stored" not in r.stdout and "3 stored, 0 unchanged" in r.stdout
    assert re.search(r"articles\s+4\b", r.stdout), r.stdout
    assert (work / "server-data").is_dir()
    assert not (work / ".claimgraph" / "store").exists()  # the graph is on the server


def test_the_fact_check_sources_flow_runs_as_written(tmp_path: Path) -> None:
    """The sources block against loopback stand-ins for its three services: the examples'
    DataFeed on a publisher's site, a Fact Check Tools-shaped API and `oxigraph serve`
    holding a ClaimsKG record; the store first holds the examples' claims. Each service
    counts what it sends: the second sync, and the server's own sync at start-up, fetch
    nothing a second time."""
    import httpx

    from kg.factcheck.claimreview import read_path
    from tests.http_sources import FactCheckTools, Site, claim
    from tests.servers import start

    work = user_dir(tmp_path)
    block = sh_block("### Fact-checking databases, kept in sync")
    site, ckg = Site(), start("oxigraph", tmp_path / "claimskg")
    key = "readme-key-3b7a"
    api = FactCheckTools(key, [claim(1, "Trump sent National Guard troops to LA", 2, "True")])
    try:
        sample = (ROOT / "tests" / "data" / "factcheck" / "claimskg-sample.ttl").read_bytes()
        httpx.post(
            ckg.endpoints.query.rsplit("/", 1)[0] + "/store?default",
            content=sample,
            headers={"Content-Type": "text/turtle"},
        ).raise_for_status()
        feed = (EXAMPLES_FACTCHECKS / "example-fact-desk.datafeed.jsonld").read_bytes()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        block = (
            block.replace("https://factdesk.example.org/datafeed.jsonld", site.put("/feed", feed))
            .replace("--fact-check-tools", f"--fact-check-tools --endpoint {api.endpoint}")
            .replace("https://data.gesis.org/claimskg/sparql", ckg.endpoints.query)
            .replace("your-google-api-key", key)
            .replace("127.0.0.1:8000", f"127.0.0.1:{port}")
            .replace("claimgraph serve &", f"claimgraph serve --port {port} &")
        )
        before, serve, curl = re.split(r"\n(.*claimgraph serve.*)\n", block)
        serve = serve.split("  #")[0].strip()
        assert serve.endswith(" &") and curl.startswith("curl ")
        stored = bash(".venv/bin/claimgraph demo --fact-sheets examples", work)
        assert stored.returncode == 0, stored.stderr[-3000:]
        r = bash(before, work)
        assert r.returncode == 0, f"{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
        summaries = [
            x for x in r.stdout.splitlines() if re.match(r"(fact-desk|guard|claimskg) \(", x)
        ]
        assert "guard\tfact-check-tools" in r.stdout  # `source list`
        first, second = summaries[:3], summaries[3:]
        assert [x.split(" ")[0] for x in first + second] == ["claimskg", "fact-desk", "guard"] * 2
        news = [int(x.split(": ")[1].split(" new")[0]) for x in first]
        in_feed = len(read_path(EXAMPLES_FACTCHECKS / "example-fact-desk.datafeed.jsonld").reviews)
        assert news == [1, in_feed, 1], first
        assert "claims re-matched" in r.stdout
        for line in second:
            assert "0 new, 0 changed, 0 unchanged, 0 refused; 1 requests" in line, line
        assert site.bodies["/feed"] == 1 and api.claims_sent == 1

        env = user_env() | {"FACT_CHECK_TOOLS_KEY": key}
        server = subprocess.Popen(
            ["bash", "-c", "exec env " + serve.removesuffix(" &")],
            cwd=work,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "claimgraph serve did not start"
                    time.sleep(0.1)
            answer = bash(curl, work)
            assert answer.returncode == 0, answer.stderr
            links = json.loads(answer.stdout)["items"]
            assert links and {x["url"] for x in links} & {
                "https://checks.example/fct/1",
                "https://tideline.example/checks/portland-warehouse-shelter/",
            }
            deadline = time.monotonic() + 30
            while site.requests["/feed"] < 3:  # the server's own sync at start-up
                assert time.monotonic() < deadline, "the server did not sync at start-up"
                time.sleep(0.1)
        finally:
            server.terminate()
            server.wait(timeout=30)
        assert site.bodies["/feed"] == 1 and api.claims_sent == 1
    finally:
        site.close()
        api.close()
        ckg.stop()
