"""The README's commands, run as written, in a directory holding only a copy of examples/.

A user who clones the project has the examples and nothing beside them; each command of the
README's usage block, and of its SPARQL-server block (on a free port instead of 7878, which
another program may hold), must run there and succeed. The Virtuoso line needs the user's
own server and password, and is not run.
"""

from __future__ import annotations

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
