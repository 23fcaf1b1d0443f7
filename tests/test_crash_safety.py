"""kill -9 during a bulk ingest, twenty times: the store opens, every article in it is whole
and valid, the search index beside it is either trusted and equal to a rebuild from the
store, or marked untrusted and rebuilt, and a re-run completes the job. On every backend:
the embedded store, and the servers, whose client is killed mid-request."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from kg.graph.validate import validate_quads
from kg.search import TextIndex
from tests.conftest import Backend

PEOPLE = ["Ines Duarte", "Omar Haddad", "Lena Berg", "Tomas Lind", "Ada Quill", "Kofi Mensah"]
TITLES = ["Mayor", "Police Chief", "Port Director", "Health Minister", "Union President"]


def corpus(n: int, seed: int = 11) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        who, title = rng.choice(PEOPLE), rng.choice(TITLES)
        figure = rng.randint(12, 900)
        text = (
            f"{title} {who} said on Monday that {figure} workers would return on Friday. "
            f'"We expect the first shifts within days," {who.split()[1]} told reporters. '
            f"According to the city, about {figure * 3} residents were affected."
        )
        rows.append({"text": text, "url": f"https://n.example/{i}", "published": "2026-05-04"})
    return rows


def check_store(backend: Backend, urls: set[str]) -> int:
    """Every stored article is one of ours, whole and valid; returns how many there are."""
    with backend.open(read_only=True) as s:
        report = validate_quads(s.quads())
        assert not report.errors, report.text()
        rows = s.query(
            "SELECT ?url (COUNT(DISTINCT ?c) AS ?n) WHERE { "
            "?a <http://schema.org/url> ?url . "
            "OPTIONAL { ?c <http://schema.org/appearance> ?a } } GROUP BY ?url"
        )
        found = {r["url"].value: int(r["n"].value) for r in rows}  # type: ignore[union-attr]
    assert set(found) <= urls
    assert all(n >= 2 for n in found.values()), found  # each article's claims came with it
    return len(found)


def check_index(backend: Backend, scratch: Path) -> bool:
    """The search index after a kill: if it says it is whole and current, it equals a
    rebuild from the store; otherwise it is rebuilt. Returns whether it was trusted."""
    fresh = TextIndex(scratch, "scratch")
    with backend.open(read_only=True) as s:
        fresh.rebuild(s)
        assert s.index is not None
        trusted = s.index.why_untrusted() is None
        s.index.ensure(s)
        assert s.index.contents() == fresh.contents()
    fresh.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return trusted


def _lines(where: Path) -> int:
    """Lines of the bulk journal, wherever the CLI keeps it for this backend."""
    journal = next(where.glob("*.journal.jsonl"), None)
    return len(journal.read_text(encoding="utf-8").splitlines()) if journal else 0


def test_kill_minus_nine_twenty_times(backend: Backend, tmp_path: Path) -> None:
    rows = corpus(60)
    source = tmp_path / "batch.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    urls = {r["url"] for r in rows}
    exe = str(Path(sys.executable).with_name("claimgraph"))
    # Small batches: many writes, so that kills land in them too.
    cmd = [exe, *backend.args, "ingest", str(source), "--workers", "1", "--batch", "3"]
    rng = random.Random(5)
    side = backend.store_dir.parent
    counts = []
    for _ in range(20):
        before = _lines(side)
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Kill once this run has stored something, at a random moment after that, so that
        # kills land while articles are being extracted, validated and written.
        deadline = time.monotonic() + 120
        while proc.poll() is None and _lines(side) == before and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 1.5))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        counts.append(check_store(backend, urls))
        check_index(backend, tmp_path / "fresh.sqlite")
    assert counts and counts == sorted(counts)  # nothing stored is ever lost
    assert any(0 < c < len(rows) for c in counts)  # some kills landed mid-ingest
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert check_store(backend, urls) == len(rows)
    assert check_index(backend, tmp_path / "fresh.sqlite")  # a finished run leaves it whole
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert f"{len(rows)} already done" in again.stdout
