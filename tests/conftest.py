"""Shared fixtures: a fresh on-disk store per test, the CLI as a user runs it, the examples."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED = EXAMPLES / "articles" / "seed-la-national-guard"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    stdout_bytes: bytes


CliFn = Callable[..., Run]


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def cli(store_dir: Path) -> CliFn:
    """Run `claimgraph --store <tmp> ARGS…` in-process, as the console script would."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None, store: bool = True) -> Run:
        argv = (["--store", str(store_dir)] if store else []) + list(args)
        r = runner.invoke(app, argv, input=input, catch_exceptions=False)
        return Run(r.exit_code, r.stdout, r.stderr, r.stdout_bytes)

    return run


@pytest.fixture
def seed(tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the seed article and its fact sheet, free to edit."""
    text = tmp_path / "seed.txt"
    facts = tmp_path / "seed.facts.json"
    shutil.copy(SEED.with_suffix(".txt"), text)
    shutil.copy(SEED.with_name(SEED.name + ".facts.json"), facts)
    return text, facts


def edit_facts(path: Path, change: Callable[[dict], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
