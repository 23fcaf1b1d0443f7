"""`/quantities`: the figures claims report, with who reported them and what they concern.

"Every troop count reported for Los Angeles, and who reported it" is
`/quantities?counted=troop&entity=Los Angeles`: `entity` matches what the claim mentions,
what the figure counts (cg:countedOf) and the places and actors of the events the figure
counts in the claim's proposition graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.dependencies import EngineDep
from api.routes import models as m
from api.routes.claims import claim_href, entity_href
from api.routes.common import Limit, Offset, fv, iri, lit, named, one_of, page, select, v, values_of
from api.routes.paging import (
    After,
    DatedListing,
    Key,
    dated_page,
    decode_cursor,
    encode_cursor,
    no_offset_with,
)
from kg.graph.vocab import CG, PROV, SCHEMA, SEM

router = APIRouter(tags=["quantities"])


def _about(var: str, within: str = "") -> str:
    """`?var` is what the figure concerns: mentioned, counted, or its event's place or actor.

    `within` (the page's `VALUES`) goes inside each branch of the union, where Oxigraph joins
    it first; outside, it evaluated the union (proposition graphs included) for every figure.
    """
    branches = (
        f"?c {SCHEMA.mentions} ?{var} .",
        f"?q {CG.countedOf} ?{var} .",
        f"GRAPH ?c {{ ?ev {CG.count} ?q ; {SEM.hasPlace}|{SEM.hasActor} ?{var} }}",
    )
    return " UNION ".join(f"{{ {within} {branch} }}" for branch in branches)


def _quantity_keys(patterns: str, tests: str) -> Callable[[str], str]:
    """The keys query: only the patterns a listed figure must match, and the filters.

    The OPTIONAL comes after the dates and the filters' constants: placed before them,
    Oxigraph evaluated it for every figure of the store first (19.7 s for one date's keys
    at 10,000 articles, against milliseconds).
    """

    def keys(dates: str) -> str:
        return f"""SELECT DISTINCT ?d ?q ?c WHERE {{
  ?c a {SCHEMA.Claim} ; {CG.mentionsQuantity} ?q ; {PROV.wasAttributedTo} ?who_ ;
     {SCHEMA.text} ?text_ ; {SCHEMA.appearance} ?a_ .
  ?q {SCHEMA.value} ?value_ ; {CG.surfaceText} ?surface_ .
  {patterns}
  {dates}
  OPTIONAL {{ ?q {CG.counted} ?counted_ }}
  {tests}
}}"""

    return keys


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
    # Each filter as a join from its constants (`joins`, for the query that fetches every
    # matching key at once) and as a test of each row (`checks`, for the walk over dates).
    joins, checks, tests = [], [], ""
    if counted:
        tests = f"FILTER (CONTAINS(LCASE(STR(?counted_)), LCASE({lit(counted)})))"
    targets = whos = None
    if entity:
        targets = await named(engine, entity)
        joins.append(values_of("?target", targets) + " " + _about("target"))
        checks.append(
            f"FILTER EXISTS {{ {_about('target')} FILTER ({one_of('?target', targets)}) }}"
        )
    if claimant:
        whos = await named(engine, claimant)
        joins.append(values_of("?who_", whos))
        checks.append(f"FILTER ({one_of('?who_', whos)})")
    keys: list[Key] = []
    if targets != [] and whos != []:
        # The page's keys first (bench/LISTINGS.md): with the `about` union (mentions,
        # countedOf, the proposition graphs' events) evaluated for every figure before LIMIT,
        # one page took 16 s at 3,000 articles.
        listing = DatedListing(
            "/quantities",
            "?a_",
            str(SCHEMA.NewsArticle),
            ("q", "c"),
            _quantity_keys(" ".join(joins), tests),
            _quantity_keys("", " ".join([*checks, tests])),
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
        values = " ".join(f"({iri(q)} {iri(c)})" for q, c in pairs)
        rows = await select(
            engine,
            f"""SELECT ?q ?c (SAMPLE(?surface_) AS ?surface) (SAMPLE(?value_) AS ?value)
       (SAMPLE(?min_) AS ?min) (SAMPLE(?max_) AS ?max) (SAMPLE(?qual_) AS ?qualifier)
       (SAMPLE(?counted_) AS ?counted) (SAMPLE(?unit_) AS ?unit) (SAMPLE(?who_) AS ?who)
       (SAMPLE(?whoName_) AS ?whoName) (SAMPLE(?text_) AS ?text) (SAMPLE(?a_) AS ?a)
       (SAMPLE(?url_) AS ?url) (SAMPLE(?date_) AS ?date) WHERE {{
  VALUES (?q ?c) {{ {values} }}
  ?c {PROV.wasAttributedTo} ?who_ ; {SCHEMA.text} ?text_ ; {SCHEMA.appearance} ?a_ .
  ?q {SCHEMA.value} ?value_ ; {CG.surfaceText} ?surface_ .
  OPTIONAL {{ ?a_ {SCHEMA.datePublished} ?date_ }}
  OPTIONAL {{ ?q {CG.counted} ?counted_ }}
  OPTIONAL {{ ?q {CG.qualifier} ?ql . BIND (STRAFTER(STR(?ql), "#") AS ?qual_) }}
  OPTIONAL {{ ?q {SCHEMA.minValue} ?min_ }} OPTIONAL {{ ?q {SCHEMA.maxValue} ?max_ }}
  OPTIONAL {{ ?q {SCHEMA.unitCode}|{SCHEMA.unitText} ?unit_ }}
  OPTIONAL {{ ?who_ {SCHEMA.name} ?whoName_ }}
  OPTIONAL {{ ?a_ {SCHEMA.url} ?url_ }}
}} GROUP BY ?q ?c""",
        )
        # What each figure concerns, in a query of its own with the page's pairs inside each
        # branch of the union: as an OPTIONAL of the query above, Oxigraph evaluated the
        # union apart and joined it after (0.08 s against 0.001 s for 20 figures at 10,000
        # articles).
        about = _about("about_", within=f"VALUES (?q ?c) {{ {values} }}")
        for hit in await select(engine, f"SELECT DISTINCT ?q ?c ?about_ WHERE {{ {about} }}"):
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
