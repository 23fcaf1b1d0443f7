"""What the extractor loads at start: spaCy without torch, tables from a precomputed cache."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.extract import names, places
from kg.extract.startup import cached_table


def test_extracting_imports_no_torch(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from kg.extract import extract\n"
        "r = extract('Mayor Ann Lee said on Monday that the city would hire 120 teachers.')\n"
        "assert r.claims, r\n"
        "print(sorted(m for m in ('torch', 'spacy', 'thinc') if m in sys.modules))\n"
        "import torch  # still there for a process that runs a torch model\n"
        "print(torch.__name__)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"CLAIMGRAPH_CACHE_DIR": str(tmp_path), "PATH": ""},
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["['spacy', 'thinc']", "torch"]


def test_a_table_is_built_once_then_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    code = tmp_path / "builder.py"
    code.write_text("v1", encoding="utf-8")
    calls: list[int] = []

    def build() -> dict[str, tuple[str, int]]:
        calls.append(1)
        return {"lagos": ("city", 15_000_000)}

    args = {"packages": ("pycountry",), "code": (str(code),)}
    assert cached_table("t", build, **args) == {"lagos": ("city", 15_000_000)}
    assert cached_table("t", build, **args) == {"lagos": ("city", 15_000_000)}
    assert len(calls) == 1
    code.write_text("v2", encoding="utf-8")  # the building code changed: built again
    cached_table("t", build, **args)
    assert len(calls) == 2
    assert len(list((tmp_path / "cache").glob("t-*.marshal"))) == 2


def test_an_unwritable_cache_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("CLAIMGRAPH_CACHE_DIR", str(blocker / "cache"))  # under a file
    assert cached_table("t", lambda: [1, 2], packages=(), code=()) == [1, 2]


def test_the_tables_answer_as_the_packages_do() -> None:
    import gender_guesser.detector as gd

    detector = gd.Detector(case_sensitive=False)
    table = names._detector()
    for name in ("Maria", "Derek", "Kim", "Andrea", "jean-luc", "Zzyzx", "Amina", "Henrik"):
        assert table.get_gender(name) == detector.get_gender(name), name
    index = places.place_index()
    assert index[places.place_key("Ankara")].kind == "capital"
    assert index[places.place_key("Chad")].kind == "country"
    assert places._build_place_index() == index  # read from the cache as built
