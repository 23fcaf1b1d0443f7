"""`/factchecks`: import published fact-checks (ClaimReview), and list the stored ones.

The body is read as `claimgraph factcheck import` reads a file: a ClaimReview JSON-LD object
or `@graph`, a DataFeed, or a Google Fact Check Tools response. No JSON-LD processor runs, so
no remote context is ever fetched. Each review is validated; one that breaks a shape is
refused with its reason while the others are stored.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Body, HTTPException, Request
from pydantic import Field

from api.dependencies import EngineDep, Writer
from api.engine import Engine
from api.routes import models as m
from api.routes.common import Limit, Offset, base_iri, page, select, v
from api.routes.paging import After, DatedListing, dated_iris
from kg.factcheck.claimreview import reviews_from_json
from kg.factcheck.imports import ImportReport, import_factchecks
from kg.factcheck.links import build_matcher, default_cache
from kg.factcheck.matching import Matcher
from kg.factcheck.rdf import review_iri
from kg.graph import queries
from kg.graph.vocab import SCHEMA, SCHEMA_CONTEXT
from kg.store.graphstore import GraphStore

router = APIRouter(tags=["fact-checks"])

EXAMPLE = {
    "@context": SCHEMA_CONTEXT,
    "@type": "ClaimReview",
    "url": "https://factcheck.example.org/2026/06/troops",
    "claimReviewed": "4,000 National Guard troops were sent to Los Angeles.",
    "reviewRating": {"@type": "Rating", "alternateName": "True"},
    "author": {"@type": "Organization", "name": "Example Fact Check"},
}


@router.post(
    "/factchecks",
    summary="Import fact-checks: ClaimReview JSON-LD, a DataFeed or a Fact Check Tools reply",
    response_model=m.ImportResult,
    responses={
        401: {"description": "no bearer token"},
        403: {"description": "wrong token, or writes disabled"},
        422: {"description": "the body holds no readable ClaimReview"},
    },
)
async def post_factchecks(
    engine: EngineDep,
    _: Writer,
    body: dict[str, Any] | list[Any] = Body(  # noqa: B008 - FastAPI's way to document a body
        ..., examples=[EXAMPLE], description="ClaimReview JSON-LD, DataFeed, or Google's reply"
    ),
) -> m.ImportResult:
    read = reviews_from_json(body)
    if not read.reviews:
        reasons = "; ".join(read.skipped[:10]) or "no ClaimReview object found"
        raise HTTPException(422, f"no fact-check could be read from the body: {reasons}")
    base = base_iri(engine)
    reviews = read.reviews

    def store(s: GraphStore) -> ImportReport:
        return import_factchecks(s, reviews, base=base)

    report = await engine.write(store)
    forget_matcher(engine)
    return m.ImportResult(
        read=len(reviews),
        new=report.new,
        updated=report.updated,
        refused=report.refused,
        skipped=read.skipped,
    )


REVIEWS = DatedListing("/factchecks", "?r", str(SCHEMA.ClaimReview), ("r",), queries.review_keys)


@router.get(
    "/factchecks",
    summary="The stored fact-checks, newest first (ties by IRI); follow `next` to page",
    response_model=m.ReviewPage,
    responses={422: {"description": "an `after` cursor this listing never gave"}},
)
async def list_factchecks(
    request: Request, engine: EngineDep, limit: Limit = 20, offset: Offset = 0, after: After = None
) -> m.ReviewPage:
    iris, cursor = await dated_iris(engine, REVIEWS, after=after, offset=offset, limit=limit)
    rows = []
    if iris:
        rows = await select(engine, queries.review_summaries(iris))
    by_iri = {r["r"].value: r for r in rows}
    items = [
        m.Review(
            iri=x,
            url=r["url"].value,
            claimReviewed=r["reviewed"].value,
            verdict=v(r, "verdict"),
            rating=v(r, "rating"),
            publisher=v(r, "publisher"),
            datePublished=v(r, "date"),
        )
        for x in iris
        if (r := by_iri.get(x)) is not None
    ]
    return page(
        m.ReviewPage, request, items, limit=limit, offset=offset, after=after, cursor=cursor
    )


class SearchRequest(m.Model):
    text: str = Field(min_length=1, max_length=5000, description="Any claim or post")
    top: int = Field(default=5, ge=1, le=20)


class SearchHit(m.Model):
    rank: int
    score: float
    iri: str = Field(serialization_alias="@id")
    url: str
    identifier: str | None = None
    claimReviewed: str


_matchers: dict[int, Matcher] = {}
_build_lock = asyncio.Lock()


def forget_matcher(engine: Engine) -> None:
    """The pool changed (an import, a sync): the next search builds the matcher again."""
    _matchers.pop(id(engine), None)


async def _matcher(engine: Engine) -> Matcher:
    """The matcher over the stored reviews, built once (embeddings cached beside the store)."""
    async with _build_lock:
        found = _matchers.get(id(engine))
        if found is None:
            store = engine.store
            assert store is not None, "the engine is not started"
            cache = default_cache(engine.settings.store)
            loop = asyncio.get_running_loop()
            # NoFactchecks, with no fact-check stored, is the app's to answer (409).
            found = await loop.run_in_executor(None, build_matcher, store, cache)
            _matchers[id(engine)] = found
        return found


@router.post(
    "/factchecks/search",
    summary="The published fact-checks that best match any text (BM25 + MiniLM, re-ranked)",
    response_model=list[SearchHit],
    responses={409: {"description": "no fact-checks have been imported"}},
)
async def search_factchecks(engine: EngineDep, body: SearchRequest) -> list[SearchHit]:
    matcher = await _matcher(engine)
    loop = asyncio.get_running_loop()
    (hits,) = await loop.run_in_executor(None, matcher.rank, [body.text], body.top)
    by_key = {r.key: r for r in matcher.reviews}
    base = base_iri(engine)
    return [
        SearchHit(
            rank=i,
            score=round(score, 6),
            iri=review_iri(by_key[key].url, base).value,
            url=by_key[key].url,
            identifier=by_key[key].identifier or None,
            claimReviewed=by_key[key].claim_reviewed,
        )
        for i, (key, score) in enumerate(hits, 1)
    ]
