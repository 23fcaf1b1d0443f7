"""Fact-checking databases kept in sync, through the CLI, against servers on loopback that
speak each protocol: a publisher's site (DataFeed, ETag, 304), a Fact Check Tools-shaped
API (a key, page tokens, maxAgeDays) and `oxigraph serve` holding ClaimsKG-model reviews."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kg.factcheck.sources import SOURCES_SUFFIX
from tests.conftest import Backend, CliFn
from tests.http_sources import (
    FactCheckTools,
    Site,
    claim,
    claimskg_turtle,
    datafeed,
    review,
)
from tests.servers import SparqlServer, start

KEY = "k3y-that-must-never-show-9f2c"


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


@pytest.fixture(scope="module")
def claimskg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """`oxigraph serve` holding seven reviews in ClaimsKG's model, dated 2024-05-10 to -16."""
    server = start("oxigraph", tmp_path_factory.mktemp("claimskg"))
    records = [(f"k{i}", f"Claim text number {i}.", f"2024-05-{10 + i}", "FALSE") for i in range(7)]
    load(server, claimskg_turtle(records))
    yield server
    server.stop()


def load(server: SparqlServer, turtle: str) -> None:
    store = server.endpoints.query.rsplit("/", 1)[0] + "/store?default"
    r = httpx.post(store, content=turtle.encode(), headers={"Content-Type": "text/turtle"})
    r.raise_for_status()


def dump(cli: CliFn) -> list[str]:
    return sorted(cli("export", "--format", "nquads").stdout.splitlines())


def reviews_stored(cli: CliFn) -> int:
    r = cli("query", "SELECT (COUNT(*) AS ?n) WHERE { ?r a schema:ClaimReview }", "--format", "csv")
    return int(r.stdout.splitlines()[1])


@pytest.mark.embedded_only
def test_sources_are_configuration_kept_beside_the_store(
    cli: CliFn, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FCT_KEY", KEY)
    assert cli("factcheck", "source", "list").stdout.startswith("no fact-check sources")
    ok = [
        ("desk", "--datafeed", "https://desk.example/feed.json"),
        ("pages", "--page", "https://desk.example/sitemap.xml"),
        ("ckg", "--sparql", "https://data.gesis.org/claimskg/sparql", "--page-rows", "200"),
        (
            "g",
            "--fact-check-tools",
            "--key-env",
            "FCT_KEY",
            "--query",
            "troops",
            "--language",
            "en",
        ),
    ]
    for name, *args in ok:
        r = cli("factcheck", "source", "add", name, *args)
        assert r.exit_code == 0, r.stderr
    listed = cli("factcheck", "source", "list").stdout
    assert [line.split("\t")[:2] for line in listed.splitlines()] == [
        ["ckg", "sparql"], ["desk", "datafeed"], ["g", "fact-check-tools"], ["pages", "page"]
    ]  # fmt: skip
    assert "(key from $FCT_KEY)" in listed and "last sync: never" in listed
    config = Path(f"{backend.store_dir}{SOURCES_SUFFIX}")
    text = config.read_text(encoding="utf-8")
    assert KEY not in text and '"key_env": "FCT_KEY"' in text
    assert not backend.store_dir.exists()  # configuration only: the graph was never opened

    refused = {
        ("x", "--datafeed", "https://a.example/f", "--page", "https://a.example/p"): "exactly one",
        ("x",): "exactly one",
        ("x", "--datafeed", "ftp://a.example/f"): "not an http:// or https:// URL",
        ("x", "--datafeed", "https://user:pw@a.example/f"): "credentials",
        ("x", "--fact-check-tools", "--query", "q"): "needs --key-env",
        ("x", "--fact-check-tools", "--key-env", "K"): "needs --query or --publisher",
        ("x", "--datafeed", "https://a.example/f", "--query", "q"): "only apply to",
        ("Bad Name", "--datafeed", "https://a.example/f"): "source name",
        ("desk", "--datafeed", "https://a.example/f"): "exists: remove it first",
    }
    for args, why in refused.items():
        r = cli("factcheck", "source", "add", *args)
        assert r.exit_code == 2 and why in r.stderr, (args, r.stderr)
    assert config.read_text(encoding="utf-8") == text  # a refusal changes nothing

    assert cli("factcheck", "source", "remove", "pages").stdout.startswith("removed pages")
    assert cli("factcheck", "source", "remove", "pages").exit_code == 2
    assert "pages" not in json.loads(config.read_text(encoding="utf-8"))["sources"]
    r = cli("factcheck", "sync", "nope")
    assert r.exit_code == 2 and "no fact-check source named nope" in r.stderr


@pytest.mark.embedded_only
def test_a_feed_syncs_once_then_304_and_failures_are_per_source(
    cli: CliFn, backend: Backend, site: Site, tmp_path: Path
) -> None:
    feed = site.put(
        "/feed.json",
        datafeed([review(1, "The moon is made of cheese."), review(2, "Water is dry.")]),
    )
    other = Site()
    try:
        faults = {
            "slow": (site.fault("/slow", "slow", 3), "no answer within 1 s"),
            "broken": (site.fault("/500", "error"), "answered 500"),
            "cut": (site.fault("/cut", "cut", b'{"@type": "DataFeed", "dataF'), "cut short"),
            "malformed": (site.put("/bad.json", '{"@type": "ClaimReview", "url": '), "not JSON"),
            "moved": (
                site.fault("/moved", "redirect", other.put("/f.json", "{}")),
                "is not a host this source's configuration names",
            ),
            "huge": (site.fault("/huge", "huge", 5_000_000), "passed the limit of 1,000,000"),
        }
        assert cli("factcheck", "source", "add", "desk", "--datafeed", feed).exit_code == 0
        for name, (url, _) in faults.items():
            assert cli("factcheck", "source", "add", name, "--datafeed", url).exit_code == 0
        limits = ("--timeout", "1", "--max-mb", "1")
        r = cli("factcheck", "sync", *limits)
        assert r.exit_code == 8, r.stdout + r.stderr
        lines = {line.split(" ", 1)[0]: line for line in r.stdout.splitlines()}
        assert lines["desk"].startswith(
            "desk (datafeed): 2 new, 0 changed, 0 unchanged, 0 refused; 1 requests, 1 read"
        )
        for name, (_, why) in faults.items():
            assert "FAILED, nothing stored from it" in lines[name] and why in lines[name], name
        assert "sync failed for broken, cut, huge, malformed, moved, slow" in r.stderr
        assert other.requests["/f.json"] == 0
        assert reviews_stored(cli) == 2
        listed = {
            line.split("\t")[0]: line
            for line in cli("factcheck", "source", "list").stdout.splitlines()
        }
        assert (
            "last sync: never\tfailed 20" in listed["broken"] and "answered 500" in listed["broken"]
        )
        assert "failed" not in listed["desk"]

        # Again: the feed answers 304 and nothing is read or written twice.
        before = dump(cli)
        again = cli("factcheck", "sync", "desk")
        assert again.exit_code == 0, again.stderr
        assert "0 new, 0 changed, 0 unchanged, 0 refused; 1 requests, 0 read, 1 not modified" in (
            again.stdout
        )
        assert site.bodies["/feed.json"] == 1 and site.requests["/feed.json"] == 2
        assert dump(cli) == before

        # The feed breaks: reported, and the store keeps everything it had.
        site.put("/feed.json", '{"@context": "https://schema.org", "@type": "DataFe')
        broken = cli("factcheck", "sync", "desk")
        assert broken.exit_code == 8 and "not JSON" in broken.stdout
        assert dump(cli) == before
        # Fixed, with one review changed: only that one is rewritten.
        changed = [review(1, "The moon is made of cheese.", "True"), review(2, "Water is dry.")]
        site.put("/feed.json", datafeed(changed))
        fixed = cli("factcheck", "sync", "desk")
        assert "0 new, 1 changed, 1 unchanged, 0 refused" in fixed.stdout, fixed.stdout
        listed = cli("factcheck", "source", "list").stdout
        assert "desk\tdatafeed" in listed and "last sync: 20" in listed
    finally:
        other.close()


@pytest.mark.embedded_only
def test_fact_check_tools_pages_with_its_key_and_asks_only_for_recent_reviews(
    cli: CliFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = [claim(i, f"National Guard troops claim {i}", 3, "False") for i in range(230)]
    claims.append(claim(999, "Something else entirely", 3, "True"))
    api = FactCheckTools(KEY, claims)
    try:
        args = ("--fact-check-tools", "--endpoint", api.endpoint, "--key-env", "FCT_KEY")
        assert cli("factcheck", "source", "add", "g", *args, "--query", "troops").exit_code == 0
        monkeypatch.setenv("FCT_KEY", "wrong-key-0000")
        wrong = cli("factcheck", "sync")
        assert wrong.exit_code == 8 and "answered 403" in wrong.stdout
        assert "wrong-key-0000" not in wrong.stdout + wrong.stderr
        monkeypatch.delenv("FCT_KEY")
        unset = cli("factcheck", "sync")
        assert unset.exit_code == 8 and "FCT_KEY (--key-env) holds no API key" in unset.stdout

        monkeypatch.setenv("FCT_KEY", KEY)
        r = cli("factcheck", "sync")
        assert r.exit_code == 0, r.stdout + r.stderr
        assert "g (fact-check-tools): 230 new, 0 changed, 0 unchanged, 0 refused; 3 requests" in (
            r.stdout
        )
        assert api.claims_sent == 230 and reviews_stored(cli) == 230
        assert all("x-goog-api-key" in h for h in api.headers_seen[-3:])
        assert KEY not in r.stdout + r.stderr
        assert KEY not in "\n".join(dump(cli))  # nor in the graph

        # Again: maxAgeDays covers the day since; the reviews are three days old.
        again = cli("factcheck", "sync")
        assert "0 new, 0 changed, 0 unchanged, 0 refused; 1 requests" in again.stdout
        assert api.claims_sent == 230
    finally:
        api.close()


@pytest.mark.embedded_only
def test_a_claimskg_endpoint_is_read_by_date_in_pages(cli: CliFn, claimskg: SparqlServer) -> None:
    url = claimskg.endpoints.query
    added = cli("factcheck", "source", "add", "ckg", "--sparql", url, "--page-rows", "3")
    assert added.exit_code == 0
    r = cli("factcheck", "sync")
    assert r.exit_code == 0, r.stdout + r.stderr
    # Three pages of three rows at most, each page's reviews read with one CONSTRUCT.
    assert "ckg (sparql): 7 new, 0 changed, 0 unchanged, 0 refused; 6 requests" in r.stdout
    verdicts = cli(
        "query",
        "SELECT DISTINCT ?v WHERE { ?r a schema:ClaimReview ; cg:normalizedVerdict ?v }",
        "--format",
        "csv",
    ).stdout.splitlines()[1:]
    assert verdicts == ["https://w3id.org/claimgraph/ns#VerdictFalse"]

    again = cli("factcheck", "sync")
    assert "0 new, 0 changed, 0 unchanged, 0 refused; 1 requests" in again.stdout
    load(claimskg, claimskg_turtle([("late", "A later claim.", "2024-06-01", "TRUE")]))
    later = cli("factcheck", "sync")
    assert "1 new, 0 changed, 0 unchanged, 0 refused; 2 requests" in later.stdout
    assert reviews_stored(cli) == 8


@pytest.mark.servers_only
def test_sync_into_a_sparql_server_store(cli: CliFn, backend: Backend, site: Site) -> None:
    """With a server as the store, the sources file sits beside --store, named per endpoint."""
    feed = site.put("/feed.json", datafeed([review(7, "Bridges float on air.")]))
    assert cli("factcheck", "source", "add", "desk", "--datafeed", feed).exit_code == 0
    beside = list(backend.store_dir.parent.glob(f"sparql-*{SOURCES_SUFFIX}"))
    assert len(beside) == 1 and not backend.store_dir.exists()
    r = cli("factcheck", "sync")
    assert r.exit_code == 0 and "1 new" in r.stdout, r.stdout + r.stderr
    assert reviews_stored(cli) == 1
    assert "1 not modified" in cli("factcheck", "sync").stdout


def html_page(n: int, text: str) -> str:
    markup = json.dumps({"@context": "https://schema.org", **review(n, text)})
    return (
        f"<!DOCTYPE html><html><head><title>Check {n}</title>"
        f'<script type="application/ld+json">{markup}</script></head><body>…</body></html>'
    )


def sitemap(site: Site, pages: dict[str, str]) -> str:
    urls = "".join(
        f"<url><loc>{site.url(path)}</loc><lastmod>{lastmod}</lastmod></url>"
        for path, lastmod in pages.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )


@pytest.mark.embedded_only
def test_a_sitemap_of_pages_fetches_only_the_pages_that_moved(cli: CliFn, site: Site) -> None:
    for n in (1, 2, 3):
        site.put(f"/checks/{n}", html_page(n, f"Claim on page {n}."), "text/html")
    site.fault("/checks/4", "error")
    lastmods = {f"/checks/{n}": "2026-11-01" for n in (1, 2, 3, 4)}
    url = site.put("/sitemap.xml", sitemap(site, lastmods), "application/xml")
    assert cli("factcheck", "source", "add", "pages", "--page", url).exit_code == 0
    r = cli("factcheck", "sync")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "pages (page): 3 new, 0 changed, 0 unchanged, 0 refused; 5 requests, 4 read" in r.stdout
    assert "passed over: page not read: " + site.url("/checks/4") in r.stdout
    assert "answered 500" in r.stdout

    # The failed page made the sync partial: the sitemap is read again, the pages whose
    # lastmod has not moved are not asked for, the failed one is.
    del site.faults["/checks/4"]
    site.put("/checks/4", html_page(4, "Claim on page 4."), "text/html")
    r = cli("factcheck", "sync")
    assert "pages (page): 1 new, 0 changed, 0 unchanged, 0 refused; 2 requests, 2 read" in r.stdout
    assert [site.bodies[f"/checks/{n}"] for n in (1, 2, 3, 4)] == [1, 1, 1, 1]

    # Nothing moved: one request, a 304.
    r = cli("factcheck", "sync")
    assert "0 new, 0 changed, 0 unchanged, 0 refused; 1 requests, 0 read, 1 not modified" in (
        r.stdout
    )
    # Page 2 changes and the sitemap says so: the sitemap and page 2 are read, nothing else.
    site.put("/checks/2", html_page(2, "Claim on page 2, corrected."), "text/html")
    site.put("/sitemap.xml", sitemap(site, lastmods | {"/checks/2": "2026-12-01"}), "text/xml")
    r = cli("factcheck", "sync")
    assert "0 new, 1 changed, 0 unchanged, 0 refused; 2 requests, 2 read" in r.stdout, r.stdout
    assert [site.bodies[f"/checks/{n}"] for n in (1, 2, 3, 4)] == [1, 2, 1, 1]
    assert reviews_stored(cli) == 4
