"""Backups of the embedded store, consistent even while `claimgraph serve` runs.

A backup is a RocksDB checkpoint: a directory that opens as a store of its own. When no
other process holds the store, it is taken directly (`Store.backup`, hard links). When the
server holds it, the server's newest query checkpoint (`<store>.snapshots/gen-N`, which it
makes after every write) is already a consistent copy, so that one is copied; the server
may retire it during the copy after a write, and then the next newest is taken.

A store this process may read but not write (a read-only mount, another user's files, a full
disk) is backed up through a read-only handle, provided no other process holds it. A backup
that fails leaves no directory behind, so the same command can simply be run again.

Restore needs the store to itself: it never replaces a store that a server has open, and it
swaps the restored copy in by renames, so an interrupted restore leaves the old store or the
new one, not a mixture.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from kg.errors import InputError, StoreError, explain_refused_write, refused_write
from kg.store.embedded import ClaimStore, open_for_reading


def _generations(store_path: Path) -> list[Path]:
    root = store_path.with_name(store_path.name + ".snapshots")
    found = [p for p in root.glob("gen-*") if re.fullmatch(r"gen-\d+", p.name)]
    return sorted(found, key=lambda p: int(p.name[4:]))


def _quads_in(path: Path) -> int:
    with ClaimStore(path, read_only=True) as copy:
        return copy.stats().quads


def backup(store_path: Path, target: Path) -> tuple[str, int]:
    """Write a consistent copy of the store to `target`; returns (source, quads)."""
    if target.exists():
        raise InputError(f"{target} exists: a backup goes to a new directory")
    if not store_path.exists():
        raise StoreError(f"no store at {store_path}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)  # `backups/<date>`: a new tree
    except OSError as exc:
        lead = f"could not create {target.parent} for the backup"
        raise StoreError(_copy_failed(lead, exc)) from None
    try:
        with open_for_reading(store_path) as store:
            store.backup(target)
        return "the store", _quads_in(target)
    except StoreError as exc:
        shutil.rmtree(target, ignore_errors=True)  # it did not exist: whatever is there is ours
        if "in use" not in str(exc):
            raise
    for _ in range(5):
        gens = _generations(store_path)
        if not gens:
            raise StoreError(
                f"the store at {store_path} is in use by another process that publishes no "
                "checkpoints: stop it, or back up through the server that holds it"
            )
        try:
            shutil.copytree(gens[-1], target)
            return "the running server's newest checkpoint", _quads_in(target)
        except OSError as exc:  # shutil.Error too
            shutil.rmtree(target, ignore_errors=True)
            if gens[-1].exists():  # not retired mid-copy: the copy itself failed
                lead = f"could not back up the store into {target}"
                raise StoreError(_copy_failed(lead, exc)) from None
    raise StoreError("the server kept retiring its checkpoints during the copy: try again")


def _copy_failed(lead: str, exc: OSError, *, store: bool = False) -> str:
    """One line for a failed copy; shutil.Error lists every file, so the first one speaks."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list):
        first = exc.args[0][0]
        exc = OSError(first[-1] if isinstance(first, tuple) else str(first))
    code = refused_write(exc)
    if code is not None:
        return explain_refused_write(code, lead, store=store)
    return f"{lead}: {exc.strerror or exc}"


def restore(source: Path, store_path: Path) -> int:
    """Replace the store by the backup in `source`; returns the restored quad count."""
    if not source.is_dir():
        raise InputError(f"no backup at {source}")
    try:
        quads = _quads_in(source)
    except StoreError as exc:
        raise InputError(f"{source} is not a claimgraph backup: {exc}") from None
    if store_path.exists():
        ClaimStore(store_path).close()  # refuses with a clear message while a server runs
    incoming = store_path.with_name(store_path.name + ".restoring")
    retired = store_path.with_name(store_path.name + ".replaced")
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.rmtree(retired, ignore_errors=True)
    try:
        shutil.copytree(source, incoming)
    except OSError as exc:  # the store is untouched: only the copy beside it is removed
        shutil.rmtree(incoming, ignore_errors=True)
        lead = f"could not copy the backup beside the store at {store_path}"
        raise StoreError(_copy_failed(lead, exc, store=True)) from None
    if store_path.exists():
        store_path.rename(retired)
    incoming.rename(store_path)
    shutil.rmtree(retired, ignore_errors=True)
    return quads
