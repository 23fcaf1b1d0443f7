"""What the resource routers share: running SELECTs through the engine, IRIs, paging, auth.

Every read goes through `Engine.query` (a worker process over a checkpoint), so the event loop
only parses the JSON answer. The queries themselves are written in `kg.graph.queries`, where
user input reaches SPARQL only as a serialised term, which escapes it, never pasted raw.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import quote, urlencode, urlparse

from fastapi import HTTPException, Query, Request

from api.engine import Engine
from api.evaluate import QueryJob
from api.routes.models import Page
from api.workers import QueryTimeout, WorkerLost
from kg.graph.queries import iri_term
from kg.graph.vocab import PREFIXES

CONTEXT_PATH = "/context.jsonld"
MAX_PAGE = 100
# Rows a linked-data page lists of each kind (a resource's triples: five times as many).
PAGE_ROWS = 200


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


async def select_capped(engine: Engine, sparql: str, cap: int) -> list[Row] | None:
    """The rows of a SELECT, or None when there are more than `cap` (the worker stops
    reading at the cap, so asking costs at most `cap` rows)."""
    try:
        return await select(engine, sparql, row_cap=cap)
    except HTTPException as exc:
        if exc.status_code == 422:
            return None
        raise


async def construct(engine: Engine, sparql: str, fmt: str) -> bytes:
    """Evaluate a CONSTRUCT in a worker and return it serialised as `fmt` (api.evaluate.GRAPH)."""
    job = QueryJob(sparql, graph_format=fmt, row_cap=engine.settings.row_cap, prefixes=PREFIXES)
    return await _evaluate(engine, job, "description")


# -- terms ------------------------------------------------------------------------------


def checked_iri(value: str) -> str:
    """The IRI given; 404 when it is not one (it cannot name anything we hold)."""
    try:
        iri_term(value)
    except ValueError:
        raise HTTPException(404, f"{value!r} is not an IRI this graph could hold") from None
    return value


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


def generation(engine: Engine) -> object | None:
    """What changes with every write to an embedded store (its current checkpoint), so that
    what is derived from the store can be kept under it; None for a SPARQL server, whose
    data others may change, so that nothing is kept."""
    return None if engine.remote else engine.generations.current


T = TypeVar("T")


class PerGeneration(Generic[T]):
    """Values derived from an embedded store, kept under its current generation
    (`generation`), so never stale; the least recently used go first past `entries`.
    Nothing is kept for a SPARQL server."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._kept: OrderedDict[tuple[object, ...], T] = OrderedDict()

    async def get(
        self, engine: Engine, key: tuple[object, ...], compute: Callable[[], Awaitable[T]]
    ) -> T:
        kept = generation(engine)
        if kept is None:
            return await compute()
        full = (id(engine), kept, *key)
        if full in self._kept:
            self._kept.move_to_end(full)
            return self._kept[full]
        value = await compute()
        self._kept[full] = value
        while len(self._kept) > self.entries:
            self._kept.popitem(last=False)
        return value


async def named(engine: Engine, value: str) -> list[str]:
    """The IRI given, or the IRIs of the entities bearing the name given (any case), from
    the search index's table of names: a SPARQL filter on every name read all of them (1.0 s
    of a 1.1 s page at 100,000 articles).

    A route then joins them as constants (`kg.graph.queries.values_of`): an index lookup,
    where a name FILTER in the listing's own query made the engine test every row's name.
    """
    if value.startswith(("http://", "https://")):
        return [checked_iri(value)]
    index = await engine.text_index()
    return await asyncio.to_thread(index.named, value)


# -- paging -----------------------------------------------------------------------------


Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page (at most 100).")]
Offset = Annotated[
    int,
    Query(
        ge=0,
        le=1_000_000,
        description="Items to skip. Kept for existing clients; `next` links use `after`.",
    ),
]


def next_link(request: Request, limit: int, cursor: str | None) -> str | None:
    """The URL of the next page (the same filters, `after` the last row), None on the last.

    The cursor replaces `offset`: a page after a cursor costs what the first page costs,
    while an offset page walks past every row before it.
    """
    if cursor is None:
        return None
    params = {k: v for k, v in request.query_params.items() if k not in ("offset", "after")}
    params["after"] = cursor
    params["limit"] = str(limit)
    return f"{request.url.path}?{urlencode(params)}"


P = TypeVar("P", bound=Page)


def page(
    cls: type[P],
    request: Request,
    items: list[Any],
    *,
    limit: int,
    offset: int,
    after: str | None,
    cursor: str | None,
) -> P:
    """One page of a listing; `cursor` names its last row when a further row exists (the
    routes fetch `limit + 1` keys), None on the last page."""
    return cls.model_validate(
        {
            "items": items,
            "limit": limit,
            "offset": offset,
            "after": after,
            "next": next_link(request, limit, cursor),
        }
    )


def quote_id(ident: str) -> str:
    return quote(ident, safe="/:")


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
