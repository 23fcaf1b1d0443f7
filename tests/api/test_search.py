"""`/search` and `/stats/*` through HTTP, on every backend: ranked, highlighted, paged,
filtered; bad searches are 422 with a message; a write through the API is found at once."""

from __future__ import annotations

import copy

import httpx
import pytest

from tests.api.test_rest import ARTICLE

pytest_plugins = ["tests.api.conftest_rest"]


def test_search_finds_ranks_and_links(web: httpx.Client) -> None:
    r = web.get("/search", params={"q": '"national guard" troops'})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["@context"] == "/context.jsonld"
    items = body["items"]
    assert items and all("<mark>" in x["snippet"] for x in items)
    scores = [x["score"] for x in items]
    assert scores == sorted(scores, reverse=True)
    kinds = {x["kind"] for x in items}
    assert "article" in kinds
    for x in items:
        assert x["@id"].startswith("https://claimgraph.org/id/")
        assert x["href"] and web.get(x["href"]).status_code == 200
    claims = web.get("/search", params={"q": "los angeles", "type": "claim"}).json()["items"]
    assert claims and all(x["types"] == ["schema:Claim"] for x in claims)
    by = web.get(
        "/search", params={"q": "los angeles", "type": "claim", "claimant": "Donald Trump"}
    ).json()["items"]
    assert by and {x["claimant"]["name"] for x in by} == {"Donald Trump"}
    assert len(by) < len(claims)
    people = web.get("/search", params={"q": "newsom", "type": "entity"}).json()["items"]
    assert [x["types"] for x in people] == [["schema:Person"]]
    old = web.get("/search", params={"q": "the", "until": "2025-12-31", "limit": 100}).json()
    assert old["items"] and all(x["datePublished"] <= "2025-12-31" for x in old["items"])


def test_match_everything_is_paged(web: httpx.Client) -> None:
    whole = web.get("/search", params={"q": "the", "limit": 100}).json()
    assert whole["next"] is None and len(whole["items"]) > 5
    walked, url = [], "/search?q=the&limit=4"
    while url:
        page = web.get(url).json()
        assert len(page["items"]) <= 4
        walked += [x["@id"] for x in page["items"]]
        url = page["next"]
    assert walked == [x["@id"] for x in whole["items"]]


@pytest.mark.parametrize(
    ("q", "says"),
    [
        ("", "empty"),
        ("x" * 1001, "at most 1000"),
        ('"open', "double quote"),
        ("-only", "at least one word"),
        ("a OR", "OR must stand"),
    ],
)
def test_bad_searches_are_422_with_a_message(web: httpx.Client, q: str, says: str) -> None:
    r = web.get("/search", params={"q": q})
    assert r.status_code == 422 and says in r.json()["detail"]


def test_hostile_searches_never_500(web: httpx.Client) -> None:
    for q in ["NEAR(a b)", "a:b", "^x", "{a b}", "(((", "*", "'", "\\", "a AND", "NOT", "\x00"]:
        assert web.get("/search", params={"q": q}).status_code in (200, 422), q
    assert web.get("/search", params={"q": "x", "after": "bogus"}).status_code == 422


def test_html_results_and_search_boxes(web: httpx.Client) -> None:
    r = web.get("/search", params={"q": "dockworkers"}, headers={"Accept": "text/html"})
    assert r.headers["content-type"].startswith("text/html")
    assert "<mark>" in r.text and 'name="q"' in r.text
    entity = web.get("/id/person/gavin-newsom", headers={"Accept": "text/html"}).text
    assert 'action="/search"' in entity


def test_claim_stats(web: httpx.Client) -> None:
    claims = web.get("/search", params={"q": "the", "type": "claim", "limit": 100}).json()
    by_cue = web.get("/stats/claims", params={"by": "cue"}).json()["items"]
    assert by_cue[0]["count"] >= by_cue[-1]["count"]
    by_who = web.get("/stats/claims", params={"by": "claimant"}).json()["items"]
    assert any(x["name"] == "Donald Trump" for x in by_who)
    days = web.get("/stats/claims", params={"by": "day"}).json()["items"]
    assert [d["key"] for d in days] == sorted((d["key"] for d in days), reverse=True)
    total = sum(x["count"] for x in by_cue)
    assert total == sum(x["count"] for x in by_who)
    assert 0 < sum(x["count"] for x in days) <= total  # an undated article's claims: no day
    assert total >= len(claims["items"])
    figures = web.get("/stats/figures").json()["items"]
    assert figures and all(x["count"] > 0 for x in figures)
    assert web.get("/stats/claims", params={"by": "moon"}).status_code == 422
    top = web.get("/stats/claims", params={"by": "claimant", "limit": 2}).json()
    assert top["items"] == by_who[:2] and top["total"] == len(by_who)


def test_a_write_is_found_at_once_and_a_refusal_never(
    web: httpx.Client, auth: dict[str, str]
) -> None:
    before = web.get("/stats/claims", params={"by": "cue"}).json()["items"]
    refused = copy.deepcopy(ARTICLE)
    refused["text"] = refused["text"].replace("bridge", "zyxwvu")  # same length: same offsets
    refused["url"] = "https://example.org/news/refused-search"
    refused["facts"]["entities"].append({"id": "g2", "name": "Dover", "type": "Place"})
    refused["facts"]["entities"].append({"id": "o1", "name": "City Hall", "type": "Organization"})
    refused["facts"]["roles"] = [
        {"person": "p1", "title": "Mayor", "organization": "o1", "jurisdiction": j}
        for j in ("g1", "g2")
    ]
    assert web.post("/articles", json=refused, headers=auth).status_code == 422
    assert web.get("/search", params={"q": "zyxwvu"}).json()["items"] == []
    article = copy.deepcopy(ARTICLE)
    article["text"] = article["text"].replace("bridge", "qwerty")
    article["url"] = "https://example.org/news/stored-search"
    stored = web.post("/articles", json=article, headers=auth)
    assert stored.status_code in (200, 201), stored.text
    found = web.get("/search", params={"q": "qwerty"}).json()["items"]
    assert {x["kind"] for x in found} == {"claim", "article"}
    after = web.get("/stats/claims", params={"by": "cue"}).json()["items"]
    assert sum(x["count"] for x in after) > sum(x["count"] for x in before)
