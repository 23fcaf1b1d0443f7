"""`/quantities`: the figures claims report, with who reported them and what they concern.

"Every troop count reported for Los Angeles, and who reported it" is
`/quantities?counted=troop&entity=Los Angeles`: `entity` matches what the claim mentions,
what the figure counts (cg:countedOf) and the places and actors of the events the figure
counts in the claim's proposition graph.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.routes import models as m
from api.routes.claims import claim_href, entity_href
from api.routes.common import (
    EngineDep,
    Limit,
    Offset,
    fv,
    iris_of,
    lit,
    page,
    select,
    term_filter,
    v,
)
from kg.vocab import CG, PROV, SCHEMA, SEM

router = APIRouter(tags=["quantities"])


def _about(var: str) -> str:
    """`?var` is what the figure concerns: mentioned, counted, or its event's place or actor."""
    return (
        f"{{ ?c {SCHEMA.mentions} ?{var} }} UNION {{ ?q {CG.countedOf} ?{var} }} "
        f"UNION {{ GRAPH ?c {{ ?ev {CG.count} ?q ; {SEM.hasPlace}|{SEM.hasActor} ?{var} }} }}"
    )


@router.get(
    "/quantities",
    summary="Reported figures: filter by counted noun, entity or place concerned, claimant",
    response_model=m.QuantityPage,
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
) -> m.QuantityPage:
    filters = []
    if counted:
        filters.append(f"FILTER (CONTAINS(LCASE(STR(?counted_)), LCASE({lit(counted)})))")
    if entity:
        filters.append(_about("target") + " " + term_filter("?target", entity))
    if claimant:
        filters.append(term_filter("?who_", claimant))
    # The page is chosen first, in a subquery, and only its rows get their details: with the
    # `about` union (mentions, countedOf, the proposition graphs' events) evaluated for every
    # figure before LIMIT, one page took 16 s at 3,000 articles; this way 0.75 s (bench/LOAD.md).
    rows = await select(
        engine,
        f"""SELECT ?q ?c (SAMPLE(?surface_) AS ?surface) (SAMPLE(?value_) AS ?value)
       (SAMPLE(?min_) AS ?min) (SAMPLE(?max_) AS ?max) (SAMPLE(?qual_) AS ?qualifier)
       (SAMPLE(?counted_) AS ?counted) (SAMPLE(?unit_) AS ?unit) (SAMPLE(?who_) AS ?who)
       (SAMPLE(?whoName_) AS ?whoName) (SAMPLE(?text_) AS ?text) (SAMPLE(?a_) AS ?a)
       (SAMPLE(?url_) AS ?url) (SAMPLE(?date_) AS ?date)
       (GROUP_CONCAT(DISTINCT STR(?about_); separator=" ") AS ?about) WHERE {{
  {{ SELECT ?q ?c (SAMPLE(?published_) AS ?date_) WHERE {{
    ?c a {SCHEMA.Claim} ; {CG.mentionsQuantity} ?q ; {PROV.wasAttributedTo} ?who_ ;
       {SCHEMA.text} ?text_ ; {SCHEMA.appearance} ?a_ .
    ?q {SCHEMA.value} ?value_ ; {CG.surfaceText} ?surface_ .
    OPTIONAL {{ ?q {CG.counted} ?counted_ }}
    {" ".join(filters)}
    OPTIONAL {{ ?a_ {SCHEMA.datePublished} ?published_ }}
  }} GROUP BY ?q ?c ORDER BY DESC(?date_) ?q ?c LIMIT {limit + 1} OFFSET {offset} }}
  ?c {PROV.wasAttributedTo} ?who_ ; {SCHEMA.text} ?text_ ; {SCHEMA.appearance} ?a_ .
  ?q {SCHEMA.value} ?value_ ; {CG.surfaceText} ?surface_ .
  OPTIONAL {{ ?q {CG.counted} ?counted_ }}
  OPTIONAL {{ ?q {CG.qualifier} ?ql . BIND (STRAFTER(STR(?ql), "#") AS ?qual_) }}
  OPTIONAL {{ ?q {SCHEMA.minValue} ?min_ }} OPTIONAL {{ ?q {SCHEMA.maxValue} ?max_ }}
  OPTIONAL {{ ?q {SCHEMA.unitCode}|{SCHEMA.unitText} ?unit_ }}
  OPTIONAL {{ ?who_ {SCHEMA.name} ?whoName_ }}
  OPTIONAL {{ ?a_ {SCHEMA.url} ?url_ }}
  OPTIONAL {{ {_about("about_")} }}
}} GROUP BY ?q ?c ORDER BY DESC(?date) ?q ?c""",
    )
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
            about=[m.Ref(iri=x, href=entity_href(engine, x)) for x in iris_of(r, "about")],
        )
        for r in rows[:limit]
    ]
    return page(m.QuantityPage, request, items, len(rows), limit, offset)
