"""End to end through the `claimgraph` command, as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from tests.conftest import EXAMPLES, ROOT, CliFn, edit_facts

WHO_SAID_WHAT = (EXAMPLES / "queries" / "1-who-said-what.rq").read_text(encoding="utf-8")


def ingest_seed(cli: CliFn, seed: tuple[Path, Path], *extra: str) -> str:
    text, facts = seed
    r = cli("ingest", str(text), "--facts", str(facts), *extra)
    assert r.exit_code == 0, r.stderr
    return r.stdout


def nquads(cli: CliFn) -> bytes:
    r = cli("export", "--format", "nquads")
    assert r.exit_code == 0, r.stderr
    return r.stdout_bytes


def test_version_alone_prints_the_version() -> None:
    """`claimgraph --version` needs no command (it used to answer "Missing command")."""
    from kg import __version__

    r = subprocess.run(
        [sys.executable, "-m", "kg.cli", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert (r.returncode, r.stdout.strip()) == (0, f"claimgraph {__version__}"), r.stderr


def test_ingest_then_ask_who_said_what(cli: CliFn, seed: tuple[Path, Path]) -> None:
    assert ingest_seed(cli, seed).startswith("created: ")
    r = cli("query", WHO_SAID_WHAT, "--format", "json")
    assert r.exit_code == 0, r.stderr
    results = json.loads(r.stdout)
    assert results["head"]["vars"] == ["claimant", "cue", "claim", "article"]
    rows = {
        (b["claimant"]["value"], b["cue"]["value"], b["claim"]["value"])
        for b in results["results"]["bindings"]
    }
    assert (
        "Gavin Newsom",
        "called",
        "the president\u2019s move \u201cdeliberate incitement.\u201d",
    ) in rows
    assert ("Donald Trump", "wrote") in {(a, b) for a, b, _ in rows}
    assert len(rows) == 8


def test_query_formats(cli: CliFn, seed: tuple[Path, Path]) -> None:
    ingest_seed(cli, seed)
    q = "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name"
    table = cli("query", q).stdout
    assert table.splitlines()[0].strip() == "name"
    assert "Pete Hegseth" in table and "(5 rows)" in table
    rows = list(csv.reader(io.StringIO(cli("query", q, "--format", "csv").stdout)))
    assert rows[0] == ["name"] and ["Kristi Noem"] in rows
    assert cli("query", q, "--format", "tsv").stdout.splitlines()[0] == "?name"
    xml = cli("query", q, "--format", "xml").stdout
    assert "http://www.w3.org/2005/sparql-results#" in xml
    ask = cli("query", "ASK { ?c cg:cue 'warned' }", "--format", "json")
    assert json.loads(ask.stdout) == {"head": {}, "boolean": True}
    construct = cli(
        "query",
        "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }",
        "--format",
        "turtle",
    )
    g = rdflib.Graph().parse(data=construct.stdout, format="turtle")
    assert len(g) == 5


def test_query_from_file_and_stdin(cli: CliFn, seed: tuple[Path, Path], tmp_path: Path) -> None:
    ingest_seed(cli, seed)
    qfile = tmp_path / "q.rq"
    qfile.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?c a schema:Claim }", encoding="utf-8")
    assert "8" in cli("query", "--file", str(qfile)).stdout
    assert "8" in cli("query", "-", input=qfile.read_text()).stdout


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE is refused"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only"),
        ("SELEKT ?x WHERE { ?x ?y ?z }", "not a SELECT, ASK, CONSTRUCT or DESCRIBE"),
        ("SELECT ?x WHERE { ?x ?y }", "does not parse"),
    ],
)
def test_refused_queries_change_nothing(
    cli: CliFn, seed: tuple[Path, Path], query: str, message: str
) -> None:
    ingest_seed(cli, seed)
    before = nquads(cli)
    r = cli("query", query)
    assert r.exit_code != 0
    assert message in r.stderr
    assert nquads(cli) == before


def test_reingest_identical_changes_nothing(cli: CliFn, seed: tuple[Path, Path]) -> None:
    ingest_seed(cli, seed)
    before = nquads(cli)
    assert ingest_seed(cli, seed).startswith("unchanged: ")
    assert nquads(cli) == before


def test_changed_article_replaces_all_its_graphs(cli: CliFn, seed: tuple[Path, Path]) -> None:
    ingest_seed(cli, seed)
    text, facts = seed

    def drop_newsom_claim(d: dict) -> None:
        d["claims"] = [c for c in d["claims"] if c["cue"] != "called"]
        d["events"] = [e for e in d["events"] if e["id"] != "ev4"]
        for c in d["claims"]:
            if c["id"] == "c5":
                c["cue"] = "stated"

    edit_facts(facts, drop_newsom_claim)
    assert ingest_seed(cli, seed).startswith("replaced: ")
    cues = cli("query", "SELECT ?cue WHERE { ?c cg:cue ?cue }", "--format", "csv").stdout
    assert "called" not in cues and "stated" in cues
    # The arrest event lived in claim c5's proposition graph; it is gone with the old version.
    arrests = cli("query", "ASK { ?e a cg:Arrest }", "--format", "json").stdout
    assert json.loads(arrests)["boolean"] is False
    count = cli("query", "SELECT (COUNT(*) AS ?n) WHERE { ?c a schema:Claim }", "--format", "csv")
    assert count.stdout.splitlines()[1] == "7"


def test_proposition_lives_in_the_claims_graph(cli: CliFn, seed: tuple[Path, Path]) -> None:
    ingest_seed(cli, seed)
    q = (
        "SELECT ?who WHERE { GRAPH ?claim { ?e a cg:Arrest } "
        "?claim prov:wasAttributedTo/schema:name ?who }"
    )
    r = cli("query", q, "--format", "csv")
    assert r.stdout.splitlines()[1:] == ["California prosecutor's office"]


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "nquads", "trig", "jsonld", "xml"])
def test_export_formats_parse_back(cli: CliFn, seed: tuple[Path, Path], fmt: str) -> None:
    ingest_seed(cli, seed)
    r = cli("export", "--format", fmt)
    assert r.exit_code == 0, r.stderr
    rdflib_format = {"ntriples": "nt", "jsonld": "json-ld"}.get(fmt, fmt)
    ds = rdflib.Dataset()
    ds.parse(data=r.stdout_bytes, format=rdflib_format)
    triples = {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}
    all_triples = {
        (s, p, o)
        for s, p, o, _ in rdflib.Dataset()
        .parse(data=nquads(cli), format="nquads")
        .quads((None, None, None, None))
    }
    assert triples == all_triples


def test_export_one_article_and_one_graph(
    cli: CliFn, seed: tuple[Path, Path], tmp_path: Path
) -> None:
    ingest_seed(cli, seed)
    other = EXAMPLES / "articles" / "dev-port-strike"
    cli("ingest", str(other) + ".txt", "--facts", str(other) + ".facts.json")
    url = "https://example.org/news/la-national-guard"
    out = tmp_path / "seed.nq"
    assert cli("export", "--article", url, "--output", str(out)).exit_code == 0
    ds = rdflib.Dataset().parse(out, format="nquads")
    graphs = {str(g) for _, _, _, g in ds.quads((None, None, None, None))}
    shared = "https://claimgraph.org/id/graph/shared"
    own = graphs - {shared}
    assert all(g.startswith("https://claimgraph.org/id/article/") for g in own)
    assert len(own) == 3  # the article's graph and the two claims that assert events
    # The names of the people it mentions come along from the shared graph; nobody else's.
    name = rdflib.URIRef("http://schema.org/name")
    names = {str(o) for _, _, o, _ in ds.quads((None, name, None, None))}
    assert "Gavin Newsom" in names and "Derek Vance" not in names
    texts = {str(o) for o in ds.objects(None, rdflib.URIRef("http://schema.org/text"))}
    assert not any("dockworkers" in t for t in texts)
    article_graph = next(g for g in own if g.endswith("/graph"))
    r = cli("export", "--graph", article_graph, "--format", "turtle")
    g = rdflib.Graph().parse(data=r.stdout, format="turtle")
    assert len(g) > 100
    missing = cli("export", "--article", "https://example.org/nothing")
    assert missing.exit_code != 0 and "no article" in missing.stderr


def test_shacl_refusal_prints_report_and_stores_nothing(
    cli: CliFn, seed: tuple[Path, Path]
) -> None:
    ingest_seed(cli, EXAMPLES_PORT)
    before = nquads(cli)
    text, facts = seed

    def person_as_medium(d: dict) -> None:
        d["claims"][2]["medium"] = "Gavin Newsom"

    edit_facts(facts, person_as_medium)
    r = cli("ingest", str(text), "--facts", str(facts))
    assert r.exit_code == 3
    assert "1 SHACL violation" in r.stderr and "nothing was stored" in r.stderr
    assert "A claim's medium is one platform (a schema:Organization)." in r.stderr
    assert "path https://w3id.org/claimgraph/ns#medium" in r.stderr
    assert "value https://claimgraph.org/id/person/gavin-newsom" in r.stderr
    assert nquads(cli) == before


EXAMPLES_PORT = (
    EXAMPLES / "articles" / "dev-port-strike.txt",
    EXAMPLES / "articles" / "dev-port-strike.facts.json",
)


def _bad_fact_sheets() -> list:
    def dangling(d: dict) -> None:
        d["claims"][0]["claimant"] = "e999"

    def negative(d: dict) -> None:
        d["quantities"][0]["value"] = -3

    def outside(d: dict) -> None:
        d["claims"][0]["end"] = 10**6

    def reversed_span(d: dict) -> None:
        c = d["claims"][0]
        c["start"], c["end"] = c["end"], c["start"]

    def office_by_org(d: dict) -> None:
        d["roles"].append({"person": "e3", "title": "Spokesperson"})

    def bad_date(d: dict) -> None:
        d["article"]["published"] = "9 June, sometime"

    return [
        pytest.param(
            dangling,
            "refers to entity 'e999', which the report does not define",
            id="dangling-entity",
        ),
        pytest.param(
            negative,
            "quantities.0.value: Input should be greater than or equal to 0",
            id="negative-count",
        ),
        pytest.param(outside, "ends after the article's last character", id="span-outside-text"),
        pytest.param(reversed_span, "is not before its end", id="start-after-end"),
        pytest.param(
            bad_date, "article.published: Input should be a valid date", id="malformed-date"
        ),
    ]


@pytest.mark.parametrize(("change", "message"), _bad_fact_sheets())
def test_bad_fact_sheet_is_refused_and_store_untouched(
    cli: CliFn, seed: tuple[Path, Path], change: object, message: str
) -> None:
    ingest_seed(cli, EXAMPLES_PORT)
    before = nquads(cli)
    text, facts = seed
    edit_facts(facts, change)  # type: ignore[arg-type]
    r = cli("ingest", str(text), "--facts", str(facts))
    assert r.exit_code == 2
    assert message in r.stderr
    assert r.stderr.count("error:") == 1
    assert nquads(cli) == before


def _bad_articles(tmp: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp / "empty.txt"
    empty.write_text("  \n\t\n", encoding="utf-8")
    latin1 = tmp / "latin1.txt"
    latin1.write_bytes("Caf\xe9 owners said prices rose.".encode("latin-1"))
    binary = tmp / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    huge = tmp / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    return {
        "empty": (empty, "is empty"),
        "non-utf8": (latin1, "is not UTF-8"),
        "binary": (binary, "is binary, not text"),
        "50MB": (huge, "over the 5 MB limit"),
        "missing": (tmp / "nope.txt", "does not exist"),
        "directory": (tmp, "is a directory"),
    }


@pytest.mark.parametrize("case", ["empty", "non-utf8", "binary", "50MB", "missing", "directory"])
def test_bad_article_is_refused_and_store_untouched(
    cli: CliFn, seed: tuple[Path, Path], tmp_path: Path, case: str
) -> None:
    ingest_seed(cli, EXAMPLES_PORT)
    before = nquads(cli)
    path, message = _bad_articles(tmp_path)[case]
    r = cli("ingest", str(path), "--facts", str(seed[1]))
    assert r.exit_code == 2, r.stdout
    assert message in r.stderr
    assert r.stderr.count("error:") == 1
    assert nquads(cli) == before


def test_malformed_published_flag(cli: CliFn, seed: tuple[Path, Path]) -> None:
    r = cli("ingest", str(seed[0]), "--facts", str(seed[1]), "--published", "2025-13-45")
    assert r.exit_code == 2
    assert "--published '2025-13-45' is not a date" in r.stderr


def test_cli_flags_override_fact_sheet_metadata(cli: CliFn, seed: tuple[Path, Path]) -> None:
    ingest_seed(cli, seed, "--published", "2025-06-10", "--publisher", "Daily Example")
    r = cli(
        "query",
        "SELECT ?d ?p WHERE { ?a schema:datePublished ?d ; schema:publisher/schema:name ?p }",
        "--format",
        "csv",
    )
    assert r.stdout.splitlines()[1] == "2025-06-10,Daily Example"


def test_validate_store_and_file(cli: CliFn, seed: tuple[Path, Path], tmp_path: Path) -> None:
    ingest_seed(cli, seed)
    ok = cli("validate")
    assert ok.exit_code == 0 and "conforms" in ok.stdout
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix schema: <http://schema.org/> .\n"
        "<urn:q> a schema:QuantitativeValue ; schema:value -1.0 .\n",
        encoding="utf-8",
    )
    r = cli("validate", str(bad))
    assert r.exit_code == 3
    assert "A quantity needs exactly one value, a decimal of at least 0." in r.stdout


def test_stats(cli: CliFn, seed: tuple[Path, Path]) -> None:
    ingest_seed(cli, seed)
    out = cli("stats").stdout
    assert "articles  1" in out and "claims    8" in out


def test_store_from_environment(tmp_path: Path, seed: tuple[Path, Path]) -> None:
    env = {**os.environ, "CLAIMGRAPH_STORE": str(tmp_path / "env-store")}
    exe = Path(sys.executable).with_name("claimgraph")
    subprocess.run(
        [str(exe), "ingest", str(seed[0]), "--facts", str(seed[1])],
        env=env,
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert (tmp_path / "env-store").is_dir()
    assert not (tmp_path / ".claimgraph").exists()


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["ingest"],
        ["extract"],
        ["query"],
        ["export"],
        ["validate"],
        ["stats"],
        ["demo"],
        ["ontology"],
        ["ontology", "check"],
        ["ontology", "docs"],
    ],
)
def test_every_command_has_help(cli: CliFn, command: list[str]) -> None:
    r = cli(*command, "--help", store=False)
    assert r.exit_code == 0
    assert "Usage:" in r.stdout


def test_demo_of_the_fact_sheets(cli: CliFn) -> None:
    r = cli("demo", "--fact-sheets", str(EXAMPLES))
    assert r.exit_code == 0, r.stderr
    assert "5 articles, 36 claims" in r.stdout
    assert r.stdout.count("(fact sheet)") == 5 and "imported" not in r.stdout
    assert r.stdout.count("\n## ") == 5
    assert "Pacific Maritime Association | 6,500 workers" in r.stdout
    assert "Pete Hegseth   | Secretary of Defense" in r.stdout
    assert "more than a dozen protesters" in r.stdout


@pytest.mark.embedded_only
def test_main_job_shows_the_pipeline_from_a_clean_directory(tmp_path: Path) -> None:
    """`make run`'s demo, as a new user runs it: extracted from the raw text (no fact sheet),
    the shipped fact-checks imported and linked, every example query answered."""
    exe = Path(sys.executable).with_name("claimgraph")
    r = subprocess.run(
        [str(exe), "--store", str(tmp_path / "s"), "demo", str(ROOT / "examples")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.count("(extracted)") == 5 and "fact sheet" not in out
    assert "imported  factchecks/: 11 fact-checks" in out
    assert "Who said what" in out and out.count("\n## ") == 5
    # who said what, the figures and who reported them, officials, conflicts
    assert "Maria Santos" in out and "About 12,000 dockworkers" in out
    assert "Pete Hegseth" in out and "Secretary of Defense" in out
    assert "only 6,500 workers | International Longshore and Warehouse Union" in out
    # each claim's best fact-check, with its verdict, from the feed and from the page
    answers = out.split("(5-claims-and-their-fact-checks.rq)")[1]
    assert "Only 6,500 workers have joined the dockworkers' walkout." in answers
    assert "VerdictFalse   | Mostly false" in answers
    assert "Harbor Check" in answers and "Example Fact Desk" in answers
    for unrelated in ("shark", "Eiffel", "hot water"):
        assert unrelated not in answers
    # the provenance names the model, not a fact sheet
    model = subprocess.run(
        [
            str(exe),
            "--store",
            str(tmp_path / "s"),
            "query",
            "--format",
            "csv",
            "SELECT DISTINCT ?m WHERE { ?a cg:modelVersion ?m }",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "en_core_web_sm" in model and "fact sheet" not in model


def test_serve_answers_sparql(tmp_path: Path) -> None:
    import socket
    import time
    import urllib.request

    exe = Path(sys.executable).with_name("claimgraph")
    store = tmp_path / "s"
    subprocess.run(
        [str(exe), "--store", str(store), "demo", "--fact-sheets", str(EXAMPLES)],
        check=True,
        capture_output=True,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(exe), "--store", str(store), "serve", "--port", str(port), "--query-timeout", "5"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = (
        f"http://127.0.0.1:{port}/sparql?query=ASK%7B%3Fc%20a%20%3Chttp%3A//schema.org/Claim%3E%7D"
    )
    try:
        for _ in range(100):
            try:
                req = urllib.request.Request(
                    url, headers={"Accept": "application/sparql-results+json"}
                )
                with urllib.request.urlopen(req, timeout=5) as r:
                    assert json.loads(r.read()) == {"head": {}, "boolean": True}
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not answer")
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_help_imports_only_what_it_shows() -> None:
    """`claimgraph --help` and a command's help start without SHACL, the store or spaCy."""
    code = (
        "import sys\n"
        "from kg.cli import app\n"
        "for argv in (['--help'], ['extract', '--help'], ['factcheck', 'match', '--help']):\n"
        "    try:\n"
        "        app(argv, prog_name='claimgraph')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('pyshacl', 'rdflib', 'spacy', 'torch', 'httpx', 'kg.store.embedded',\n"
        "         'kg.graph.mapping')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stderr.strip().splitlines()[-1] == "[]", r.stderr
    assert "Usage: claimgraph" in r.stdout
