"""Listing pages: `next` cursors walk exactly the listing, in its order, on every backend.

The order each listing promises is computed here by one SPARQL query over the whole store
(through /sparql: the old way, sort everything), so that the keyset walk of
api/routes/paging.py is checked against an oracle that shares none of its code.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from api.routes.paging import comes_after, decode_cursor, encode_cursor, newest_first
from kg.graph.vocab import PREFIXES

pytest_plugins = ["tests.api.conftest_rest"]

UNDATED_TEXT = "Harbour master Orla Fenwick said the ferry would stop running in winter."
UNDATED = {
    "text": UNDATED_TEXT,
    "url": "https://example.org/news/undated-ferry",
    "publisher": "Example News",
    "facts": {
        "entities": [
            {
                "id": "p1",
                "name": "Orla Fenwick",
                "type": "Person",
                "mentions": [{"start": 15, "end": 27}],
            },
        ],
        "claims": [{"claimant": "p1", "cue": "said", "start": 33, "end": 71}],
    },
}


def sparql(web: httpx.Client, query: str) -> list[dict[str, Any]]:
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    answer = web.get(
        "/sparql",
        params={"query": prefixes + query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()["results"]["bindings"]
    return rows


def walk(web: httpx.Client, path: str, limit: int, **params: str) -> list[dict[str, Any]]:
    """Every item of a listing, page by page through the `next` links."""
    body = web.get(path, params={**params, "limit": str(limit)}).json()
    items: list[dict[str, Any]] = list(body["items"])
    pages = 1
    while body.get("next"):
        link = body["next"]
        assert "after=" in link and "offset=" not in link
        body = web.get(link).json()
        assert 0 < len(body["items"]) <= limit
        items.extend(body["items"])
        pages += 1
        assert pages < 500, "the next links do not end"
    return items


def by_offset(web: httpx.Client, path: str, limit: int, **params: str) -> list[dict[str, Any]]:
    """Every item of a listing, page by page with `offset` (the contract kept for clients)."""
    items: list[dict[str, Any]] = []
    while True:
        query = {**params, "limit": str(limit), "offset": str(len(items))}
        got = web.get(path, params=query).json()["items"]
        items.extend(got)
        if len(got) < limit:
            return items


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [i["@id"] for i in items]


@pytest.fixture(scope="module")
def undated(web: httpx.Client, auth: dict[str, str]) -> str:
    """An article without a publication date: its claim must come after every dated one."""
    stored = web.post("/articles", json=UNDATED, headers=auth)
    assert stored.status_code in (200, 201), stored.text
    iri: str = stored.json()["article"]["@id"]
    return iri


def test_claims_walk_is_the_whole_ordered_listing(web: httpx.Client, undated: str) -> None:
    expected = [
        r["c"]["value"]
        for r in sparql(
            web,
            """SELECT ?c ?d WHERE { { SELECT ?c (SAMPLE(?d_) AS ?d) WHERE {
  ?c a schema:Claim ; schema:text ?t ; cg:cue ?cue ; prov:wasAttributedTo ?w ;
     schema:appearance ?a . OPTIONAL { ?a schema:datePublished ?d_ } } GROUP BY ?c } }
ORDER BY DESC(?d) STR(?c)""",
        )
    ]
    assert len(expected) > 10
    walked = walk(web, "/claims", 3)
    assert ids(walked) == expected
    assert walked[-1]["article"]["@id"] == undated  # the undated claim comes last
    assert ids(by_offset(web, "/claims", 4)) == expected
    offset_page = web.get("/claims", params={"limit": 5, "offset": 7}).json()["items"]
    assert ids(offset_page) == expected[7:12]


def test_filtered_walks(web: httpx.Client, undated: str) -> None:
    """Each filter, walked by cursor, is the full listing's items that pass it, in order."""
    full = walk(web, "/claims", 100)
    claimant = full[0]["claimant"]
    entity = next(m["@id"] for c in full for m in c["mentions"])
    dates = sorted({c["article"]["datePublished"] for c in full if c["article"]["datePublished"]})
    since, until = dates[0], dates[len(dates) // 2]
    cases: list[tuple[dict[str, str], list[dict[str, Any]]]] = [
        ({"claimant": claimant["@id"]}, [c for c in full if c["claimant"] == claimant]),
        ({"claimant": claimant["name"].upper()}, [c for c in full if c["claimant"] == claimant]),
        ({"entity": entity}, [c for c in full if entity in ids(c["mentions"])]),
        ({"cue": "SAID"}, [c for c in full if c["cue"].lower() == "said"]),
        ({"text": "the"}, [c for c in full if "the" in c["text"].lower()]),
        (
            {"since": since, "until": until},
            [c for c in full if since <= (c["article"]["datePublished"] or "") <= until],
        ),
        ({"since": dates[-1], "cue": "said"}, [c for c in full if c["cue"] == "said"][:0]),
    ]
    # The last case: only the newest date, and only "said" claims on it.
    newest = [c for c in full if c["article"]["datePublished"] == dates[-1]]
    cases[-1] = (cases[-1][0], [c for c in newest if c["cue"].lower() == "said"])
    for params, expected in cases:
        assert expected, params
        assert ids(walk(web, "/claims", 2, **params)) == ids(expected), params
        assert ids(by_offset(web, "/claims", 3, **params)) == ids(expected), params
    assert web.get("/claims", params={"claimant": "nobody at all"}).json()["items"] == []


def test_articles_quantities_entities_conflicts_walks(web: httpx.Client, undated: str) -> None:
    articles = sparql(
        web,
        """SELECT ?a ?d WHERE { ?a a schema:NewsArticle OPTIONAL { ?a schema:datePublished ?d } }
ORDER BY DESC(?d) STR(?a)""",
    )
    assert ids(walk(web, "/articles", 2)) == [r["a"]["value"] for r in articles]
    assert ids(walk(web, "/articles", 2))[-1] == undated

    quantities = sparql(
        web,
        """SELECT ?q ?c ?d WHERE { { SELECT ?q ?c (SAMPLE(?d_) AS ?d) WHERE {
  ?c a schema:Claim ; cg:mentionsQuantity ?q ; prov:wasAttributedTo ?w ; schema:text ?t ;
     schema:appearance ?a . ?q schema:value ?v ; cg:surfaceText ?s .
  OPTIONAL { ?a schema:datePublished ?d_ } } GROUP BY ?q ?c } }
ORDER BY DESC(?d) STR(?q) STR(?c)""",
    )
    walked = walk(web, "/quantities", 3)
    assert [(q["@id"], q["claim"]["@id"]) for q in walked] == [
        (r["q"]["value"], r["c"]["value"]) for r in quantities
    ]
    counted = [q for q in walked if "member" in (q["counted"] or "").lower()]
    assert counted and ids(walk(web, "/quantities", 1, counted="member")) == ids(counted)

    entities = sparql(
        web,
        """SELECT ?e ?name WHERE { { SELECT ?e (MIN(?n) AS ?name) WHERE {
  VALUES ?kind { schema:Person schema:Organization schema:Place cg:Group } ?e a ?kind .
  OPTIONAL { ?e schema:name ?n } } GROUP BY ?e } } ORDER BY STR(LCASE(STR(?name))) STR(?e)""",
    )
    assert ids(walk(web, "/entities", 7)) == [r["e"]["value"] for r in entities]
    people = [e for e in walk(web, "/entities", 100) if "http://schema.org/Person" in e["types"]]
    assert ids(walk(web, "/entities", 2, type="person")) == ids(people)
    named = [e for e in people if "an" in e["name"].lower()]
    assert named and ids(walk(web, "/entities", 1, type="person", name="AN")) == ids(named)

    pairs = sparql(
        web,
        """SELECT DISTINCT ?qA ?qB WHERE { ?qA cg:conflictsWith ?qB . FILTER (STR(?qA) < STR(?qB))
  ?cA cg:mentionsQuantity ?qA ; cg:conflictsWith ?cB . ?cB cg:mentionsQuantity ?qB .
} ORDER BY STR(?qA) STR(?qB)""",
    )
    assert pairs
    conflicts = walk(web, "/conflicts", 1)
    assert len(conflicts) == len(pairs)
    assert by_offset(web, "/conflicts", 1) == conflicts


def test_bad_cursors_are_refused(web: httpx.Client) -> None:
    first = web.get("/claims", params={"limit": 2}).json()
    cursor = first["next"].split("after=")[1].split("&")[0]
    assert web.get("/claims", params={"after": cursor.replace("%2E", ".")}).status_code == 200
    body, _, check = httpx.QueryParams(first["next"].split("?")[1])["after"].partition(".")
    payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    forged = base64.urlsafe_b64encode(payload.replace(b"claim", b"clam")).decode().rstrip("=")
    for bad in ("garbage", "", "x.y", f"{forged}.{check}", f"{body}.{check[:-1]}0"):
        answer = web.get("/claims", params={"after": bad})
        assert answer.status_code == 422, (bad, answer.text)
        assert "`after`" in answer.text
    articles = web.get("/articles", params={"limit": 1}).json()["next"]
    other = httpx.QueryParams(articles.split("?")[1])["after"]
    assert web.get("/claims", params={"after": other}).status_code == 422
    both = web.get("/claims", params={"after": f"{body}.{check}", "offset": 2})
    assert both.status_code == 422 and "not both" in both.text


def test_cursor_and_order_helpers() -> None:
    keys = [
        (None, "b"),
        ("2026-04-13", "z"),
        (None, "a"),
        ("2025-06-09", "a"),
        ("2026-04-13", "a"),
    ]
    ordered = newest_first(keys)
    assert ordered == [
        ("2026-04-13", "a"),
        ("2026-04-13", "z"),
        ("2025-06-09", "a"),
        (None, "a"),
        (None, "b"),
    ]
    for i, cursor in enumerate(ordered):
        assert [k for k in ordered if comes_after(k, cursor)] == ordered[i + 1 :]
    token = encode_cursor("/claims", ("2026-04-13", "https://x.org/é"))
    assert decode_cursor("/claims", token, 2) == ("2026-04-13", "https://x.org/é")
    with pytest.raises(Exception, match="not a cursor of /articles"):
        decode_cursor("/articles", token, 2)
    with pytest.raises(Exception, match="not a cursor"):
        decode_cursor("/claims", token, 3)
