"""`/claims`: attributed claims, filtered and paged; one claim; its fact-check links.

A claim's REST id is its IRI's path below the base IRI (`article/<key>/claim/<start>-<end>`,
what follows `/id/` in its linked-data URL), so `/claims/article/44117d53a77468d5/claim/
2462-2507` is `<BASE>article/44117d53a77468d5/claim/2462-2507`; a full `http(s)://` IRI is
accepted in its place.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
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
    fv,
    iri,
    iris_of,
    lit,
    named,
    one_of,
    page,
    quote_id,
    resource_id,
    resource_iri,
    select,
    v,
    values_of,
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
from kg.graph.vocab import CG, PROV, SCHEMA

router = APIRouter(tags=["claims"])

Text = Annotated[str | None, Query(max_length=500)]


def claims_query(
    filters: str, more: tuple[str, str] = ("", ""), limit: int = 1, offset: int = 0
) -> str:
    """One row per claim (samples of its details), newest article first.

    `more` adds (projections, patterns) for the details of one claim.
    """
    return f"""SELECT ?c (SAMPLE(?text_) AS ?text) (SAMPLE(?cue_) AS ?cue)
       (SAMPLE(?type_) AS ?type) (SAMPLE(?who_) AS ?who) (SAMPLE(?whoName_) AS ?whoName)
       (SAMPLE(?a_) AS ?a) (SAMPLE(?url_) AS ?url) (SAMPLE(?headline_) AS ?headline)
       (SAMPLE(?date_) AS ?date) (GROUP_CONCAT(DISTINCT STR(?m_); separator=" ") AS ?mentions)
       {more[0]}
WHERE {{
  ?c a {SCHEMA.Claim} ; {SCHEMA.text} ?text_ ; {CG.cue} ?cue_ ; {PROV.wasAttributedTo} ?who_ ;
     {SCHEMA.appearance} ?a_ .
  {filters}
  OPTIONAL {{ ?c {CG.claimType} ?type_ }}
  OPTIONAL {{ ?who_ {SCHEMA.name} ?whoName_ }}
  OPTIONAL {{ ?a_ {SCHEMA.url} ?url_ }} OPTIONAL {{ ?a_ {SCHEMA.headline} ?headline_ }}
  OPTIONAL {{ ?a_ {SCHEMA.datePublished} ?date_ }}
  OPTIONAL {{ ?c {SCHEMA.mentions} ?m_ }}
  {more[1]}
}} GROUP BY ?c ORDER BY DESC(?date) ?c LIMIT {limit} OFFSET {offset}"""


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


def _claim_keys(filters: str) -> Callable[[str], str]:
    """The keys query of the claims listing: only the patterns a listed claim must match."""

    def keys(dates: str) -> str:
        return f"""SELECT DISTINCT ?d ?c WHERE {{
  ?c a {SCHEMA.Claim} ; {SCHEMA.text} ?text_ ; {CG.cue} ?cue_ ; {PROV.wasAttributedTo} ?who_ ;
     {SCHEMA.appearance} ?a_ .
  {filters}
  {dates}
}}"""

    return keys


def factchecks_of(claim: str) -> str:
    """The stored cg:ClaimMatch links of a claim, with their reviews."""
    return f"""SELECT ?m ?r ?url ?reviewed ?verdict ?score ?method WHERE {{
  ?m a {CG.ClaimMatch} ; {CG.matchedClaim} {claim} ; {CG.matchedReview} ?r .
  ?r {SCHEMA.url} ?url ; {SCHEMA.claimReviewed} ?reviewed .
  OPTIONAL {{ ?r {CG.normalizedVerdict} ?v .
              BIND (UCASE(STRAFTER(STR(?v), "#Verdict")) AS ?verdict) }}
  OPTIONAL {{ ?m {CG.matchScore} ?score }} OPTIONAL {{ ?m {CG.matchMethod} ?method }}
}} ORDER BY DESC(?score) LIMIT {PAGE_ROWS}"""


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
    # Each filter twice: as a join from its constants (`joins`: an index lookup, for the
    # query that fetches every matching key at once) and as a test of each row (`tests`:
    # for the walk over dates). A name is resolved to the IRIs bearing it first: its FILTER
    # in the keys query made the engine test every claim's claimant (3.4 s → 0.2 s for a
    # frequent claimant at 10,000 articles).
    joins, tests = [], []
    whos = abouts = None
    if claimant:
        whos = await named(engine, claimant)
        joins.append(values_of("?who_", whos))
        tests.append(f"FILTER ({one_of('?who_', whos)})")
    if entity:
        abouts = await named(engine, entity)
        joins.append(f"?c {SCHEMA.mentions} ?about . " + values_of("?about", abouts))
        tests.append(
            f"FILTER EXISTS {{ ?c {SCHEMA.mentions} ?about . FILTER ({one_of('?about', abouts)}) }}"
        )
    shared = []
    if cue:
        shared.append(f"FILTER (LCASE(?cue_) = LCASE({lit(cue)}))")
    if text:
        shared.append(f"FILTER (CONTAINS(LCASE(?text_), LCASE({lit(text)})))")
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
        listing = DatedListing(
            "/claims",
            "?a_",
            str(SCHEMA.NewsArticle),
            ("c",),
            _claim_keys(" ".join(joins + shared)),
            _claim_keys(" ".join(tests + shared)),
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
        rows = await select(engine, claims_query(values_of("?c", iris), limit=limit))
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
    rows = await select(engine, factchecks_of(iri(claim)))
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
    claim = resource_iri(engine, claim_id)
    s = iri(claim)
    projections = """(SAMPLE(?cert_) AS ?certainty) (SAMPLE(?pol_) AS ?polarity)
       (SAMPLE(?tense_) AS ?temporality) (SAMPLE(?conf_) AS ?confidence)
       (SAMPLE(?med_) AS ?medium) (SAMPLE(?medName_) AS ?mediumName)
       (GROUP_CONCAT(DISTINCT STR(?q_); separator=" ") AS ?quantities)
       (GROUP_CONCAT(DISTINCT STR(?x_); separator=" ") AS ?conflicts)"""
    patterns = f"""  OPTIONAL {{ ?c {CG.certainty} ?cert_ }} OPTIONAL {{ ?c {CG.polarity} ?pol_ }}
  OPTIONAL {{ ?c {CG.temporality} ?tense_ }} OPTIONAL {{ ?c {CG.confidence} ?conf_ }}
  OPTIONAL {{ ?c {CG.medium} ?med_ . OPTIONAL {{ ?med_ {SCHEMA.name} ?medName_ }} }}
  OPTIONAL {{ ?c {CG.mentionsQuantity} ?q_ }}
  OPTIONAL {{ ?c {CG.conflictsWith} ?x_ . ?x_ a {SCHEMA.Claim} }}"""
    rows = await select(engine, claims_query(f"FILTER (?c = {s})", (projections, patterns)))
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
    claim = resource_iri(engine, claim_id)
    rows = await select(
        engine, f"SELECT ?c WHERE {{ BIND ({iri(claim)} AS ?c) ?c a {SCHEMA.Claim} }}"
    )
    if not rows:
        raise HTTPException(404, f"no claim <{claim}>: ids are IRI paths below the base IRI")
    return claim
