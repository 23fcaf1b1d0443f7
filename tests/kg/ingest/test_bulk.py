"""Bulk ingest of a directory or a JSONL file: resumable, failures set aside."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kg.graph.validate
from kg.graph.resources import shapes_paths
from tests.conftest import Backend, CliFn

ARTICLES = [
    "Mayor Ines Duarte said on Monday that the city would hire 120 new teachers.",
    "Police Chief Omar Haddad said 14 people were arrested after the march.",
    '"The harbour is open again," port director Lena Berg told reporters on Friday.',
]


def jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_jsonl_with_a_bad_line_resumes_and_skips_what_is_done(cli: CliFn, tmp_path: Path) -> None:
    rows = [
        {"text": t, "url": f"https://n.example/{i}", "published": "2026-05-04"}
        for i, t in enumerate(ARTICLES)
    ]
    rows.insert(1, {"text": "", "url": "https://n.example/empty"})
    rows.append({"text": "Der Minister sagte, dass die Regierung die Steuern senken werde."})
    source = jsonl(tmp_path / "batch.jsonl", rows)
    r = cli("ingest", str(source), "--workers", "2")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("3 stored, 0 unchanged, 0 already done")
    assert "2 failed" in r.stdout
    reasons_file = re.search(r"reasons in (\S+)\)", r.stdout)
    assert reasons_file is not None, r.stdout
    failures = [json.loads(x) for x in Path(reasons_file.group(1)).read_text().splitlines()]
    reasons = {f["id"]: f["reason"] for f in failures}
    assert "no `text` or `html`" in reasons["batch.jsonl:2"]
    assert "does not look like English" in reasons["batch.jsonl:5"]
    assert "articles  3" in cli("stats").stdout

    again = cli("ingest", str(source), "--workers", "1")
    assert again.stdout.startswith("0 stored, 0 unchanged, 3 already done")


def test_directory_with_metadata_sidecars(cli: CliFn, tmp_path: Path) -> None:
    src = tmp_path / "articles"
    src.mkdir()
    for i, text in enumerate(ARTICLES):
        (src / f"a{i}.txt").write_text(text, encoding="utf-8")
    (src / "a0.meta.json").write_text(
        json.dumps({"url": "https://n.example/teachers", "publisher": "City Desk"}),
        encoding="utf-8",
    )
    r = cli("ingest", str(src), "--workers", "1")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("3 stored")
    rows = cli(
        "query",
        "SELECT ?url ?p WHERE { ?a schema:url ?url ; schema:publisher/schema:name ?p }",
        "--format",
        "csv",
    ).stdout.splitlines()
    assert rows[1:] == ["https://n.example/teachers,City Desk"]


# A desk's own rule beside claimgraph's shapes: the gate is real SHACL, only stricter.
POLICY = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
<urn:test:policy> a sh:NodeShape ; sh:targetClass nif:Context ;
    sh:message "This desk stores no report of troops deployed in Fresno." ;
    sh:not [ sh:property [ sh:path nif:isString ; sh:minCount 1 ;
                           sh:pattern "deployed in Fresno" ] ] .
"""


def test_an_article_shacl_refuses_fails_alone_with_validation_in_workers(
    cli: CliFn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation runs in the workers: the refused article goes to the failures file with
    SHACL's report, and the articles after it in its batch (which were resolved while it
    still counted) are stored without anything that only it brought."""
    policy = tmp_path / "policy.ttl"
    policy.write_text(POLICY, encoding="utf-8")
    monkeypatch.setattr(kg.graph.validate, "shapes_paths", lambda: [*shapes_paths(), policy])
    texts = [
        ARTICLES[0],
        "Governor Zora Quist said 200 troops were deployed in Fresno on Monday. "
        "Quist said more would come.",
        "Governor Quist said on Tuesday that 300 troops would leave Fresno.",
        ARTICLES[1],
    ]
    rows = [
        {"text": t, "url": f"https://n.example/w{i}", "published": "2026-05-04"}
        for i, t in enumerate(texts)
    ]
    source = jsonl(tmp_path / "workers.jsonl", rows)
    r = cli("ingest", str(source), "--workers", "2")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("3 stored, 0 unchanged, 0 already done"), r.stdout
    reasons_file = re.search(r"reasons in (\S+)\)", r.stdout)
    assert reasons_file is not None, r.stdout
    failures = [json.loads(x) for x in Path(reasons_file.group(1)).read_text().splitlines()]
    assert [f["id"] for f in failures] == ["workers.jsonl:2"]
    assert "1 SHACL violation" in failures[0]["reason"]
    assert "no report of troops deployed in Fresno" in failures[0]["reason"]
    assert cli("validate").exit_code == 0
    stored = cli(
        "query", "SELECT ?url WHERE { ?a schema:url ?url } ORDER BY ?url", "--format", "csv"
    ).stdout.split()
    assert stored[1:] == [f"https://n.example/w{i}" for i in (0, 2, 3)]
    # The same as one process validating in turn, where the refused article never counted:
    # "Quist" is not resolved to the Zora Quist that only the refused article introduced.
    serial = ["--store", str(tmp_path / "serial")]
    assert cli(*serial, "ingest", str(source), "--workers", "1", store=False).exit_code == 0
    claimants = (
        "SELECT ?url ?who WHERE { ?c prov:wasAttributedTo ?who ; schema:appearance ?a . "
        "?a schema:url ?url } ORDER BY ?url ?who"
    )
    ours = cli("query", claimants, "--format", "csv").stdout
    assert ours == cli(*serial, "query", claimants, "--format", "csv", store=False).stdout
    assert ours.count("\n") > 2, ours
    nameless = cli(
        "query",
        "ASK { ?c prov:wasAttributedTo|schema:mentions ?e "
        "FILTER NOT EXISTS { ?e schema:name ?n } }",
    )
    assert nameless.stdout.strip().lower() == "false", nameless.stdout


@pytest.mark.servers_only
def test_bulk_ingest_into_a_server_from_an_empty_directory(
    backend: Backend, tmp_path: Path
) -> None:
    """The console script in a directory with no .claimgraph/: the journal and the failures
    file go to the default store's directory, which claimgraph creates."""
    assert backend.server is not None
    work = tmp_path / "fresh"
    work.mkdir()
    source = jsonl(
        work / "batch.jsonl",
        [{"text": t, "url": f"https://n.example/fresh/{i}"} for i, t in enumerate(ARTICLES)]
        + [{"text": ""}],
    )
    exe = Path(sys.executable).with_name("claimgraph")
    env = {k: v for k, v in os.environ.items() if k != "CLAIMGRAPH_STORE"}
    command = [str(exe), *backend.server.cli_args(), "ingest", "batch.jsonl", "--workers", "1"]
    r = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("3 stored, 0 unchanged, 0 already done"), r.stdout
    (journal,) = (work / ".claimgraph").glob("sparql-*.journal.jsonl")
    (failures,) = (work / ".claimgraph").glob("sparql-*.failures.jsonl")
    assert len(journal.read_text().splitlines()) == 3
    assert "no `text` or `html`" in failures.read_text()
    assert not (work / ".claimgraph" / "store").exists()  # the graph is on the server
    again = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
    assert again.stdout.startswith("0 stored, 0 unchanged, 3 already done"), again.stdout
    assert source.exists()
