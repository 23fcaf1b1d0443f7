"""`/conflicts`: pairs of claims whose figures for the same thing cannot both be right.

The pairs are the `cg:conflictsWith` links `kg.ingest.conflicts` derives (recomputed after every
article stored through the API); each pair is listed once, with both figures and claimants.
"""

from __future__ import annotations

import bisect

from fastapi import APIRouter, Request

from api.dependencies import EngineDep
from api.engine import Engine
from api.routes import models as m
from api.routes.claims import claim_href, entity_href
from api.routes.common import (
    Limit,
    Offset,
    PerGeneration,
    Row,
    generation,
    page,
    select,
    select_capped,
    v,
)
from api.routes.paging import (
    After,
    Key,
    decode_cursor,
    encode_cursor,
    no_offset_with,
)
from kg.graph import queries

router = APIRouter(tags=["conflicts"])


def _side(engine: Engine, r: Row, x: str) -> m.Side:
    claim, who = r[f"c{x}"].value, r[f"who{x}"].value
    return m.Side(
        claim=m.Ref(iri=claim, name=v(r, f"text{x}"), href=claim_href(engine, claim)),
        claimant=m.Ref(iri=who, name=v(r, f"name{x}"), href=entity_href(engine, who)),
        figure=r[f"fig{x}"].value,
        value=float(r[f"val{x}"].value),
        counted=v(r, f"counted{x}"),
        article=m.ArticleRef(
            iri=r[f"a{x}"].value, url=v(r, f"url{x}"), datePublished=v(r, f"date{x}")
        ),
    )


# Every pair's keys, in the listing's order, kept per store generation: the pairs change only
# when a write refreshes the conflict links, and each page sorted all of them before. None
# when there are more than the row cap: those pages are asked for one by one.
PAIRS: PerGeneration[list[Row] | None] = PerGeneration(4)


async def _all_pairs(engine: Engine) -> list[Row] | None:
    rows = await select_capped(engine, queries.conflict_pairs(), engine.settings.row_cap)
    if rows is None:
        return None
    return sorted(rows, key=lambda r: (r["qA"].value, r["qB"].value))


async def _page_keys(engine: Engine, after: Key | None, offset: int, limit: int) -> list[Row]:
    """The page's pair keys: from the kept list of every pair (embedded store), else by one
    query that orders them all (a server, whose data others may change). Ordered by the
    IRIs' strings, which is how SPARQL orders IRIs, so a cursor's FILTER and the order agree
    on every server."""
    pairs = None
    if generation(engine) is not None:
        pairs = await PAIRS.get(engine, (), lambda: _all_pairs(engine))
    if pairs is not None:
        first = 0
        if after is not None:
            keys = [(p["qA"].value, p["qB"].value) for p in pairs]
            first = bisect.bisect_right(keys, (after[0] or "", after[1] or ""))
        return pairs[first + offset : first + offset + limit + 1]
    return await select(engine, queries.conflict_pairs(after, limit=limit, offset=offset))


async def _details(engine: Engine, pairs: list[Row]) -> dict[int, Row]:
    """Both sides of every pair on the page, in one query: one wait in the workers' queue
    instead of one a pair, which in a busy mix made a page wait behind every other request
    twenty times."""
    if not pairs:
        return {}
    ends = [{k: pair[k].value for k in queries.PAIR_ENDS} for pair in pairs]
    rows = await select(engine, queries.conflict_details(ends))
    found: dict[int, Row] = {}
    for r in rows:
        n = int(r["n"].value)
        found.setdefault(n, {**r, **{k: pairs[n][k] for k in queries.PAIR_ENDS}})
    return found


@router.get(
    "/conflicts",
    summary="Pairs of conflicting claims, by their figures' IRIs; follow `next` to page",
    response_model=m.ConflictPage,
    responses={422: {"description": "an `after` cursor this listing never gave"}},
)
async def list_conflicts(
    request: Request, engine: EngineDep, limit: Limit = 20, offset: Offset = 0, after: After = None
) -> m.ConflictPage:
    no_offset_with(after, offset)
    key = decode_cursor("/conflicts", after, 2) if after is not None else None
    rows = await _page_keys(engine, key, offset, limit)
    details = await _details(engine, rows[:limit])
    items = [
        m.Conflict(a=_side(engine, d, "A"), b=_side(engine, d, "B"))
        for d in (details.get(n) for n in range(len(rows[:limit])))
        if d is not None
    ]
    cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        cursor = encode_cursor("/conflicts", (last["qA"].value, last["qB"].value))
    return page(
        m.ConflictPage, request, items, limit=limit, offset=offset, after=after, cursor=cursor
    )
