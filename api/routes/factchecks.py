"""`/factchecks`: import published fact-checks (ClaimReview), and list the stored ones.

The body is read as `claimgraph factcheck import` reads a file: a ClaimReview JSON-LD object
or `@graph`, a DataFeed, or a Google Fact Check Tools response. No JSON-LD processor runs, so
no remote context is ever fetched. Each review is validated; one that breaks a shape is
refused with its reason while the others are stored.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, HTTPException, Request

from api.routes import models as m
from api.routes.common import EngineDep, Limit, Offset, Writer, base_iri, next_link, select, v
from kg.factcheck.claimreview import reviews_from_json
from kg.factcheck.imports import ImportReport, import_factchecks
from kg.store import ClaimStore
from kg.vocab import CG, SCHEMA

router = APIRouter(tags=["fact-checks"])

EXAMPLE = {
    "@context": "https://schema.org",
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

    def store(s: ClaimStore) -> ImportReport:
        return import_factchecks(s, reviews, base=base)

    report = await engine.write(store)
    return m.ImportResult(
        read=len(reviews),
        new=report.new,
        updated=report.updated,
        refused=report.refused,
        skipped=read.skipped,
    )


@router.get("/factchecks", summary="The stored fact-checks", response_model=m.ReviewPage)
async def list_factchecks(
    request: Request, engine: EngineDep, limit: Limit = 20, offset: Offset = 0
) -> m.ReviewPage:
    rows = await select(
        engine,
        f"""SELECT ?r (SAMPLE(?u) AS ?url) (SAMPLE(?cr) AS ?reviewed) (SAMPLE(?vl) AS ?verdict)
       (SAMPLE(?rl) AS ?rating) (SAMPLE(?pn) AS ?publisher) (SAMPLE(?d) AS ?date) WHERE {{
  ?r a {SCHEMA.ClaimReview} ; {SCHEMA.url} ?u ; {SCHEMA.claimReviewed} ?cr .
  OPTIONAL {{ ?r {CG.normalizedVerdict} ?v . BIND (UCASE(STRAFTER(STR(?v), "#Verdict")) AS ?vl) }}
  OPTIONAL {{ ?r {SCHEMA.reviewRating}/{SCHEMA.alternateName} ?rl }}
  OPTIONAL {{ ?r {SCHEMA.author}/{SCHEMA.name} ?pn }}
  OPTIONAL {{ ?r {SCHEMA.datePublished} ?d }}
}} GROUP BY ?r ORDER BY DESC(?date) ?r LIMIT {limit + 1} OFFSET {offset}""",
    )
    items = [
        m.Review(
            iri=r["r"].value,
            url=r["url"].value,
            claimReviewed=r["reviewed"].value,
            verdict=v(r, "verdict"),
            rating=v(r, "rating"),
            publisher=v(r, "publisher"),
            datePublished=v(r, "date"),
        )
        for r in rows[:limit]
    ]
    return m.ReviewPage(
        items=items,
        limit=limit,
        offset=offset,
        next=next_link(request, offset, limit, len(rows) > limit),
    )
