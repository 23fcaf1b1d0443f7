"""`/claims`: attributed claims, filtered and paged; one claim; its fact-check links.

A claim's REST id is its IRI's path below the base IRI (`article/<key>/claim/<start>-<end>`,
what follows `/id/` in its linked-data URL), so `/claims/article/44117d53a77468d5/claim/
2462-2507` is `<BASE>article/44117d53a77468d5/claim/2462-2507`; a full `http(s)://` IRI is
accepted in its place.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from functools import partial
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from api.dependencies import EngineDep
from api.engine import Engine
from api.routes import models as m
from api.routes.common import (
    PAGE_ROWS,
    Limit,
    Offset,
    Row,
    checked_iri,
    fv,
    iris_of,
    named,
    page,
    quote_id,
    resource_id,
    resource_iri,
    select,
    v,
)
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

router = APIRouter(tags=["claims"])

Text = Annotated[str | None, Query(max_length=500)]


def claim_from(engine: Engine, r: Row) -> m.Claim:
    c = r["c"].value
    who = r["who"].value
    return m.Claim(
        iri=c,
        href=claim_href(engine, c),
        text=r["text"].value,
        cue=r["cue"].value,
        claimType=v(r, "type"),
        claimant=m.Ref(iri=who, name=v(r, "whoName"), href=entity_href(engine, who)),
        article=m.ArticleRef(
            iri=r["a"].value,
            url=v(r, "url"),
            headline=v(r, "headline"),
            datePublished=v(r, "date"),
        ),
        mentions=[m.Ref(iri=x, href=entity_href(engine, x)) for x in iris_of(r, "mentions")],
    )


def entity_href(engine: Engine, value: str) -> str:
    return "/entities/" + quote_id(resource_id(engine, value))


def claim_href(engine: Engine, value: str) -> str:
    return "/claims/" + quote_id(resource_id(engine, value))


async def index_keys(
    engine: Engine,
    *,
    claimants: list[str] | None = None,
    mentioning: list[str] | None = None,
    cue: str | None = None,
    since: str | None = None,
    until: str | None = None,
    after: Key | None = None,
    offset: int = 0,
    want: int = 20,
) -> list[Key]:
    """Keys (date, claim) of the claims listing from the search index's tables (kg.search),
    in the listing's order: a page of a frequent claimant's or entity's claims without a
    sort of all of them. A substring of the text is a filter the index cannot apply: that
    listing walks the dates in SPARQL instead."""
    index = await engine.text_index()
    cursor = (after[0], after[1] or "") if after is not None else None
    found = await asyncio.to_thread(
        index.claim_keys,
        claimants=claimants,
        mentioning=mentioning,
        cue=cue,
        since=since,
        until=until,
        after=cursor,
        offset=offset,
        limit=want,
    )
    return [(d, c) for d, c in found]


@router.get(
    "/claims",
    summary="Attributed claims, filtered, newest first (ties by IRI); follow `next` to page",
    response_model=m.ClaimPage,
    responses={422: {"description": "a bad filter, or an `after` cursor this listing never gave"}},
)
async def list_claims(
    request: Request,
    engine: EngineDep,
    claimant: Annotated[
        str | None, Query(max_length=500, description="The claimant's IRI or name (any case)")
    ] = None,
    entity: Annotated[
        str | None, Query(max_length=500, description="An entity the claim mentions: IRI or name")
    ] = None,
    cue: Annotated[
        str | None, Query(max_length=100, description="The cue verb (said, told…)")
    ] = None,
    since: Annotated[dt.date | None, Query(description="Article published on or after")] = None,
    until: Annotated[dt.date | None, Query(description="Article published on or before")] = None,
    text: Annotated[str | None, Query(max_length=500, description="Substring of the claim")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
    after: After = None,
) -> m.ClaimPage:
    no_offset_with(after, offset)
    start = decode_cursor("/claims", after, 2) if after is not None else None
    # A name is resolved to the IRIs bearing it first: its FILTER in the keys query made the
    # engine test every claim's claimant (3.4 s → 0.2 s for a frequent claimant at 10,000
    # articles).
    whos = await named(engine, claimant) if claimant else None
    abouts = await named(engine, entity) if entity else None
    if whos == [] or abouts == []:
        keys: list[Key] = []
    elif text is None:
        keys = await index_keys(
            engine,
            claimants=whos,
            mentioning=abouts,
            cue=cue,
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
            after=start,
            offset=offset,
            want=limit + 1,
        )
    else:
        joins, tests = queries.claim_filters(claimants=whos, mentioning=abouts, cue=cue, text=text)
        listing = DatedListing(
            "/claims",
            "?a_",
            str(SCHEMA.NewsArticle),
            ("c",),
            partial(queries.claim_keys, joins),
            partial(queries.claim_keys, tests),
        )
        keys = await dated_page(
            engine,
            listing,
            after=start,
            offset=offset,
            want=limit + 1,
            # A filter that may leave few rows: first ask for all of them (a scan that stops
            # at SELECTIVE_ROWS); a rare word then costs one scan, not a walk of every date.
            selective=bool(claimant or entity or cue or text),
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
        )
    items: list[m.Claim] = []
    if keys:
        page_keys = keys[:limit]
        iris = [k[1] for k in page_keys if k[1] is not None]
        # The details of the page's claims only; the filters were applied to the keys.
        rows = await select(engine, queries.claims_listed(iris, limit=limit))
        by_iri = {r["c"].value: r for r in rows}
        items = [claim_from(engine, by_iri[c]) for c in iris if c in by_iri]
    cursor = encode_cursor("/claims", keys[limit - 1]) if len(keys) > limit else None
    return page(m.ClaimPage, request, items, limit=limit, offset=offset, after=after, cursor=cursor)


@router.get(
    "/claims/{claim_id:path}/factchecks",
    summary="The fact-checks linked to a claim (stored cg:ClaimMatch links)",
    response_model=m.FactCheckLinks,
    responses={404: {"description": "no such claim"}},
)
async def claim_factchecks(claim_id: str, engine: EngineDep) -> m.FactCheckLinks:
    claim = await _known_claim(engine, claim_id)
    rows = await select(engine, queries.factchecks_of_claim(claim, limit=PAGE_ROWS))
    return m.FactCheckLinks(
        claim=claim,
        items=[
            m.FactCheckLink(
                iri=r["m"].value,
                review=r["r"].value,
                url=r["url"].value,
                claimReviewed=r["reviewed"].value,
                verdict=v(r, "verdict"),
                score=fv(r, "score"),
                method=v(r, "method"),
            )
            for r in rows
        ],
    )


@router.get(
    "/claims/{claim_id:path}",
    summary="One claim: who said it, how, its figures, conflicts; id = IRI path below the base",
    response_model=m.ClaimDetail,
    responses={404: {"description": "no such claim"}},
)
async def get_claim(claim_id: str, engine: EngineDep) -> m.ClaimDetail:
    claim = checked_iri(resource_iri(engine, claim_id))
    rows = await select(engine, queries.claim_detail(claim))
    if not rows:
        raise HTTPException(404, f"no claim <{claim}>: ids are IRI paths below the base IRI")
    r = rows[0]
    base = claim_from(engine, r)
    medium = v(r, "medium")
    return m.ClaimDetail(
        **base.model_dump(),
        certainty=v(r, "certainty"),
        polarity=v(r, "polarity"),
        temporality=v(r, "temporality"),
        confidence=fv(r, "confidence"),
        medium=m.Ref(iri=medium, name=v(r, "mediumName")) if medium else None,
        quantities=iris_of(r, "quantities"),
        conflictsWith=iris_of(r, "conflicts"),
        factchecks=base.href + "/factchecks",
    )


async def _known_claim(engine: Engine, claim_id: str) -> str:
    claim = checked_iri(resource_iri(engine, claim_id))
    rows = await select(engine, queries.claim_if_stored(claim))
    if not rows:
        raise HTTPException(404, f"no claim <{claim}>: ids are IRI paths below the base IRI")
    return claim
