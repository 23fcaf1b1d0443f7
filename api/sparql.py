"""The SPARQL 1.1 Protocol, read-only, at `/sparql`: one router any FastAPI app can mount.

The shape follows rdflib-endpoint's `sparql_router`, without its faults: nothing is
evaluated in the event loop (queries go to worker processes, `api.workers`), every query has
a deadline and a row cap that end in an error status, never a truncated 200, and SERVICE and
LOAD are refused before evaluation (`kg.store.query.check_query`). FROM and FROM NAMED only name
graphs of the store: pyoxigraph never dereferences them.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request, Response
from pyoxigraph import NamedNode, RdfFormat, parse, serialize

from api.dependencies import EngineDep
from api.engine import Engine
from api.evaluate import QueryJob
from api.negotiation import choose
from api.workers import QueryTimeout, WorkerLost
from kg.graph.vocab import PREFIXES, turtle_prefixes
from kg.store.formats import GRAPH_FORMATS, RESULT_FORMATS, TURTLE, Format, content_type
from kg.store.query import QueryForm, check_query, is_update, names_dataset

router = APIRouter(tags=["sparql"])

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"

READ_ONLY = (
    "this endpoint is read-only: SPARQL updates are refused (nothing was changed); "
    "articles enter the graph through `claimgraph ingest`"
)
_KEYWORD = r"(?<![\w?$:.\-]){}(?![\w:\-])"


@router.get("/sparql", summary="SPARQL query (GET), or the service description without one")
async def sparql_get(request: Request, engine: EngineDep) -> Response:
    params = request.query_params
    if "update" in params:
        raise HTTPException(403, READ_ONLY)
    queries = params.getlist("query")
    if not queries:
        return service_description(request)
    if len(queries) > 1:
        raise HTTPException(400, "give exactly one `query` parameter")
    _check_size(len(queries[0].encode("utf-8")), engine.settings.max_request_bytes)
    return await answer(
        request,
        engine,
        queries[0],
        params.getlist("default-graph-uri"),
        params.getlist("named-graph-uri"),
    )


@router.post("/sparql", summary="SPARQL query (POST: form-encoded or application/sparql-query)")
async def sparql_post(request: Request, engine: EngineDep) -> Response:
    media, charset = _content_type(request.headers.get("content-type"))
    if media == UPDATE_TYPE:
        raise HTTPException(403, READ_ONLY)
    if media not in (FORM_TYPE, QUERY_TYPE):
        if not media:
            raise HTTPException(400, f"give a Content-Type: {FORM_TYPE} or {QUERY_TYPE}")
        raise HTTPException(415, f"{media} is not a query: send {FORM_TYPE} or {QUERY_TYPE}")
    if charset not in (None, "utf-8", "utf8"):
        raise HTTPException(415, f"the request is {charset}: send the query as UTF-8")
    body = await _read_body(request, engine.settings.max_request_bytes)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(400, f"the request body is not UTF-8 (byte {exc.start})") from None
    url = request.query_params
    defaults, named = url.getlist("default-graph-uri"), url.getlist("named-graph-uri")
    if media == QUERY_TYPE:
        return await answer(request, engine, text, defaults, named)
    form = parse_qs(text, keep_blank_values=True)
    if "update" in form or "update" in url:
        raise HTTPException(403, READ_ONLY)
    queries = form.get("query", [])
    if len(queries) != 1:
        raise HTTPException(400, "give exactly one `query` field")
    defaults += form.get("default-graph-uri", [])
    named += form.get("named-graph-uri", [])
    return await answer(request, engine, queries[0], defaults, named)


async def answer(
    request: Request, engine: Engine, sparql: str, defaults: list[str], named: list[str]
) -> Response:
    """Screen, negotiate, evaluate in a worker, and map the worker's answer to a response."""
    form = screen(sparql)
    offered = RESULT_FORMATS if form in (QueryForm.SELECT, QueryForm.ASK) else GRAPH_FORMATS
    fmt = _negotiate(request, offered, f"{form.value} results")
    job = QueryJob(
        sparql,
        tabular_format=fmt.key if offered is RESULT_FORMATS else "json",
        graph_format=fmt.key if offered is GRAPH_FORMATS else "turtle",
        default_graphs=_iris(defaults, "default-graph-uri") if defaults else None,
        named_graphs=_iris(named, "named-graph-uri") if named else None,
        own_dataset=names_dataset(sparql),
        row_cap=engine.settings.row_cap,
        prefixes=PREFIXES,
        base_iri=_endpoint(request),
    )
    try:
        result = await engine.query(job)
    except QueryTimeout as exc:
        raise HTTPException(503, str(exc)) from None
    except WorkerLost as exc:
        raise HTTPException(503, str(exc)) from None
    if result.kind == "ok":
        return Response(result.body, headers={"content-type": content_type(fmt), "vary": "Accept"})
    if result.kind == "syntax":
        raise HTTPException(400, f"the query does not parse: {result.message}")
    if result.kind == "too_many_rows":
        raise HTTPException(422, result.message)
    if result.kind == "store":
        raise HTTPException(503, f"the store could not be read: {result.message}")
    raise HTTPException(500, f"the query failed: {result.message}")


def screen(sparql: str) -> QueryForm:
    """Refuse updates, SERVICE and LOAD (403) and non-queries (400) before evaluation; the
    statuses of check_query's RefusedQuery and QueryError are kg.errors.CODES'."""
    if is_update(sparql):
        raise HTTPException(403, READ_ONLY)
    return check_query(sparql)


def service_description(request: Request) -> Response:
    """SPARQL 1.1 Service Description of this endpoint, in the RDF format asked for."""
    fmt = _negotiate(request, GRAPH_FORMATS, "the service description")
    turtle = SERVICE_DESCRIPTION.format(endpoint=_endpoint(request))
    if fmt is TURTLE:
        body = turtle.encode("utf-8")
    else:
        triples = [q.triple for q in parse(turtle.encode("utf-8"), RdfFormat.TURTLE)]
        body = serialize(triples, format=fmt.rdf) or b""
    return Response(body, headers={"content-type": content_type(fmt), "vary": "Accept"})


SERVICE_DESCRIPTION = (
    turtle_prefixes("sd", "formats", "ent", "rdfs")
    + """\

[] a sd:Service ;
    rdfs:label "claimgraph SPARQL endpoint (read-only)" ;
    rdfs:comment "Queries only: updates, SERVICE and LOAD are refused. Without a dataset in \
the request, the default graph is the union of all graphs." ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:defaultEntailmentRegime ent:Simple ;
    sd:resultFormat formats:SPARQL_Results_JSON, formats:SPARQL_Results_XML,
        formats:SPARQL_Results_CSV, formats:SPARQL_Results_TSV,
        formats:Turtle, formats:N-Triples, formats:JSON-LD, formats:RDF_XML .
"""
)


def _negotiate(request: Request, offered: tuple[Format, ...], what: str) -> Format:
    fmt = choose(request.headers.get("accept"), offered)
    if fmt is None:
        types = ", ".join(f.media_type for f in offered)
        raise HTTPException(406, f"{what} can be served as: {types}")
    return fmt


def _endpoint(request: Request) -> str:
    """The endpoint's own IRI: sd:endpoint, and the base IRI of queries (Protocol §2.1.1)."""
    return str(request.url.replace(query="", fragment=""))


def _content_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    media, *params = (p.strip() for p in header.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _iris(values: list[str], name: str) -> tuple[str, ...]:
    for value in values:
        try:
            NamedNode(value)
        except ValueError:
            raise HTTPException(400, f"{name} {value!r} is not an absolute IRI") from None
    return tuple(values)


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        raise HTTPException(413, f"the request is larger than {limit} bytes: send a smaller query")


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes `limit` (declared or streamed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit():
        _check_size(int(declared), limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        _check_size(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)
