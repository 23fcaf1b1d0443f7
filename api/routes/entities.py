"""`/entities`: the people, organisations, places and groups the graph knows.

An entity's REST id is its IRI's path below the base IRI (`person/gavin-newsom`); a full
`http(s)://` IRI is accepted in its place.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from api.dependencies import EngineDep
from api.engine import Engine
from api.routes import models as m
from api.routes.common import (
    Limit,
    Offset,
    Row,
    checked_iri,
    page,
    quote_id,
    resource_id,
    resource_iri,
    select,
    v,
)
from api.routes.paging import After, decode_cursor, encode_cursor, no_offset_with
from kg.graph import queries
from kg.graph.vocab import CG, SCHEMA

router = APIRouter(tags=["entities"])

KINDS = {
    "person": SCHEMA.Person,
    "organization": SCHEMA.Organization,
    "place": SCHEMA.Place,
    "group": CG.Group,
}
Kind = Literal["person", "organization", "place", "group"]


def _entity(engine: Engine, r: Row) -> m.Entity:
    e = r["e"].value
    return m.Entity(
        iri=e,
        href="/entities/" + quote_id(resource_id(engine, e)),
        name=v(r, "name") or resource_id(engine, e),
        types=sorted(set((v(r, "types") or "").split())),
    )


def _ref(engine: Engine, row: Row, key: str, name: str) -> m.Ref | None:
    if key not in row:
        return None
    value = row[key].value
    return m.Ref(
        iri=value, name=v(row, name), href="/entities/" + quote_id(resource_id(engine, value))
    )


@router.get(
    "/entities",
    summary="Entities, by name (any case), then IRI; follow `next` to page",
    response_model=m.EntityPage,
    responses={422: {"description": "an `after` cursor this listing never gave"}},
)
async def list_entities(
    request: Request,
    engine: EngineDep,
    name: Annotated[str | None, Query(max_length=500, description="Substring of a name")] = None,
    type: Annotated[Kind | None, Query(description="person, organization, place, group")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
    after: After = None,
) -> m.EntityPage:
    no_offset_with(after, offset)
    start = None
    if after is not None:
        key = decode_cursor("/entities", after, 2)
        start = (key[0] or "", key[1] or "")
    # The page's keys from the search index's table of entities (kg.search), ordered there
    # by an index on (first name in lower case, IRI): SPARQL sorted every entity for each
    # page (8.7 s at 100,000 articles). The same order the SPARQL listing had: an entity's
    # least schema:name, lower-cased, then its IRI.
    index = await engine.text_index()
    keys = await asyncio.to_thread(
        index.entities,
        classes=[type] if type else list(KINDS),
        name=name,
        after=start,
        offset=offset,
        limit=limit + 1,
    )
    iris = [e for _, e in keys[:limit]]
    rows = []
    if iris:
        rows = await select(engine, queries.entity_summaries(iris))
    by_iri = {r["e"].value: r for r in rows}
    items = [_entity(engine, by_iri[e]) for e in iris if e in by_iri]
    cursor = None
    if len(keys) > limit:
        cursor = encode_cursor("/entities", keys[limit - 1])
    return page(
        m.EntityPage, request, items, limit=limit, offset=offset, after=after, cursor=cursor
    )


@router.get(
    "/entities/{entity_id:path}",
    summary="One entity: names, Wikidata, offices, how many claims it made or is in",
    response_model=m.EntityDetail,
    responses={404: {"description": "no such entity"}},
)
async def get_entity(entity_id: str, engine: EngineDep) -> m.EntityDetail:
    entity = checked_iri(resource_iri(engine, entity_id))
    rows = await select(engine, queries.entity_detail(entity))
    if not rows:
        raise HTTPException(404, f"no entity <{entity}>: ids are IRI paths below the base IRI")
    r = rows[0]
    # Counted in the search index's tables: in SPARQL, every claim of a frequent entity.
    index = await engine.text_index()
    made, mentioning = await asyncio.to_thread(index.claims_of, entity)
    offices = await select(engine, queries.offices_of(entity, limit=100))
    base = _entity(engine, r)
    alts = sorted(set((v(r, "alts") or "").split("\u001f")) - {""})
    return m.EntityDetail(
        **base.model_dump(),
        alternateNames=alts,
        sameAs=(v(r, "sameAs") or "").split(),
        offices=[
            m.Office(
                iri=o["post"].value,
                label=o["label"].value,
                organization=m.Ref(iri=o["org"].value, name=v(o, "orgName"))
                if "org" in o
                else None,
                jurisdiction=m.Ref(iri=o["j"].value, name=v(o, "jName")) if "j" in o else None,
            )
            for o in offices
        ],
        claimsMade=made,
        claimsMentioning=mentioning,
        claims="/claims?claimant=" + quote_id(entity),
    )
