"""Linked data: every IRI under the base IRI dereferences on this server, by negotiation.

`<BASE><rest>` is served at `<base path><rest>` of the server's own origin (the default base
`https://claimgraph.org/id/` gives `/id/<rest>`): the mapping is `common.served_prefix` and
follows `CLAIMGRAPH_BASE_IRI`. People get an HTML page; machines get a CBD-like description
(the resource's triples, those of its blank nodes and spans, and for a claim its proposition
graph) as Turtle, JSON-LD, N-Triples or RDF/XML. `?format=` overrides the Accept header, for
links. Also here: the JSON-LD context of the API's JSON bodies and `/ontology`.

The pages themselves are `api.routes.pages`; the dataset as a whole (VoID + DCAT, `/export`)
is `api.routes.dataset`.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from api.dependencies import EngineDep
from api.engine import Engine
from api.negotiation import choose
from api.routes.common import (
    CONTEXT_PATH,
    PAGE_ROWS,
    base_iri,
    checked_iri,
    construct,
    select,
    served_prefix,
)
from api.routes.models import CONTEXT
from api.routes.pages import resource_page
from kg.graph import queries
from kg.settings import Settings
from kg.store.formats import GRAPH_FORMATS, HTML, TURTLE, Format, by_name, content_type, names

router = APIRouter(tags=["linked data"])

DESCRIBE_FORMATS = (HTML, *GRAPH_FORMATS)
_FORMAT_NAMES = by_name(DESCRIBE_FORMATS)
FormatParam = Annotated[
    str | None,
    Query(
        pattern="^(" + "|".join(names(DESCRIBE_FORMATS)) + ")$",
        description="Overrides the Accept header: " + ", ".join(f.key for f in DESCRIBE_FORMATS),
    ),
]


def negotiate(request: Request, fmt: str | None, offered: tuple[Format, ...]) -> Format:
    """The format to answer in: `fmt` (a `?format=` name) when it is one of `offered`, else
    the best of `offered` for the Accept header; 406 when the client accepts none of them."""
    if fmt is not None:
        chosen = _FORMAT_NAMES[fmt]
        if chosen in offered:
            return chosen
    found = choose(request.headers.get("accept"), offered)
    if found is None:
        raise HTTPException(406, "available as: " + ", ".join(f.media_type for f in offered))
    return found


# -- dereferencing -----------------------------------------------------------------------


def resource_router(settings: Settings) -> APIRouter:
    """The dereferencing route, at the base IRI's path (`/id/` for the default base).

    A base IRI whose path is `/` would claim every path of the server, so such a base is
    served under `/id/` instead (and `<BASE>x` at `/id/x`).
    """
    prefix = served_prefix(settings.base_iri)
    resources = APIRouter(tags=["linked data"])
    resources.add_api_route(
        prefix + "{rest:path}",
        dereference,
        methods=["GET"],
        summary="Dereference an IRI of the graph (HTML, Turtle, JSON-LD, N-Triples, RDF/XML)",
        response_class=HTMLResponse,
        responses={404: {"description": "the graph holds nothing about this IRI"}},
    )
    return resources


async def dereference(
    request: Request, rest: str, engine: EngineDep, format: FormatParam = None
) -> Response:
    """`<prefix><rest>` names `<BASE><rest>`; the raw path keeps its percent-encoding."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    path = raw.decode("latin-1").split("?", 1)[0]
    prefix = served_prefix(engine.settings.base_iri)
    if not path.startswith(prefix):
        raise HTTPException(404, f"IRIs of this graph are served under {prefix}")
    subject = base_iri(engine) + path[len(prefix) :]
    return await describe(request, engine, subject, format)


async def describe(request: Request, engine: Engine, subject: str, fmt: str | None) -> Response:
    """The resource `subject` as a page or as RDF; 404 when the graph has no triple about it."""
    chosen = negotiate(request, fmt, DESCRIBE_FORMATS)
    subject = checked_iri(subject)
    triples = await select(engine, queries.resource_triples(subject, limit=PAGE_ROWS * 5))
    if not triples:
        raise HTTPException(404, f"the graph holds nothing about <{subject}>")
    headers = {"vary": "Accept"}
    if chosen is not HTML:
        body = await construct(engine, queries.resource_description(subject), chosen.key)
        return Response(body, headers={**headers, "content-type": content_type(chosen)})
    return HTMLResponse(await resource_page(engine, subject, triples), headers=headers)


# -- the JSON-LD context ------------------------------------------------------------------


@router.get(CONTEXT_PATH, summary="The JSON-LD @context of every JSON body of this API")
async def context() -> JSONResponse:
    return JSONResponse({"@context": CONTEXT}, media_type="application/ld+json")


# -- the ontology -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _ontology_docs() -> str:
    from kg.graph.ontology import docs_html, load_graph

    return docs_html(load_graph())


@router.get(
    "/ontology",
    summary="The claimgraph ontology: Turtle for machines, its documentation for people",
    response_class=HTMLResponse,
)
async def ontology(request: Request, format: FormatParam = None) -> Response:
    from kg.graph.resources import ontology_path

    chosen = negotiate(request, format, (HTML, TURTLE))
    if chosen is TURTLE:
        body = await asyncio.to_thread(ontology_path().read_bytes)
        return Response(body, headers={"content-type": content_type(TURTLE), "vary": "Accept"})
    page = await asyncio.to_thread(_ontology_docs)
    return HTMLResponse(page, headers={"vary": "Accept"})
