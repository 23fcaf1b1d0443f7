"""`/factchecks/matches`: the links from stored claims to fact-checks, newest first, so that
a newsroom dashboard or a script can poll for what a sync (or a match run) added.

Each link carries the time it was first made (`prov:generatedAtTime`, kept when a later run
links the same claim and review again), so `?since=` lists the new ones. Keyset paged like
the other listings: the cursor is the last row's (time, IRI). People get an HTML view of the
same listing (Accept: text/html, or `format=html`), with a "since" form.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.dependencies import EngineDep
from api.negotiation import choose
from api.routes import html as h
from api.routes import models as m
from api.routes.claims import claim_href
from api.routes.common import Limit, Row, local_link, page, select, v
from api.routes.paging import After, decode_cursor, encode_cursor
from kg.graph import queries
from kg.store.formats import HTML, Format

router = APIRouter(tags=["fact-checks"])
LISTING = "/factchecks/matches"
JSON = Format("json", "application/json", ("application/ld+json",))

Since = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Only links made at or after this time: a date (2026-12-01) or an ISO "
        "8601 date-time (2026-12-01T09:30:00Z; without a zone, UTC).",
    ),
]


def since_stamp(value: str) -> str:
    """`since` as a link time's lexical form (UTC, to the second); 422 when it is not a
    date or a date-time."""
    try:
        if len(value) == 10:
            when = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), dt.UTC)
        else:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    except ValueError:
        raise HTTPException(
            422, f"`since` {value!r} is not a date (2026-12-01) or an ISO 8601 date-time"
        ) from None
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@router.get(
    LISTING,
    summary="Links from claims to fact-checks, newest first; `since` for the new ones",
    response_model=m.MatchPage,
    responses={
        200: {"content": {"text/html": {}}, "description": "JSON-LD, or HTML for people"},
        422: {"description": "a `since` that is no date, or an `after` cursor never given"},
    },
)
async def list_matches(
    request: Request,
    engine: EngineDep,
    since: Since = None,
    limit: Limit = 20,
    after: After = None,
    format: Annotated[
        str | None, Query(pattern="^(json|html)$", description="Overrides Accept: json, html.")
    ] = None,
) -> m.MatchPage | Response:
    stamp = since_stamp(since) if since else None
    start = decode_cursor(LISTING, after, 2) if after is not None else None
    keys = await select(engine, queries.match_keys(stamp, start, limit))
    cursor = None
    if len(keys) > limit:
        last = keys[limit - 1]
        cursor = encode_cursor(LISTING, (last["t"].value, last["m"].value))
    iris = [k["m"].value for k in keys[:limit]]
    rows = await select(engine, queries.match_details(iris)) if iris else []
    by_iri: dict[str, Row] = {}
    for row in rows:
        by_iri.setdefault(row["m"].value, row)
    items = [
        m.Match(
            iri=x,
            claim=r["c"].value,
            claimText=v(r, "text"),
            href=claim_href(engine, r["c"].value),
            review=r["r"].value,
            url=v(r, "url"),
            claimReviewed=v(r, "cr"),
            verdict=v(r, "vl"),
            rating=v(r, "rl"),
            publisher=v(r, "pn"),
            score=float(r["s"].value),
            linkedAt=r["t"].value,
        )
        for x in iris
        if (r := by_iri.get(x)) is not None
    ]
    result = page(m.MatchPage, request, items, limit=limit, offset=0, after=after, cursor=cursor)
    result.since = stamp
    wanted = {"json": JSON, "html": HTML}.get(format or "") or choose(
        request.headers.get("accept"), (JSON, HTML)
    )
    if wanted is HTML:
        return HTMLResponse(_html(engine, result, since), headers={"vary": "Accept"})
    return result


def _html(engine: EngineDep, result: m.MatchPage, since: str | None) -> str:
    rows = [
        [
            h.esc(x.linkedAt),
            h.link(local_link(engine, x.claim), x.claimText or x.claim),
            h.link(x.url, x.claimReviewed or x.url or x.review),
            h.esc(x.verdict or ""),
            h.esc(x.publisher or ""),
            h.esc(f"{x.score:.3f}"),
        ]
        for x in result.items
    ]
    form = (
        f'<form method="get" action="{LISTING}"><input type="hidden" name="format" value="html">'
        f'<label>New since <input name="since" value="{h.esc(since or "")}" '
        'placeholder="2026-12-01 or 2026-12-01T09:00:00Z"></label> <button>Show</button></form>'
    )
    more = []
    if result.next:
        more.append(f"<p>{h.link(result.next, 'older links →')}</p>")
    note = f"Links made since {result.since}" if result.since else "Every link, newest first"
    return h.page(
        "Fact-check matches",
        [
            form,
            f"<p>{h.esc(note)}: a claim of ours, the published fact-check that may be about it "
            "(a match is not a verdict on the claim).</p>",
            h.table(
                ["linked (UTC)", "claim", "fact-check", "verdict", "publisher", "score"],
                rows,
                empty="no links in this range: run `claimgraph factcheck sync` or "
                "`claimgraph factcheck match`",
            ),
            *more,
        ],
    )
