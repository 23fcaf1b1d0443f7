"""What the resource routers share: running SELECTs through the engine, IRIs, paging, auth.

Every read goes through `Engine.query` (a worker process over a checkpoint), so the event loop
only parses the JSON answer. User input reaches SPARQL only as a serialised term
(`str(Literal(x))`, `str(NamedNode(x))`), which escapes it, never pasted raw.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode, urlparse

from fastapi import Depends, HTTPException, Query, Request
from pyoxigraph import Literal, NamedNode

from api.engine import Engine, get_engine
from api.evaluate import QueryJob
from api.routes.models import Page
from api.workers import QueryTimeout, WorkerLost
from kg.vocab import PREFIXES, XSD

EngineDep = Annotated[Engine, Depends(get_engine)]
CONTEXT_PATH = "/context.jsonld"
MAX_PAGE = 100


@dataclass(frozen=True)
class Cell:
    """One bound value of a SPARQL JSON result row."""

    value: str
    kind: str  # "uri", "literal" or "bnode"
    datatype: str | None = None
    lang: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"


Row = dict[str, Cell]


async def _evaluate(engine: Engine, job: QueryJob, what: str) -> bytes:
    """A route's own query in a worker: a timeout is 503, a failure 500 (a bug of ours)."""
    try:
        answer = await engine.query(job)
    except (QueryTimeout, WorkerLost) as exc:
        raise HTTPException(503, str(exc)) from None
    if answer.kind == "too_many_rows":
        raise HTTPException(422, answer.message)
    if answer.kind != "ok":
        raise HTTPException(500, f"the {what} failed ({answer.kind}): {answer.message}")
    return answer.body


async def select(engine: Engine, sparql: str, *, row_cap: int | None = None) -> list[Row]:
    """Evaluate a SELECT in a worker and return its rows."""
    cap = min(row_cap or engine.settings.row_cap, engine.settings.row_cap)
    job = QueryJob(sparql, tabular_format="json", row_cap=cap, prefixes=PREFIXES)
    data = json.loads(await _evaluate(engine, job, "lookup"))
    rows: list[Row] = []
    for binding in data["results"]["bindings"]:
        rows.append(
            {
                name: Cell(cell["value"], cell["type"], cell.get("datatype"), cell.get("xml:lang"))
                for name, cell in binding.items()
            }
        )
    return rows


async def construct(engine: Engine, sparql: str, fmt: str) -> bytes:
    """Evaluate a CONSTRUCT in a worker and return it serialised as `fmt` (api.evaluate.GRAPH)."""
    job = QueryJob(sparql, graph_format=fmt, row_cap=engine.settings.row_cap, prefixes=PREFIXES)
    return await _evaluate(engine, job, "description")


# -- terms ------------------------------------------------------------------------------


def lit(value: str) -> str:
    """A user's string as a SPARQL literal, escaped by pyoxigraph."""
    return str(Literal(value))


def date_lit(value: Any) -> str:
    return str(Literal(value.isoformat(), datatype=XSD.date))


def iri(value: str) -> str:
    """An IRI as a SPARQL term; 404 when it is not one (it cannot name anything we hold)."""
    try:
        return str(NamedNode(value))
    except ValueError:
        raise HTTPException(404, f"{value!r} is not an IRI this graph could hold") from None


def base_iri(engine: Engine) -> str:
    base = engine.settings.base_iri
    return base if base.endswith(("/", "#")) else base + "/"


def served_prefix(base: str) -> str:
    """The URL path under which the base IRI's resources dereference: the base IRI's path.

    With the default base `https://claimgraph.org/id/`, `<https://claimgraph.org/id/person/x>`
    is served at `/id/person/x` on whatever origin the server runs. A base whose path is `/`
    would shadow every route, so it is served under `/id/`.
    """
    path = urlparse(base if base.endswith(("/", "#")) else base + "/").path
    return path if path not in ("", "/") and path.endswith("/") else "/id/"


def resource_iri(engine: Engine, ident: str) -> str:
    """A REST id (the IRI's path below the base, or the whole IRI) as the IRI it names."""
    if ident.startswith(("http://", "https://")):
        return ident
    return base_iri(engine) + ident.lstrip("/")


def resource_id(engine: Engine, value: str) -> str:
    """The REST id of an IRI: its path below the base, or the whole IRI when outside it."""
    base = base_iri(engine)
    return value[len(base) :] if value.startswith(base) else value


def local_link(engine: Engine, value: str) -> str | None:
    """Where an IRI under the base dereferences on this server (None for outside IRIs)."""
    base = base_iri(engine)
    if not value.startswith(base):
        return None
    return served_prefix(base) + value[len(base) :]


def term_filter(var: str, value: str, name_path: str = "schema:name|schema:alternateName") -> str:
    """A pattern that binds `var` to the IRI given, or to what bears the name given (any case)."""
    if value.startswith(("http://", "https://")):
        return f"FILTER ({var} = {iri(value)})"
    fresh = "?" + var.lstrip("?") + "_name"
    return f"{var} {name_path} {fresh} . FILTER (LCASE(STR({fresh})) = LCASE({lit(value)}))"


# -- paging -----------------------------------------------------------------------------


Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page (at most 100).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")]


def next_link(request: Request, offset: int, limit: int, more: bool) -> str | None:
    """The URL of the next page, or None on the last one."""
    if not more:
        return None
    params = dict(request.query_params)
    params["offset"] = str(offset + limit)
    params["limit"] = str(limit)
    return f"{request.url.path}?{urlencode(params)}"


P = TypeVar("P", bound=Page)


def page(
    cls: type[P], request: Request, items: list[Any], fetched: int, limit: int, offset: int
) -> P:
    """One page of a listing: the routes fetch `limit + 1` rows, so a further row means more."""
    more = next_link(request, offset, limit, fetched > limit)
    return cls.model_validate({"items": items, "limit": limit, "offset": offset, "next": more})


def quote_id(ident: str) -> str:
    return quote(ident, safe="/:")


# -- writes -----------------------------------------------------------------------------


def require_writer(request: Request, engine: EngineDep) -> None:
    """Bearer-token check for write endpoints: 401 without a token, 403 with a wrong one.

    With no `CLAIMGRAPH_WRITE_TOKEN` configured every write is refused (403): a server is
    read-only unless its operator chose otherwise.
    """
    expected = engine.settings.write_token
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header or scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            401,
            "this endpoint writes to the graph: send `Authorization: Bearer <token>`",
            headers={"WWW-Authenticate": 'Bearer realm="claimgraph"'},
        )
    if not expected:
        raise HTTPException(403, "writes are disabled on this server (no write token is set)")
    if not secrets.compare_digest(token.strip().encode(), expected.encode()):
        raise HTTPException(403, "the write token is not valid")


Writer = Annotated[None, Depends(require_writer)]


def v(row: Row, key: str) -> str | None:
    """The value bound to `key` in a result row, or None."""
    cell = row.get(key)
    return cell.value if cell is not None else None


def fv(row: Row, key: str) -> float | None:
    cell = row.get(key)
    return float(cell.value) if cell is not None else None


def iris_of(row: Row, key: str) -> list[str]:
    """The IRIs of a GROUP_CONCAT(… ; separator=" ") cell (IRIs hold no space)."""
    value = v(row, key)
    return sorted(set(value.split())) if value else []
