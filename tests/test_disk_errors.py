"""A read-only store and a full disk: one clear `error:` line, and nothing lost.

Every case uses the real thing, since root (which runs these tests and CI) ignores `chmod`:

- a read-only file system: the command runs in a private mount namespace (`unshare --mount`)
  in which the store's directory is bind-mounted read-only; the store is writable again as
  soon as the command ends;
- permission denied: `chmod a-w` on the store, and the command run without the capability
  that lets root write anyway (`setpriv --bounding-set=-dac_override`);
- a full disk: the store on a small tmpfs, filled with `fallocate` to leave as many bytes as
  the test chooses. Rather than guess where a command runs out, each test bisects the free
  space between "fails" and "succeeds": the last failing point is where the command ran out
  in its last write, the most dangerous place, and every point tried on the way is checked.

Checked at each failure: exactly one line on stderr, `error: …`, that names the problem and
what to do, a non-zero exit, no traceback; and, once the disk has room again or the command
ends, the store opens and its N-Quads export is byte-for-byte what it was before. Bulk
ingest stores a batch at a time, by design: there nothing stored before may be lost, and a
re-run completes the job. A single ingest writes the article and its conflict links in one
update; the server answers 507 to a write the full disk refused, and takes writes again as
soon as there is room.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.conftest import EXAMPLES, SEED

EXE = str(Path(sys.executable).with_name("claimgraph"))
PORT_STRIKE = EXAMPLES / "articles" / "dev-port-strike"
PAGE = 4096  # tmpfs allocates whole pages: no finer bisection is meaningful
ROOMY = 1024 * 1024  # free bytes with which every command here succeeds

FULL = ("no space left on device", "free some space")
READ_ONLY = ("read-only file system", "remount it read-write")
DENIED = ("permission denied", "write access")

# -- running the command --------------------------------------------------------------


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    crash: str | None = None  # an exception that escaped: the user saw a traceback


def run_in_process(store: Path, *args: str | Path) -> Run:
    """The CLI in this process, as its console script runs it (spaCy stays loaded between
    runs, which keeps the bisections fast)."""
    r = CliRunner().invoke(app, ["--store", str(store), *map(str, args)])
    crash = None
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        crash = "".join(traceback.format_exception(r.exception))
    return Run(r.exit_code, r.stdout, r.stderr, crash)


def run_process(prefix: list[str], store: Path, *args: str | Path, timeout: float = 120) -> Run:
    """The console script in its own process, behind `prefix` (unshare, setpriv)."""
    argv = [*prefix, EXE, "--store", str(store), *map(str, args)]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    crash = r.stderr if "Traceback (most recent call last)" in r.stderr else None
    return Run(r.returncode, r.stdout, r.stderr, crash)


def export(store: Path) -> bytes:
    r = CliRunner().invoke(app, ["--store", str(store), "export", "--format", "nquads"])
    assert r.exit_code == 0, f"the store does not open: {r.stderr}{r.exception}"
    return r.stdout_bytes


def assert_one_clear_line(run: Run, words: tuple[str, ...]) -> None:
    assert run.crash is None, run.crash
    assert run.exit_code != 0, run.stdout
    lines = run.stderr.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    for w in words:
        assert w in lines[0], f"{w!r} not in {lines[0]!r}"


def lost(before: bytes, after: bytes) -> set[bytes]:
    return set(before.splitlines()) - set(after.splitlines())


def timeless(nquads: bytes) -> list[bytes]:
    """The quads less the time each ingest ran, which differs between runs."""
    return sorted(q for q in nquads.splitlines() if b"prov#startedAtTime" not in q)


# -- what a test starts from ------------------------------------------------------------


def make_workspace(where: Path, feed: Path | None = None) -> Path:
    """A directory holding a store (the seed article, maybe some fact-checks): its files
    and the files claimgraph keeps beside it live together, as a user's would."""
    store = where / "store"
    if _SEEDED and feed is None:
        shutil.copytree(_SEEDED[0], where)
        return where
    r = run_in_process(store, "ingest", f"{SEED}.txt", "--facts", f"{SEED}.facts.json")
    assert r.exit_code == 0, r.stderr
    if feed is not None:
        r = run_in_process(store, "factcheck", "import", feed)
        assert r.exit_code == 0, r.stderr
    return where


_SEEDED: list[Path] = []  # a workspace with the seed article, to copy rather than rebuild


@pytest.fixture(scope="module", autouse=True)
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    _SEEDED.append(make_workspace(tmp_path_factory.mktemp("seeded") / "ws"))
    yield
    _SEEDED.clear()


def fact_checks(path: Path, numbers: range, rating: int) -> Path:
    items = [
        {
            "@type": "DataFeedItem",
            "item": {
                "@type": "ClaimReview",
                "url": f"https://checks.example/{n}",
                "claimReviewed": f"The harbour handled {n * 1000} containers last year.",
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": rating,
                    "bestRating": 5,
                    "worstRating": 1,
                },
            },
        }
        for n in numbers
    ]
    feed = {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": items}
    path.write_text(json.dumps(feed), encoding="utf-8")
    return path


def article_dir(path: Path) -> Path:
    path.mkdir()
    texts = [
        "Mayor Ines Duarte said on Monday that the city would hire 120 new teachers.",
        "Police Chief Omar Haddad said 14 people were arrested after the march.",
        "Union President Ada Quill said 9,000 dockworkers walked out on Friday.",
    ]
    for i, text in enumerate(texts):
        (path / f"a{i}.txt").write_text(text, encoding="utf-8")
        meta = {"url": f"https://n.example/{i}", "published": "2026-05-04"}
        (path / f"a{i}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return path


# -- a read-only file system, permission denied ------------------------------------------


def _works(argv: list[str]) -> bool:
    try:
        return subprocess.run(argv, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="module")
def read_only_prefix(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], list[str]]:
    """How to run a command with a directory bind-mounted read-only in a private mount
    namespace: as root directly, else in a user namespace of our own."""
    probe = tmp_path_factory.mktemp("ro-probe")
    script = 'mount --bind -o ro "$0" "$0" && ! touch "$0/x" 2>/dev/null'
    for unshare in (
        ["unshare", "--mount", "--propagation", "private"],
        ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"],
    ):
        if _works([*unshare, "sh", "-c", script, str(probe)]):
            return lambda d: [
                *unshare,
                "sh",
                "-c",
                'mount --bind -o ro "$0" "$0" && exec "$@"',
                str(d),
            ]
    pytest.skip("no read-only bind mount here: needs CAP_SYS_ADMIN or user namespaces")


@pytest.fixture(scope="module")
def ro_workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, Path]:
    """A workspace that the read-only tests share (they must leave it as it is), its export
    and a scratch directory for inputs and outputs."""
    scratch = tmp_path_factory.mktemp("ro-inputs")
    where = make_workspace(
        tmp_path_factory.mktemp("ro") / "ws", fact_checks(scratch / "old.json", range(5), 2)
    )
    return where, export(where / "store"), scratch


def test_read_only_store_ingest_import_bulk(
    read_only_prefix: Callable[[Path], list[str]], ro_workspace: tuple[Path, bytes, Path]
) -> None:
    where, before, scratch = ro_workspace
    store, prefix = where / "store", read_only_prefix(where)
    new_checks = fact_checks(scratch / "new.json", range(3, 8), 4)
    commands: list[tuple[str | Path, ...]] = [
        ("ingest", f"{PORT_STRIKE}.txt", "--facts", f"{PORT_STRIKE}.facts.json"),
        ("ingest", article_dir(scratch / "articles"), "--workers", "1"),
        ("factcheck", "import", new_checks),
    ]
    for args in commands:
        assert_one_clear_line(run_process(prefix, store, *args), READ_ONLY)
        assert export(store) == before, args


def test_read_only_store_backs_up_but_not_into_itself(
    read_only_prefix: Callable[[Path], list[str]], ro_workspace: tuple[Path, bytes, Path]
) -> None:
    """A backup only reads the store, so a read-only one is backed up (the way to a writable
    copy the other errors point to); a backup into the read-only directory is refused."""
    where, before, scratch = ro_workspace
    store, prefix = where / "store", read_only_prefix(where)
    r = run_process(prefix, store, "backup", scratch / "copy")
    assert r.exit_code == 0, r.stderr
    assert export(scratch / "copy") == before
    r = run_process(prefix, store, "backup", where / "inside")
    assert_one_clear_line(r, ("could not back up the store into", *READ_ONLY))
    assert not (where / "inside").exists() and export(store) == before


def test_read_only_store_is_read(
    read_only_prefix: Callable[[Path], list[str]], ro_workspace: tuple[Path, bytes, Path]
) -> None:
    """The commands that only read work on a store that cannot be written: its export is the
    one made before the mount, and stats, a query and validation answer from it."""
    where, before, _ = ro_workspace
    store, prefix = where / "store", read_only_prefix(where)
    r = run_process(prefix, store, "export", "--format", "nquads")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.encode() == before
    r = run_process(prefix, store, "stats")
    assert r.exit_code == 0, r.stderr
    quads = len(before.splitlines())
    assert f"{quads:,}" in r.stdout or str(quads) in r.stdout, r.stdout
    r = run_process(prefix, store, "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert r.exit_code == 0 and r.crash is None, r.stderr
    r = run_process(prefix, store, "validate")
    assert r.exit_code == 0, r.stderr + r.stdout
    assert "conforms" in r.stdout
    assert export(store) == before


def test_read_only_store_serve(
    read_only_prefix: Callable[[Path], list[str]], ro_workspace: tuple[Path, bytes, Path]
) -> None:
    where, before, _ = ro_workspace
    r = run_process(read_only_prefix(where), where / "store", "serve", "--port", str(free_port()))
    assert r.exit_code != 0
    assert export(where / "store") == before
    assert r.crash is None, r.crash
    assert_one_clear_line(r, READ_ONLY)


def test_store_this_user_may_not_write(tmp_path: Path) -> None:
    where = make_workspace(tmp_path / "ws")
    store = where / "store"
    before = export(store)
    prefix: list[str] = []
    if os.geteuid() == 0:
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
        if not _works([*prefix, "true"]):
            pytest.skip("setpriv cannot drop CAP_DAC_OVERRIDE here, and root writes anyway")
    for path in (where, store):
        path.chmod(0o555)
    for f in store.iterdir():
        f.chmod(0o444)
    try:
        args = ("ingest", f"{PORT_STRIKE}.txt", "--facts", f"{PORT_STRIKE}.facts.json")
        assert_one_clear_line(run_process(prefix, store, *args), DENIED)
        r = run_process(prefix, store, "backup", tmp_path / "copy")
        assert r.exit_code == 0, r.stderr
    finally:
        for path in (where, store, *store.iterdir()):
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert export(store) == before
    assert export(tmp_path / "copy") == before


# -- a full disk ------------------------------------------------------------------------


@dataclass
class Disk:
    """A small tmpfs: `fill(free)` leaves exactly `free` bytes, `empty()` frees them again."""

    root: Path

    def fill(self, free: int) -> None:
        st = os.statvfs(self.root)
        take = st.f_bavail * st.f_frsize - free
        assert take >= 0, "the disk is too small for this test"
        with (self.root / "filler").open("wb") as fh:
            if take:
                os.posix_fallocate(fh.fileno(), 0, take)

    def empty(self) -> None:
        (self.root / "filler").unlink(missing_ok=True)

    def clear(self) -> None:
        for p in self.root.iterdir():
            shutil.rmtree(p) if p.is_dir() else p.unlink()


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Disk]:
    root = tmp_path / "disk"
    root.mkdir()
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m,mode=0755", "claimgraph-test", str(root)],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs (needs CAP_SYS_ADMIN): {r.stderr.strip()}")
    try:
        yield Disk(root)
    finally:
        subprocess.run(["umount", "--lazy", str(root)], check=False)


@dataclass
class Probe:
    free: int
    run: Run
    before: bytes
    after: bytes  # the export once the disk has room again

    @property
    def failed(self) -> bool:
        return self.run.exit_code != 0


@dataclass
class FullDisk:
    """`command` run on a copy of `workspace` on `disk`, with little room left."""

    disk: Disk
    workspace: Path
    command: Callable[[Path], Run]
    roomy: int = ROOMY  # free bytes with which the command succeeds

    def __post_init__(self) -> None:
        # Once: every opening of a store adds to its files (RocksDB's LOG), and the copies
        # must all start alike.
        self.before = export(self.workspace / "store")

    @property
    def store(self) -> Path:
        """The copy's store: after a probe, as the command left it, with room again."""
        return self.disk.root / "ws" / "store"

    def probe(self, free: int) -> Probe:
        self.disk.clear()
        shutil.copytree(self.workspace, self.disk.root / "ws")
        self.disk.fill(free)
        run = self.command(self.store)
        self.disk.empty()
        p = Probe(free, run, self.before, export(self.store))
        if p.failed:
            assert not lost(self.before, p.after), f"{free} bytes free: stored quads were lost"
        return p

    def bisect(self) -> list[Probe]:
        """A full disk, then probes from "fails" towards "succeeds", to one page of space."""
        probes = [self.probe(0)]
        low, high = 0, self.roomy
        while high - low > PAGE:
            probes.append(self.probe((low + high) // 2 // PAGE * PAGE))
            if probes[-1].failed:
                low = probes[-1].free
            else:
                high = probes[-1].free
        assert any(p.failed for p in probes), "the command never ran out of space"
        assert not all(p.failed for p in probes), probes[-1].run.stderr
        return probes

    def worst(self, probes: list[Probe]) -> Probe:
        """The failure with the most room, again, its store left on the disk: the command
        ran out in its last write."""
        return self.probe(max(p.free for p in probes if p.failed))


def test_full_disk_ingest(disk: Disk, tmp_path: Path) -> None:
    args = ("ingest", f"{PORT_STRIKE}.txt", "--facts", f"{PORT_STRIKE}.facts.json")
    workspace = make_workspace(tmp_path / "ws")
    reference = shutil.copytree(workspace, tmp_path / "reference")
    assert run_in_process(reference / "store", *args).exit_code == 0
    full = FullDisk(disk, workspace, lambda store: run_in_process(store, *args))
    probes = full.bisect()
    for p in probes:
        if p.failed:
            assert_one_clear_line(p.run, FULL)
    worst = full.worst(probes)
    again = run_in_process(full.store, *args)
    assert again.exit_code == 0, again.stderr
    complete = timeless(export(full.store)) == timeless(export(reference / "store"))
    assert complete
    assert all(p.after == p.before for p in [*probes, worst] if p.failed)


def test_full_disk_factcheck_import(disk: Disk, tmp_path: Path) -> None:
    """A re-import that replaces five reviews and adds five: one update, all or nothing."""
    old = fact_checks(tmp_path / "old.json", range(5), 2)
    new = fact_checks(tmp_path / "new.json", range(0, 10), 4)
    workspace = make_workspace(tmp_path / "ws", old)
    full = FullDisk(disk, workspace, lambda s: run_in_process(s, "factcheck", "import", new))
    for p in full.bisect():
        if p.failed:
            assert_one_clear_line(p.run, FULL)
            assert p.after == p.before


def test_full_disk_backup(disk: Disk, tmp_path: Path) -> None:
    """The store and its backup on one full disk: the store is untouched, and a failed
    backup leaves no directory behind that would stop the same command once there is room."""
    workspace = make_workspace(tmp_path / "ws")
    full = FullDisk(disk, workspace, lambda s: run_in_process(s, "backup", s.parent / "copy"))
    for p in full.bisect():
        if p.failed:
            assert_one_clear_line(p.run, FULL)
            assert p.after == p.before
            assert not (full.store.parent / "copy").exists(), "a failed backup left a directory"
    again = run_in_process(full.store, "backup", full.store.parent / "copy")
    assert again.exit_code == 0, again.stderr
    assert export(full.store.parent / "copy") == full.before


def test_full_disk_backup_to_another_disk(disk: Disk, tmp_path: Path) -> None:
    """A store on a full disk is backed up to another one (through a read-only handle, as it
    cannot be opened for writing); a backup onto a full disk is refused and leaves nothing."""
    shutil.copytree(make_workspace(tmp_path / "ws"), disk.root / "ws")
    store = disk.root / "ws" / "store"
    before = export(store)
    disk.fill(0)
    saved = run_in_process(store, "backup", tmp_path / "copy")
    refused = run_in_process(tmp_path / "copy", "backup", disk.root / "copy")
    disk.empty()
    assert saved.exit_code == 0, saved.stderr
    assert export(tmp_path / "copy") == before == export(store)
    assert_one_clear_line(refused, ("could not back up the store into", *FULL))
    assert not (disk.root / "copy").exists()


def test_full_disk_restore(disk: Disk, tmp_path: Path) -> None:
    """Restoring a backup onto a full disk: the store stays as it was."""
    other = make_workspace(tmp_path / "other") / "store"
    args = ("ingest", f"{PORT_STRIKE}.txt", "--facts", f"{PORT_STRIKE}.facts.json")
    assert run_in_process(other, *args).exit_code == 0
    backup = tmp_path / "backup"
    assert run_in_process(other, "backup", backup).exit_code == 0
    full = FullDisk(
        disk,
        make_workspace(tmp_path / "ws"),
        lambda s: run_in_process(s, "restore", backup),
        roomy=2 * ROOMY,
    )
    for p in full.bisect():
        if p.failed:
            assert_one_clear_line(p.run, FULL)
            assert p.after == p.before
        else:
            assert p.after == export(backup)


def test_full_disk_bulk_ingest(disk: Disk, tmp_path: Path) -> None:
    """Bulk ingest keeps each article as it is stored; what a failure may not do is lose
    anything, and a re-run once there is room must finish the job as an uninterrupted run."""
    source = article_dir(tmp_path / "articles")
    args = ("ingest", source, "--workers", "1")
    workspace = make_workspace(tmp_path / "ws")
    reference = shutil.copytree(workspace, tmp_path / "reference")
    assert run_in_process(reference / "store", *args).exit_code == 0
    full = FullDisk(disk, workspace, lambda store: run_in_process(store, *args))
    probes = full.bisect()
    crashes = []
    for p in [*probes, full.worst(probes)]:
        if not p.failed:
            continue
        if p.run.crash is None:
            assert_one_clear_line(p.run, FULL)
        else:
            assert "kg/ingest/bulk.py" in p.run.crash and "No space left on device" in p.run.crash
            crashes.append(p)
    again = run_in_process(full.store, *args)
    assert again.exit_code == 0, again.stderr
    assert timeless(export(full.store)) == timeless(export(reference / "store"))
    assert not crashes, [p.run.crash for p in crashes]


# -- the server -------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_full_disk_write_through_the_api(disk: Disk, tmp_path: Path) -> None:
    """The server starts with room to spare; then the disk fills and a client posts an
    article. Once the server is stopped and there is room again, the store is as before."""
    shutil.copytree(make_workspace(tmp_path / "ws"), disk.root / "ws")
    store = disk.root / "ws" / "store"
    before = export(store)
    port = free_port()
    env = dict(os.environ, CLAIMGRAPH_WRITE_TOKEN="t", CLAIMGRAPH_QUERY_WORKERS="1")
    token = {"Authorization": "Bearer t"}
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [EXE, "--store", str(store), "serve", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    article = {
        "text": PORT_STRIKE.with_suffix(".txt").read_text(encoding="utf-8"),
        "facts": json.loads(Path(f"{PORT_STRIKE}.facts.json").read_text(encoding="utf-8")),
    }
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"{url}/sparql", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        # A fresh connection each: after a 500 the server drops the one it answered on.
        post = functools.partial(
            httpx.post, f"{url}/articles", json=article, headers=token, timeout=60
        )
        disk.fill(0)
        refused = post()
        disk.empty()
        retried = post()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert refused.status_code >= 400
    after = export(store)
    assert after == before if retried.status_code >= 400 else not lost(before, after)
    assert refused.status_code == 507, refused.text
    assert "no space left on device" in refused.json()["detail"]
    assert retried.status_code == 201, retried.text
