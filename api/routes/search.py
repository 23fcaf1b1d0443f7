"""`/search`: words across claims, articles, entities and fact-checks, from the text index.

The index (kg.search, SQLite FTS5 beside the store) answers in milliseconds where SPARQL's
`CONTAINS` read every text (6 to 10 s at 100,000 articles). Hits are ranked by BM25 and paged
by keyset: the cursor is the last hit's (score, row), so a match-everything query is paged
like any other, never unbounded. A search SQLite cannot parse or that is empty or longer
than 1,000 characters is a 422 that says what to fix.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.dependencies import EngineDep
from api.engine import Engine
from api.routes import html as h
from api.routes import models as m
from api.routes.common import Limit, local_link, next_link, page, quote_id, resource_id
from api.routes.paging import After, decode_cursor, encode_cursor
from kg.search import ENTITY_CLASSES, Hit, Kind, SearchQuery, TextIndex

router = APIRouter(tags=["search"])

_CLASS_OF = {"claim": ["schema:Claim"], "article": ["schema:NewsArticle"]}
_CLASS_OF["factcheck"] = ["schema:ClaimReview"]
_ENTITY_TYPES = {short: "schema:" + iri.rsplit("/", 1)[-1] for iri, short in ENTITY_CLASSES.items()}
_ENTITY_TYPES["group"] = "cg:Group"


def _href(engine: Engine, kind: str, iri: str) -> str | None:
    if kind == "claim":
        return "/claims/" + quote_id(resource_id(engine, iri))
    if kind == "entity":
        return "/entities/" + quote_id(resource_id(engine, iri))
    return local_link(engine, iri)


def _item(engine: Engine, hit: Hit, classes: list[str]) -> m.SearchHit:
    types = _CLASS_OF.get(hit.kind) or sorted(_ENTITY_TYPES[c] for c in classes)
    return m.SearchHit(
        iri=hit.iri,
        types=types,
        kind=hit.kind,
        href=_href(engine, hit.kind, hit.iri),
        title=hit.title or None,
        snippet=hit.snippet,
        score=round(-hit.score, 4),
        claimant=m.Ref(
            iri=hit.claimant, name=hit.claimant_name, href=_href(engine, "entity", hit.claimant)
        )
        if hit.claimant
        else None,
        datePublished=hit.day,
        article=m.Ref(iri=hit.article, href=local_link(engine, hit.article))
        if hit.article
        else None,
    )


def _run(index: TextIndex, query: SearchQuery, claimant: str | None) -> list[Hit]:
    if claimant is not None:
        is_iri = claimant.startswith(("http://", "https://"))
        claimants = (claimant,) if is_iri else tuple(index.named(claimant))
        query = SearchQuery(**{**query.__dict__, "claimants": claimants})
    return index.search(query)


@router.get(
    "/search",
    summary="Search claims, articles, entities and fact-checks by their words (BM25)",
    response_model=m.SearchPage,
    responses={
        200: {"content": {"text/html": {}}, "description": "JSON, or HTML when asked first"},
        422: {"description": "an empty, too long or malformed search, or a bad cursor"},
    },
)
async def search(
    request: Request,
    engine: EngineDep,
    q: Annotated[
        str,
        Query(
            max_length=100_000,
            description='Words (all must match), "a phrase", a prefix*, -word, a OR b; '
            "at most 1,000 characters",
        ),
    ],
    type: Annotated[Kind | None, Query(description="claim, article, entity, factcheck")] = None,
    claimant: Annotated[
        str | None, Query(max_length=500, description="Claims by this IRI or name (any case)")
    ] = None,
    since: Annotated[dt.date | None, Query(description="Dated on or after")] = None,
    until: Annotated[dt.date | None, Query(description="Dated on or before")] = None,
    limit: Limit = 20,
    after: After = None,
) -> m.SearchPage | Response:
    start: tuple[float | None, int] | None = None
    if after is not None:
        key = decode_cursor("/search", after, 2)
        try:
            start = (None if key[0] is None else float(key[0]), int(key[1] or ""))
        except ValueError:
            raise HTTPException(422, "`after` is not a cursor of /search") from None
    query = SearchQuery(
        q,
        kind=type,
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
        limit=limit + 1,
        after=start,
    )
    index = await engine.text_index()
    # A SearchError (an InputError) is the app's to answer: 422, as kg.errors.CODES says.
    hits = await asyncio.to_thread(_run, index, query, claimant)
    classes = await asyncio.to_thread(
        index.entity_classes, [x.iri for x in hits if x.kind == "entity"]
    )
    items = [_item(engine, x, classes.get(x.iri, [])) for x in hits[:limit]]
    cursor = None
    if len(hits) > limit:
        score, row = index.cursor(hits[limit - 1])
        cursor = encode_cursor("/search", (None if score is None else repr(score), str(row)))
    body = page(m.SearchPage, request, items, limit=limit, offset=0, after=after, cursor=cursor)
    body.order = "relevance" if not hits or hits[0].ranked else "newest"
    if request.headers.get("accept", "").split(",")[0].strip() == "text/html":
        return HTMLResponse(_html(q, body, next_link(request, limit, cursor)))
    return body


def _html(q: str, body: m.SearchPage, more: str | None) -> str:
    rows = [
        (
            h.esc(x.kind),
            h.link(x.href, x.title or x.iri) + "<br>" + x.snippet,  # snippet: escaped, <mark>ed
            h.esc(x.claimant.name or x.claimant.iri) if x.claimant else "",
            h.esc(x.datePublished or ""),
        )
        for x in body.items
    ]
    parts = [h.table(["type", "match", "claimant", "date"], rows, empty="no match")]
    if more:
        parts.append(f"<p>{h.link(more, 'more results')}</p>")
    return h.page(f"Search: {q}", parts)


# The first `limit` rows (most claims first; days newest first): every claimant at 10,000
# articles is thousands of rows, whose JSON was most of a request's 200 ms.
StatsLimit = Annotated[int, Query(ge=1, le=10_000, description="Rows to return (default 100)")]


@router.get(
    "/stats/claims",
    summary="How many claims each claimant made, each cue introduced, or each day holds",
    response_model=m.CountList,
)
async def claim_stats(
    engine: EngineDep,
    by: Annotated[Literal["claimant", "cue", "day"], Query(description="claimant, cue, day")],
    limit: StatsLimit = 100,
) -> m.CountList:
    index = await engine.text_index()
    rows = await asyncio.to_thread(index.claim_counts, by)
    items = [m.Count(key=k, name=n, count=c) for k, n, c in rows[:limit]]
    return m.CountList(by=by, total=len(rows), items=items)


@router.get(
    "/stats/figures",
    summary="How many figures count each noun (troops, people, dollars…)",
    response_model=m.CountList,
)
async def figure_stats(engine: EngineDep, limit: StatsLimit = 100) -> m.CountList:
    index = await engine.text_index()
    rows = await asyncio.to_thread(index.figure_counts)
    items = [m.Count(key=k, count=c) for k, c in rows[:limit]]
    return m.CountList(by="counted", total=len(rows), items=items)
