"""The server's scheduled fact-check sync and `/factchecks/matches`, driven over HTTP: a real
API server syncs a loopback DataFeed and a Fact Check Tools-shaped API on its own, and the
new links between the example claims and those reviews are listed, paged and filtered."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kg.factcheck.sources import SOURCES_SUFFIX, SourceBook, SourceKind, new_source
from tests.api.conftest import copy_store, running_server
from tests.http_sources import FactCheckTools, Site, claim, datafeed, review

KEY = "api-key-never-in-the-log-7d1e"


def wait_for(check: object, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the scheduled sync did not get there in time"
        time.sleep(0.2)


def test_scheduled_sync_then_new_matches_listed_and_paged(
    example_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Site()
    api = FactCheckTools(KEY, [claim(1, "Trump sent 2,000 National Guard troops to LA", 2, "True")])
    try:
        feed = site.put(
            "/feed.json",
            datafeed(
                [
                    review(1, "Los Angeles police used rubber bullets on protesters."),
                    review(2, "Dockworkers at the port went on strike over automation."),
                ]
            ),
        )
        store = copy_store(example_store, tmp_path)
        book = SourceBook(Path(f"{store}{SOURCES_SUFFIX}"))
        book.add(new_source("desk", SourceKind.DATAFEED, feed))
        book.add(
            new_source(
                "g", SourceKind.FACT_CHECK_TOOLS, api.endpoint, key_env="FCT_KEY", query="guard"
            )
        )
        monkeypatch.setenv("FCT_KEY", KEY)
        log = tmp_path / "server.log"
        with (
            running_server(store, log, factcheck_sync_minutes="0.02") as server,
            server.client(base_url=server.url.removesuffix("/sparql")) as http,
        ):

            def listed(limit: int = 100) -> list[dict]:
                """Every link, page after page."""
                items: list[dict] = []
                url = f"/factchecks/matches?limit={limit}"
                while url:
                    body = http.get(url).json()
                    items += body["items"]
                    url = body.get("next")
                return items

            wait_for(lambda: len(listed()) > 0)
            links = listed()
            reviews = {x["url"] for x in links}
            assert reviews <= {
                "https://desk.example/checks/1",
                "https://desk.example/checks/2",
                "https://checks.example/fct/1",
            }
            assert "https://checks.example/fct/1" in reviews
            first = links[0]
            assert set(first) >= {"@id", "claim", "review", "verdict", "score", "linkedAt"}
            assert first["href"].startswith("/claims/") and first["claimText"]

            # Keyset pages of 2 walk the same rows in the same order.
            walked = listed(limit=2)
            assert len(links) > 100  # 36 claims, three links each: more than one page
            assert [x["@id"] for x in walked] == [x["@id"] for x in links]
            times = [x["linkedAt"] for x in links]
            assert times == sorted(times, reverse=True)

            newest = times[0]
            assert len(http.get(f"/factchecks/matches?since={newest}").json()["items"]) >= 1
            later = http.get("/factchecks/matches?since=2999-01-01").json()
            assert later["items"] == [] and later["since"] == "2999-01-01T00:00:00Z"
            assert http.get("/factchecks/matches?since=yesterday").status_code == 422
            cut = http.get("/factchecks/matches?after=bogus.cursor").status_code
            assert cut == 422

            page = http.get("/factchecks/matches?since=2026-01-01", headers={"Accept": "text/html"})
            assert page.headers["content-type"].startswith("text/html")
            assert "Fact-check matches" in page.text and first["claimText"][:30] in page.text
            assert 'value="2026-01-01"' in page.text

            # Later rounds: the feed answers 304, the API is asked for the last day only;
            # queries are answered meanwhile.
            wait_for(lambda: site.requests["/feed.json"] >= 3)
            assert site.bodies["/feed.json"] == 1
            assert api.claims_sent == 1
            assert listed() == links
            ask = http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            assert ask.status_code == 200
        assert KEY not in log.read_text(errors="replace")
        assert KEY not in Path(f"{store}{SOURCES_SUFFIX}").read_text()
    finally:
        site.close()
        api.close()
