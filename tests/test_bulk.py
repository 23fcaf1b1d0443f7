"""Bulk ingest of a directory or a JSONL file: resumable, failures set aside."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import CliFn

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
