"""`/quantities`: the figures claims report, with who reported them and what they concern.

"Every troop count reported for Los Angeles, and who reported it" is
`/quantities?counted=troop&entity=Los Angeles`: `entity` matches what the claim mentions,
what the figure counts (cg:countedOf) and the places and actors of the events the figure
counts in the claim's proposition graph.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.dependencies import EngineDep
from api.routes import models as m
from api.routes.claims import claim_href, entity_href
from api.routes.common import Limit, Offset, fv, named, page, select, v
from api.routes.paging import (
    After,
    DatedListing,
    Key,
    dated_page,
    decode_cursor,
    encode_cursor,
    no_offset_with,
)
from kg.graph import queries
from kg.graph.vocab import SCHEMA

router = APIRouter(tags=["quantities"])


@router.get(
    "/quantities",
    summary="Reported figures: filter by counted noun, entity or place concerned, claimant; "
    "newest first; follow `next` to page",
    response_model=m.QuantityPage,
    responses={422: {"description": "an `after` cursor this listing never gave"}},
)
async def list_quantities(
    request: Request,
    engine: EngineDep,
    counted: Annotated[
        str | None, Query(max_length=200, description="Substring of the counted noun (troop)")
    ] = None,
    entity: Annotated[
        str | None, Query(max_length=500, description="Entity or place concerned: IRI or name")
    ] = None,
    claimant: Annotated[
        str | None, Query(max_length=500, description="The claimant's IRI or name")
    ] = None,
    limit: Limit = 20,
    offset: Offset = 0,
    after: After = None,
) -> m.QuantityPage:
    no_offset_with(after, offset)
    start = decode_cursor("/quantities", after, 3) if after is not None else None
    targets = await named(engine, entity) if entity else None
    whos = await named(engine, claimant) if claimant else None
    keys: list[Key] = []
    if targets != [] and whos != []:
        # The page's keys first (bench/LISTINGS.md): with the `about` union (mentions,
        # countedOf, the proposition graphs' events) evaluated for every figure before LIMIT,
        # one page took 16 s at 3,000 articles.
        joins, tests, checks = queries.quantity_filters(
            counted=counted, concerning=targets, claimants=whos
        )
        listing = DatedListing(
            "/quantities",
            "?a_",
            str(SCHEMA.NewsArticle),
            ("q", "c"),
            partial(queries.quantity_keys, joins, tests),
            partial(queries.quantity_keys, "", checks),
        )
        keys = await dated_page(
            engine,
            listing,
            after=start,
            offset=offset,
            want=limit + 1,
            # Not for `counted`: a substring test passes few figures of many, so asking for
            # all of them first scanned thousands of figures before the walk (0.5 s).
            selective=bool(entity or claimant),
        )
    pairs = [(k[1], k[2]) for k in keys[:limit] if k[1] is not None and k[2] is not None]
    rows = []
    concerned: dict[tuple[str, str], set[str]] = {}
    if pairs:
        rows = await select(engine, queries.quantity_summaries(pairs))
        for hit in await select(engine, queries.quantity_concerns(pairs)):
            key = (hit["q"].value, hit["c"].value)
            concerned.setdefault(key, set()).add(hit["about_"].value)
    by_pair = {(r["q"].value, r["c"].value): r for r in rows}
    items = [
        m.Quantity(
            iri=r["q"].value,
            surfaceText=r["surface"].value,
            value=float(r["value"].value),
            minValue=fv(r, "min"),
            maxValue=fv(r, "max"),
            qualifier=v(r, "qualifier"),
            counted=v(r, "counted"),
            unit=v(r, "unit"),
            claim=m.Ref(iri=r["c"].value, name=v(r, "text"), href=claim_href(engine, r["c"].value)),
            claimant=m.Ref(
                iri=r["who"].value, name=v(r, "whoName"), href=entity_href(engine, r["who"].value)
            ),
            article=m.ArticleRef(iri=r["a"].value, url=v(r, "url"), datePublished=v(r, "date")),
            about=[
                m.Ref(iri=x, href=entity_href(engine, x)) for x in sorted(concerned.get(pair, ()))
            ],
        )
        for pair in pairs
        if (r := by_pair.get(pair)) is not None
    ]
    cursor = encode_cursor("/quantities", keys[limit - 1]) if len(keys) > limit else None
    return page(
        m.QuantityPage, request, items, limit=limit, offset=offset, after=after, cursor=cursor
    )
