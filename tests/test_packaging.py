"""A non-editable install carries the ontology and the shapes with it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_ships_ontology_and_shapes(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = (tmp_path / "dist").glob("claimgraph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kg/_data/ontology/claimgraph.ttl" in names
    assert "kg/_data/shapes/claimgraph.shapes.ttl" in names
    assert "api/__init__.py" in names
    assert "kg/extract/data/attributor.npz" in names

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    probe = (
        "import kg.graph.resources as r, kg.graph.validate as v, kg.extract.attributor as a; "
        "print(r.ontology_path()); print(len(v.shapes_graph())); "
        "print(a.MODEL_FILE); print(len(a.load_weights().vectors))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(target)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0].startswith(str(target))
    assert int(out[1]) > 100
    assert out[2].startswith(str(target))
    assert int(out[3]) == 4  # cue, source, content and the second stage
