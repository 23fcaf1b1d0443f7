"""kg/settings.py: every `CLAIMGRAPH_*` variable declared once, documented in the README, and
read as it always was (numbers as Python reads them, empty as unset, clear errors)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.settings import ENV_PREFIX, Settings, settings_table
from kg.store.opening import endpoints_of
from tests.conftest import ROOT

VARIABLE = re.compile(r"\bCLAIMGRAPH_([A-Z][A-Z0-9_]*)")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No `CLAIMGRAPH_*` of the shell running the tests reaches these ones."""
    import os

    for name in [n for n in os.environ if n.startswith(ENV_PREFIX)]:
        monkeypatch.delenv(name)


def named_in_source() -> dict[str, list[str]]:
    """Each `CLAIMGRAPH_*` variable that kg/ or api/ names, with the files that name it."""
    found: dict[str, list[str]] = {}
    for package in ("kg", "api"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in VARIABLE.findall(path.read_text(encoding="utf-8")):
                found.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return found


def test_every_variable_the_code_names_is_a_setting() -> None:
    named = named_in_source()
    assert {"STORE", "SPARQL_TIMEOUT", "CACHE_DIR", "WRITE_TOKEN"} <= set(named)  # the scan works
    unknown = {n: files for n, files in named.items() if n.lower() not in Settings.model_fields}
    assert not unknown, f"declare these in kg/settings.py: {unknown}"


def test_every_setting_has_a_description() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, name


def test_the_readme_tables_the_settings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme, (
        "the README's table of variables differs from kg/settings.py; paste "
        "`python -c 'from kg.settings import settings_table; print(settings_table())'`"
    )
    for name in Settings.model_fields:
        assert f"| `{Settings.env_var(name)}` |" in readme


def test_defaults() -> None:
    s = Settings.from_env()
    assert s.store == Path(".claimgraph/store")
    assert s.base_iri == "https://claimgraph.org/id/"
    assert (s.query_timeout, s.row_cap, s.max_request_bytes, s.query_workers) == (
        10.0,
        10_000,
        1_048_576,
        2,
    )
    assert (s.write_token, s.cors_origins, s.factcheck_sync_minutes) == (None, (), 0.0)
    assert (s.sparql_endpoint, s.sparql_timeout, s.cache_dir) == (None, 60.0, None)
    assert endpoints_of(s) is None


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMGRAPH_STORE", "/srv/store")
    monkeypatch.setenv("CLAIMGRAPH_ROW_CAP", " 1_000 ")  # as Python's int() reads it
    monkeypatch.setenv("CLAIMGRAPH_CORS_ORIGINS", " https://a.example, ,https://b.example,")
    monkeypatch.setenv("CLAIMGRAPH_QUERY_WORKERS", "")  # empty: unset
    monkeypatch.setenv("CLAIMGRAPH_SPARQL_ENDPOINT", "http://h.example/sparql")
    monkeypatch.setenv("CLAIMGRAPH_SPARQL_PASSWORD", "pw")
    monkeypatch.setenv("CLAIMGRAPH_QUERY_TIMEOUT", "90")
    monkeypatch.setenv("CLAIMGRAPH_REQUIRE_SERVERS", "1")  # the tests' own: not a setting
    s = Settings.from_env(query_timeout=None, write_token="t")
    assert s.store == Path("/srv/store") and s.row_cap == 1000 and s.query_workers == 2
    assert s.cors_origins == ("https://a.example", "https://b.example")
    assert s.write_token == "t"
    assert "pw" not in repr(s) and "'t'" not in repr(s)
    e = endpoints_of(s)
    assert e is not None and (e.query, e.password, e.timeout) == (
        "http://h.example/sparql",
        "pw",
        90.0,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ROW_CAP", "ten", "CLAIMGRAPH_ROW_CAP='ten' is not a valid row_cap"),
        ("ROW_CAP", "1.0", "CLAIMGRAPH_ROW_CAP='1.0' is not a valid row_cap"),  # pydantic: 1
        ("MAX_REQUEST_BYTES", "1.5", "CLAIMGRAPH_MAX_REQUEST_BYTES='1.5' is not a valid"),
        ("QUERY_TIMEOUT", "soon", "CLAIMGRAPH_QUERY_TIMEOUT='soon' is not a valid query_timeout"),
        ("QUERY_TIMEOUT", "0", "query_timeout must be a positive number of seconds"),
        ("QUERY_WORKERS", "0", "row_cap, max_request_bytes and query_workers must be at least 1"),
        ("FACTCHECK_SYNC_MINUTES", "-5", "factcheck_sync_minutes must be 0 (off) or a positive"),
        ("FACTCHECK_SYNC_MINUTES", "inf", "factcheck_sync_minutes must be 0 (off) or a positive"),
    ],
)
def test_a_bad_value_says_which_and_why(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(ENV_PREFIX + variable, value)
    with pytest.raises(ValueError) as caught:
        Settings.from_env()
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)  # one line, not pydantic's report


def test_one_setting_is_read_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMGRAPH_ROW_CAP", "ten")
    monkeypatch.setenv("CLAIMGRAPH_CACHE_DIR", "/tmp/cg-cache")
    assert Settings.read("cache_dir") == Path("/tmp/cg-cache")
    assert Settings.read("store") == Path(".claimgraph/store")
    with pytest.raises(ValueError, match="CLAIMGRAPH_ROW_CAP='ten' is not a valid row_cap"):
        Settings.read("row_cap")
    with pytest.raises(KeyError):
        Settings.read("no_such_setting")


def test_the_command_line_reads_its_variables_through_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad variable the command uses stops it with a message and exit 2; a bad one that
    only the server reads (the row cap) does not."""
    runner = CliRunner()
    store = str(tmp_path / "store")
    monkeypatch.setenv("CLAIMGRAPH_ROW_CAP", "ten")
    r = runner.invoke(app, ["--store", store, "stats"])
    assert r.exit_code == 0, r.stderr
    monkeypatch.setenv("CLAIMGRAPH_SPARQL_TIMEOUT", "soon")
    r = runner.invoke(app, ["--store", store, "stats"])
    assert r.exit_code == 2
    assert "error: CLAIMGRAPH_SPARQL_TIMEOUT='soon' is not a valid sparql_timeout" in r.stderr
    monkeypatch.delenv("CLAIMGRAPH_SPARQL_TIMEOUT")
    monkeypatch.setenv("CLAIMGRAPH_GRAPH_STORE", "http://h.example/store")
    r = runner.invoke(app, ["--store", store, "stats"])
    assert r.exit_code == 2
    assert "need --sparql-endpoint" in r.stderr


def test_serve_takes_its_deadline_from_the_variable(tmp_path: Path) -> None:
    """`claimgraph serve` without `--query-timeout` reads CLAIMGRAPH_QUERY_TIMEOUT (it used
    to pass its own default of 10, so the variable did nothing): a bad value stops it before
    it listens, where before it started the server with 10 s."""
    exe = Path(sys.executable).parent / "claimgraph"
    env = {**os.environ, "CLAIMGRAPH_QUERY_TIMEOUT": "0"}
    r = subprocess.run(
        [str(exe), "--store", str(tmp_path / "store"), "serve", "--port", "9"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert "query_timeout must be a positive number of seconds" in r.stderr
