"""`claimgraph extract` and `ingest` without a fact sheet, as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from spacy.tokens import Doc

from kg.extract.report import Quantity
from tests.conftest import CliFn

PAGE = """<!doctype html><html><head><title>Harbour reopens | Coast Post</title>
<meta property="og:site_name" content="Coast Post">
<link rel="canonical" href="https://coast.example/harbour">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Harbour reopens after storm", "datePublished": "2026-05-04T07:30:00Z",
"author": {"@type": "Person", "name": "Lena Berg"}}</script></head>
<body><nav>Home | Sport | Weather</nav><article><h1>Harbour reopens after storm</h1>
<p>Harbour master Tomas Lind said on Sunday that 40 fishing boats had returned to port.</p>
<p>"The channel is clear again," Lind told reporters.</p></article>
<footer>Cookie settings. Subscribe for updates.</footer></body></html>"""


def test_report_format(cli: CliFn, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(
        "Mayor Ines Duarte said on Monday that the city would hire 120 new teachers.",
        encoding="utf-8",
    )
    r = cli("extract", str(f), "--published", "2026-05-04", "--format", "json")
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert {"entities", "roles", "quantities", "claims"} <= set(report)
    text = f.read_text(encoding="utf-8")
    (claim,) = report["claims"]
    speaker = next(e for e in report["entities"] if e["id"] == claim["claimant"])
    assert speaker["name"] == "Ines Duarte" and claim["cue"] == "said"
    assert text[claim["start"] : claim["end"]] == "the city would hire 120 new teachers"
    assert (
        report["roles"] == [{"person": speaker["id"], "title": "Mayor", "start": 0, "end": 5}]
        or report["roles"][0]["title"] == "Mayor"
    )
    (q,) = report["quantities"]
    assert (q["value"], q["qualifier"]) == (120, "exact") and "teachers" in q["counted"]


def test_html_page_is_read_with_its_metadata(cli: CliFn, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    report = json.loads(cli("extract", str(page), "--format", "json").stdout)
    meta = report["article"]
    assert meta["title"] == "Harbour reopens after storm"
    assert meta["publisher"] == "Coast Post" and meta["published"] == "2026-05-04"
    assert meta["url"] == "https://coast.example/harbour"
    assert {c["cue"] for c in report["claims"]} == {"said", "told"}
    r = cli("ingest", str(page))
    assert r.exit_code == 0, r.stderr
    texts = cli("query", "SELECT ?t WHERE { ?a nif:isString ?t }", "--format", "json").stdout
    body = json.loads(texts)["results"]["bindings"][0]["t"]["value"]
    assert "40 fishing boats" in body and "Cookie settings" not in body


def test_ingest_extracts_validates_and_stores(cli: CliFn, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(
        "Police Chief Omar Haddad said 14 people were arrested after the march. "
        "The city said 25 people had been detained.",
        encoding="utf-8",
    )
    r = cli("ingest", str(f), "--published", "2026-05-04", "--url", "https://n.example/1")
    assert r.exit_code == 0, r.stderr
    rows = cli(
        "query",
        "SELECT ?who ?role WHERE { ?p org:holds/rdfs:label ?role ; schema:name ?who }",
        "--format",
        "csv",
    ).stdout.splitlines()
    assert rows[1:] == ["Omar Haddad,Police Chief"]
    assert cli("validate").exit_code == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("binary.txt", b"\x00\x01\x02PK\x03\x04", "is binary"),
        (
            "german.txt",
            b"Der Minister sagte am Montag, dass die Regierung die Steuern "
            b"senken werde. Die Opposition kritisierte den Plan.",
            "does not look like English",
        ),
        ("nav.html", b"<html><body><nav>Home | News</nav></body></html>", "no article text"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    cli: CliFn, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    for command in ("extract", "ingest"):
        r = cli(command, str(f))
        assert r.exit_code == 2, (command, r.stdout)
        assert message in r.stderr and r.stderr.count("error:") == 1
    stats = cli("stats").stdout
    assert "articles  0" in stats


def test_twenty_megabytes_is_refused(cli: CliFn, tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_bytes(b"The mayor said the budget would grow. " * 550_000)
    r = cli("extract", str(f))
    assert r.exit_code == 2 and "over the 5 MB limit" in r.stderr


@pytest.mark.embedded_only
def test_extract_a_directory_into_reports(cli: CliFn, tmp_path: Path) -> None:
    """One report per article, named after it; a failing article is named and the rest go on."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "harbour.txt").write_text(
        "Harbour master Tomas Lind said on Sunday that 40 fishing boats had returned.",
        encoding="utf-8",
    )
    (articles / "page.html").write_text(PAGE, encoding="utf-8")
    (articles / "empty.txt").write_text("   \n", encoding="utf-8")
    out = tmp_path / "reports"
    r = cli("extract", str(articles), "--out", str(out), "--workers", "2", store=False)
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["harbour.json", "page.json"]
    assert "empty.txt" in r.stderr and "empty" in r.stderr.split("empty.txt", 1)[1]
    assert "2 reports written" in r.stdout and "1 failed" in r.stdout
    harbour = json.loads((out / "harbour.json").read_text(encoding="utf-8"))
    single = json.loads(
        cli("extract", str(articles / "harbour.txt"), "--format", "json", store=False).stdout
    )
    assert harbour == single


@pytest.mark.embedded_only
def test_extract_a_directory_needs_out(cli: CliFn, tmp_path: Path) -> None:
    r = cli("extract", str(tmp_path), store=False)
    assert r.exit_code == 2 and "--out" in r.stderr


@pytest.mark.embedded_only
def test_damaged_model_is_one_error_line(
    cli: CliFn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.extract import attributor

    damaged = tmp_path / "attributor.npz"
    damaged.write_bytes(b"\x00" * 64)
    monkeypatch.setattr(attributor, "MODEL_FILE", damaged)
    f = tmp_path / "a.txt"
    f.write_text("Mayor Ann Lee said the bridge would reopen on Monday.", encoding="utf-8")
    r = cli("extract", str(f), store=False)
    assert r.exit_code == 7
    assert str(damaged) in r.stderr and "make train-attribution" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def _break_quantities_on(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    """The quantity step raises on any article whose text holds `marker` (a bug that one
    text triggers) and works as shipped on the others."""
    from kg.extract import pipeline

    real = pipeline.find_quantities

    def find_quantities(doc: Doc) -> list[Quantity]:
        if marker in doc.text:
            raise ValueError("injected fault")
        return real(doc)

    monkeypatch.setattr(pipeline, "find_quantities", find_quantities)


@pytest.mark.embedded_only
def test_a_failing_extraction_step_is_one_error_line(
    cli: CliFn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _break_quantities_on(monkeypatch, "teachers")
    f = tmp_path / "a.txt"
    f.write_text("Mayor Ann Lee said the city would hire 120 new teachers.", encoding="utf-8")
    for command in ("extract", "ingest"):
        r = cli(command, str(f))
        assert r.exit_code == 9, (command, r.stdout)
        assert r.stderr.startswith(
            f"error: extraction step 'quantities' failed on {f}: ValueError: injected fault"
        )
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "articles  0" in cli("stats").stdout


@pytest.mark.embedded_only
def test_a_failing_extraction_step_fails_its_article_alone(
    cli: CliFn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _break_quantities_on(monkeypatch, "teachers")
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "harbour.txt").write_text(
        "Harbour master Tomas Lind said on Sunday that 40 fishing boats had returned.",
        encoding="utf-8",
    )
    (articles / "school.txt").write_text(
        "Mayor Ann Lee said the city would hire 120 new teachers.", encoding="utf-8"
    )
    out = tmp_path / "reports"
    r = cli("extract", str(articles), "--out", str(out))
    assert r.exit_code == 0, r.stderr
    assert "failed: school.txt: extraction step 'quantities' failed: ValueError" in r.stderr
    assert "1 reports written" in r.stdout and "1 failed" in r.stdout
    harbour = json.loads((out / "harbour.json").read_text(encoding="utf-8"))
    assert [q["value"] for q in harbour["quantities"]] == [40]

    r = cli("ingest", str(articles))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("1 stored") and "1 failed" in r.stdout
    reasons_file = re.search(r"reasons in (\S+)\)", r.stdout)
    assert reasons_file is not None, r.stdout
    (failure,) = [json.loads(x) for x in Path(reasons_file.group(1)).read_text().splitlines()]
    assert failure["id"] == "school.txt"
    assert failure["reason"].startswith("extraction step 'quantities' failed: ValueError")
