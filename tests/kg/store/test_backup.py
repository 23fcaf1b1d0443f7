"""Backup and restore of the embedded store, with and without a running server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, CliFn


def nquads(cli: CliFn) -> bytes:
    r = cli("export", "--format", "nquads")
    assert r.exit_code == 0, r.stderr
    return r.stdout_bytes


def dockworker_articles(cli: CliFn) -> list[dict[str, object]]:
    r = cli("search", "dockworkers", "--type", "article", "--format", "json")
    assert r.exit_code == 0, r.stderr
    found: list[dict[str, object]] = json.loads(r.stdout)
    return found


@pytest.mark.embedded_only
def test_backup_then_restore_gives_the_same_store(cli: CliFn, tmp_path: Path) -> None:
    assert cli("demo", "--fact-sheets", str(EXAMPLES)).exit_code == 0
    before = nquads(cli)
    # into a directory not made yet, as `claimgraph backup backups/DATE` in the README
    r = cli("backup", str(tmp_path / "backups" / "b1"))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("backed up 2") and "from the store" in r.stdout
    port = EXAMPLES / "articles" / "dev-port-strike"
    cli(
        "ingest",
        str(port) + ".txt",
        "--facts",
        str(port) + ".facts.json",
        "--url",
        "https://example.org/another-copy",
    )
    assert nquads(cli) != before
    assert len(dockworker_articles(cli)) == 2
    r = cli("restore", str(tmp_path / "backups" / "b1"))
    assert r.exit_code == 0, r.stderr
    assert nquads(cli) == before
    # The search index described the replaced store: it is rebuilt, not trusted.
    assert len(dockworker_articles(cli)) == 1
    again = cli("backup", str(tmp_path / "backups" / "b1"))
    assert again.exit_code == 2 and "exists" in again.stderr


def test_restore_refuses_what_is_not_a_backup(cli: CliFn, tmp_path: Path) -> None:
    assert cli("demo", "--fact-sheets", str(EXAMPLES)).exit_code == 0
    before = nquads(cli)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "CURRENT").write_text("nothing", encoding="utf-8")
    r = cli("restore", str(tmp_path / "junk"))
    assert r.exit_code != 0 and r.stderr.count("error:") == 1
    assert nquads(cli) == before


def test_backup_while_the_server_runs(tmp_path: Path) -> None:
    exe = str(Path(sys.executable).with_name("claimgraph"))
    store = str(tmp_path / "s")
    subprocess.run(
        [exe, "--store", store, "demo", "--fact-sheets", str(EXAMPLES)],
        check=True,
        capture_output=True,
    )
    expected = subprocess.run(
        [exe, "--store", store, "export", "--format", "nquads"], check=True, capture_output=True
    ).stdout
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [exe, "--store", store, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        done = subprocess.run(
            [exe, "--store", store, "backup", str(tmp_path / "b")], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert "running server's newest checkpoint" in done.stdout
        refused = subprocess.run(
            [exe, "--store", store, "restore", str(tmp_path / "b")], capture_output=True, text=True
        )
        assert refused.returncode != 0 and "in use by another" in refused.stderr
    finally:
        server.terminate()
        server.wait(timeout=20)
    copy = subprocess.run(
        [exe, "--store", str(tmp_path / "b"), "export", "--format", "nquads"],
        check=True,
        capture_output=True,
    ).stdout
    assert copy == expected


@pytest.mark.servers_only
def test_backup_of_a_sparql_server_is_refused_with_what_to_use(cli: CliFn, tmp_path: Path) -> None:
    r = cli("backup", str(tmp_path / "b"))
    assert r.exit_code == 2
    assert "the server's own tools" in r.stderr
    assert not (tmp_path / "b").exists()
