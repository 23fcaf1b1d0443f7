"""Linked data: every IRI under the base IRI dereferences on this server, by negotiation.

`<BASE><rest>` is served at `<base path><rest>` of the server's own origin (the default base
`https://claimgraph.org/id/` gives `/id/<rest>`): the mapping is `common.served_prefix` and
follows `CLAIMGRAPH_BASE_IRI`. People get an HTML page; machines get a CBD-like description
(the resource's triples, those of its blank nodes and spans, and for a claim its proposition
graph) as Turtle, JSON-LD, N-Triples or RDF/XML. `?format=` overrides the Accept header, for
links. Also here: `/ontology`, `/.well-known/void` and `/export` (a dump from a checkpoint).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator, Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from pyoxigraph import RdfFormat

from api.dependencies import EngineDep
from api.engine import Engine
from api.negotiation import choose
from api.routes import html as h
from api.routes.claims import index_keys
from api.routes.common import (
    CONTEXT_PATH,
    PAGE_ROWS,
    Row,
    base_iri,
    checked_iri,
    construct,
    local_link,
    resource_id,
    select,
    served_prefix,
)
from api.routes.models import CONTEXT
from kg.graph import queries
from kg.graph.vocab import (
    CG,
    NIF,
    ORG,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    WIKIDATA_ENTITY,
    turtle_prefixes,
)
from kg.settings import Settings
from kg.store.formats import (
    DUMP_FORMATS,
    GRAPH_FORMATS,
    HTML,
    TURTLE,
    Format,
    by_name,
    content_type,
    names,
)

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
ENTITY_TYPES = {SCHEMA.Person.value, SCHEMA.Organization.value, SCHEMA.Place.value, CG.Group.value}


def negotiate(request: Request, fmt: str | None, offered: tuple[Format, ...]) -> Format:
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
    types = {t["o"].value for t in triples if t["p"].value == RDF.type.value}
    if SCHEMA.Claim.value in types:
        content = await claim_page(engine, subject, triples)
    elif types & ENTITY_TYPES:
        content = await entity_page(engine, subject, triples)
    elif SCHEMA.NewsArticle.value in types:
        content = await article_page(engine, subject, triples)
    else:
        content = generic_page(engine, subject, triples)
    return HTMLResponse(content, headers=headers)


def _first(triples: list[Row], predicate: str) -> str | None:
    return next((t["o"].value for t in triples if t["p"].value == predicate), None)


def _all(triples: list[Row], predicate: str) -> list[str]:
    return [t["o"].value for t in triples if t["p"].value == predicate]


def _ref(engine: Engine, row: Row, key: str, label: str | None = None) -> str:
    """A link to the IRI in `row[key]` (local when under the base) labelled by `row[label]`."""
    cell = row.get(key)
    if cell is None:
        return ""
    text = row[label].value if label and label in row else short(cell.value)
    return h.link(local_link(engine, cell.value) or cell.value, text)


def short(value: str) -> str:
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns) :]}"
    return value


def _formats(engine: Engine, subject: str) -> str:
    here = local_link(engine, subject) or ""
    links = " ".join(h.link(f"{here}?format={f.key}", f.key) for f in GRAPH_FORMATS if here)
    return f'<p class="formats">Also as: {links}</p>' if links else ""


def _alternates(engine: Engine, subject: str) -> str:
    here = local_link(engine, subject)
    if not here:
        return ""
    return "\n".join(
        f'<link rel="alternate" type="{h.esc(f.media_type)}" href="{h.esc(here)}?format={f.key}">'
        for f in GRAPH_FORMATS
    )


async def entity_page(engine: Engine, subject: str, triples: list[Row]) -> str:
    offices, made, mentioned = await asyncio.gather(
        select(engine, queries.offices_of(subject, limit=PAGE_ROWS)),
        _newest_claims(engine, claimants=[subject]),
        _newest_claims(engine, mentioning=[subject]),
    )
    names = _all(triples, SCHEMA.name.value)
    title = names[0] if names else short(subject)
    wikidata = [o for o in _all(triples, OWL.sameAs.value) if o.startswith(WIKIDATA_ENTITY)]
    body = [
        h.definitions(
            [
                ("Names", ", ".join(h.esc(n) for n in names)),
                ("Also known as", ", ".join(h.esc(n) for n in _all(triples, _ALT))),
                ("Types", ", ".join(h.esc(short(t)) for t in _all(triples, RDF.type.value))),
                ("Wikidata", ", ".join(h.link(w, w.rsplit("/", 1)[-1]) for w in wikidata)),
            ]
        ),
        "<h2>Offices</h2>",
        h.table(
            ["Post", "Organisation", "Jurisdiction"],
            (
                [
                    _ref(engine, r, "post", "label"),
                    _ref(engine, r, "org", "orgName"),
                    _ref(engine, r, "j", "jName"),
                ]
                for r in offices
            ),
            "no office recorded",
        ),
        "<h2>Claims made</h2>",
        _claims_table(engine, made),
        "<h2>Claims that mention it</h2>",
        _claims_table(engine, mentioned),
        _formats(engine, subject),
    ]
    return h.page(title, body, iri=subject, alternates=_alternates(engine, subject))


_ALT = SCHEMA.alternateName.value


async def _newest_claims(
    engine: Engine, *, claimants: list[str] | None = None, mentioning: list[str] | None = None
) -> list[Row]:
    """The newest PAGE_ROWS claims an entity made or that mention it: their keys from the
    search index (a frequent entity has tens of thousands at 100,000 articles, which SPARQL
    sorted by date for every page view), then their details for those alone."""
    keys = await index_keys(engine, claimants=claimants, mentioning=mentioning, want=PAGE_ROWS)
    iris = [c for _, c in keys if c is not None]
    if not iris:
        return []
    return await select(engine, queries.claim_rows(iris, limit=PAGE_ROWS))


def _claims_table(engine: Engine, rows: list[Row]) -> str:
    seen: set[str] = set()
    out = []
    for r in rows:
        if r["c"].value in seen:
            continue
        seen.add(r["c"].value)
        out.append(
            [
                _ref(engine, r, "who", "whoName"),
                h.esc(r["cue"].value),
                _ref(engine, r, "c", "text"),
                h.esc(r["date"].value) if "date" in r else "",
                _ref(engine, r, "a", "url"),
            ]
        )
    return h.table(["Claimant", "Cue", "Claim", "Published", "Article"], out, "no claim")


async def claim_page(engine: Engine, subject: str, triples: list[Row]) -> str:
    info, quantities, events, conflicts, checks = await asyncio.gather(
        select(engine, queries.claim_in_context(subject)),
        select(engine, queries.quantities_of_claim(subject, limit=PAGE_ROWS)),
        select(engine, queries.events_of_claim(subject, limit=PAGE_ROWS)),
        select(engine, queries.claims_conflicting_with(subject, limit=PAGE_ROWS)),
        select(engine, queries.factchecks_of_claim(subject, limit=PAGE_ROWS)),
    )
    body: list[str] = []
    title = short(subject)
    if info:
        r = info[0]
        text = r["string"].value
        begin, end = int(r["begin"].value), int(r["end"].value)
        title = f"{r['whoName'].value if 'whoName' in r else 'Someone'} {r['cueText'].value}: "
        title += "“" + text[begin:end][:80] + "”"
        grasp = " · ".join(
            short(r[k].value).split("#")[-1].split(":")[-1]
            for k in ("certainty", "polarity", "tense")
            if k in r
        )
        body += [
            h.definitions(
                [
                    ("Claimant", _ref(engine, r, "who", "whoName")),
                    ("Cue", h.esc(r["cueText"].value)),
                    ("Claim type", h.esc(r["typeLabel"].value) if "typeLabel" in r else ""),
                    ("Factuality", h.esc(grasp)),
                    ("Confidence", h.esc(r["confidence"].value) if "confidence" in r else ""),
                    ("Medium", _ref(engine, r, "medium", "mediumName")),
                    ("Article", _ref(engine, r, "a", "headline" if "headline" in r else "url")),
                    ("Published", h.esc(r["date"].value) if "date" in r else ""),
                ]
            ),
            "<h2>In the article</h2>",
            f'<div class="article">{h.highlighted(text, begin, end)}</div>',
        ]
    body += [
        "<h2>Figures</h2>",
        h.table(
            ["Figure", "Value", "Qualifier", "Counted"],
            (
                [
                    h.esc(q["surface"].value),
                    h.esc(q["value"].value),
                    h.esc(q["qualifier"].value) if "qualifier" in q else "",
                    h.esc(q["counted"].value) if "counted" in q else "",
                ]
                for q in quantities
            ),
            "no figure",
        ),
        "<h2>What it asserts (its proposition graph)</h2>",
        h.table(
            ["Event", "Types", "Actor", "Place", "Date"],
            (
                [
                    _ref(engine, e, "e", "label"),
                    h.esc(e["types"].value) if "types" in e else "",
                    h.esc(e["actor"].value) if "actor" in e else "",
                    h.esc(e["place"].value) if "place" in e else "",
                    h.esc(e["when"].value) if "when" in e else "",
                ]
                for e in events
            ),
            "no event",
        ),
        "<h2>Conflicting claims</h2>",
        _claims_table(engine, conflicts),
        "<h2>Fact-checks</h2>",
        h.table(
            ["Review", "Claim reviewed", "Verdict", "Score", "Method"],
            (
                [
                    h.link(f["url"].value, f["url"].value),
                    h.esc(f["reviewed"].value),
                    h.esc(f["verdict"].value) if "verdict" in f else "",
                    h.esc(f["score"].value) if "score" in f else "",
                    h.esc(f["method"].value) if "method" in f else "",
                ]
                for f in checks
            ),
            "no fact-check linked yet",
        ),
        _formats(engine, subject),
    ]
    return h.page(title, body, iri=subject, alternates=_alternates(engine, subject))


async def article_page(engine: Engine, subject: str, triples: list[Row]) -> str:
    claims = await select(engine, queries.claims_in_article(subject, limit=PAGE_ROWS))
    title = _first(triples, SCHEMA.headline.value) or _first(triples, SCHEMA.url.value) or subject
    url = _first(triples, SCHEMA.url.value)
    publishers = _all(triples, SCHEMA.publisher.value)
    body = [
        h.definitions(
            [
                ("URL", h.link(url, url) if url else ""),
                ("Published", h.esc(_first(triples, SCHEMA.datePublished.value) or "")),
                (
                    "Publisher",
                    ", ".join(h.link(local_link(engine, p), short(p)) for p in publishers),
                ),
                ("Language", h.esc(_first(triples, SCHEMA.inLanguage.value) or "")),
            ]
        ),
        "<h2>Claims</h2>",
        _claims_table(engine, claims),
        "<h2>Text</h2>",
        f'<div class="article">{h.esc(_first(triples, NIF.isString.value) or "")}</div>',
        _formats(engine, subject),
    ]
    return h.page(str(title), body, iri=subject, alternates=_alternates(engine, subject))


def generic_page(engine: Engine, subject: str, triples: list[Row]) -> str:
    label = _first(triples, RDFS.label.value) or _first(triples, SCHEMA.name.value)
    rows = []
    for t in triples:
        o = t["o"]
        value = (
            h.link(local_link(engine, o.value) or o.value, short(o.value))
            if o.is_iri
            else h.esc(o.value)
        )
        rows.append([h.link(t["p"].value, short(t["p"].value)), value])
    body = [h.table(["Property", "Value"], rows), _formats(engine, subject)]
    return h.page(
        label or short(resource_id(engine, subject)),
        body,
        iri=subject,
        alternates=_alternates(engine, subject),
    )


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


# -- VoID + DCAT -------------------------------------------------------------------------


@router.get(
    "/.well-known/void",
    summary="VoID and DCAT description of the dataset, with counts and dump links (Turtle)",
    response_class=Response,
    responses={200: {"content": {"text/turtle": {}}}},
)
async def void(request: Request, engine: EngineDep) -> Response:
    counts = await select(engine, queries.dataset_counts())
    n = {k: int(v.value) for k, v in (counts[0] if counts else {}).items()}
    origin = str(request.base_url).rstrip("/")
    base = base_iri(engine)
    dumps = ", ".join(f"<{origin}/export?format={f.key}>" for f in DUMP_FORMATS)
    body = VOID.format(
        origin=origin,
        base=base,
        uri_space=h.esc(base).replace('"', r"\""),
        dumps=dumps,
        prov=PROV.iri,
        org=ORG.iri,
        **{
            k: n.get(k, 0)
            for k in ("triples", "graphs", "entities", "claims", "articles", "reviews")
        },
    )
    return Response(body.encode(), headers={"content-type": "text/turtle; charset=utf-8"})


VOID = (
    turtle_prefixes("void", "dcat", "dcterms", "schema", "cg", "xsd")
    + """\

<{origin}/.well-known/void#dataset> a void:Dataset, dcat:Dataset ;
    dcterms:title "claimgraph" ;
    dcterms:description "Claims in the news: who said what, about whom, with which numbers. \
The graph records that someone said something in some article, never that it is true." ;
    void:uriSpace "{uri_space}" ;
    void:sparqlEndpoint <{origin}/sparql> ;
    void:dataDump {dumps} ;
    void:vocabulary schema:, cg:, <{prov}>, <{org}> ;
    void:triples {triples} ;
    void:entities {entities} ;
    void:classPartition
        [ void:class schema:Claim ; void:entities {claims} ],
        [ void:class schema:NewsArticle ; void:entities {articles} ],
        [ void:class schema:ClaimReview ; void:entities {reviews} ] ;
    void:documents {graphs} ;  # its named graphs: each article, claim and review is one
    dcat:distribution [ a dcat:Distribution ; dcat:accessURL <{origin}/sparql> ;
                        dcterms:title "SPARQL 1.1 endpoint (read-only)" ],
        [ a dcat:Distribution ; dcat:downloadURL <{origin}/export?format=nquads> ;
          dcat:mediaType "application/n-quads" ],
        [ a dcat:Distribution ; dcat:downloadURL <{origin}/export?format=trig> ;
          dcat:mediaType "application/trig" ] ;
    void:rootResource <{base}> .
"""
)


# -- export ------------------------------------------------------------------------------

# The API has always called RDF/XML `xml` here (and `rdfxml` in `?format=` of a resource).
EXPORT_FORMATS = by_name(DUMP_FORMATS)
ExportFormat = Annotated[
    str, Query(pattern="^(" + "|".join(EXPORT_FORMATS) + ")$", description="Dump format.")
]


class _Cancelled(Exception):
    """The client went away: stop writing the dump."""


class _ChunkSink:
    """A file-like object that hands what is written to the event loop through a bounded queue.

    The bound is the back-pressure: the dump thread blocks while the client reads slowly.
    """

    def __init__(self, chunks: queue.Queue[bytes | BaseException | None]) -> None:
        self.chunks = chunks
        self.cancelled = threading.Event()
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        if self.cancelled.is_set():
            raise _Cancelled()
        self._buffer += data
        if len(self._buffer) >= 1 << 16:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            while not self.cancelled.is_set():
                try:
                    self.chunks.put(bytes(self._buffer), timeout=0.5)
                    break
                except queue.Full:
                    continue
            self._buffer.clear()


def _dump_checkpoint(engine: Engine, where: Path, fmt: RdfFormat, sink: _ChunkSink) -> None:
    """Checkpoint the store into `where` and dump that checkpoint, never the live store.

    The server's read-write store is the one handle that may make a RocksDB checkpoint (the
    engine's own generations can be collected while a long dump still reads them, so the
    dump gets a checkpoint of its own, deleted when it ends).
    """
    from kg.store.embedded import ClaimStore

    assert engine.store is not None, "the engine is not started"
    prefixes = PREFIXES if not fmt.supports_datasets else None
    if not isinstance(engine.store, ClaimStore):  # a server: its own reads are consistent
        engine.store.dump(sink, fmt, prefixes=prefixes)  # type: ignore[arg-type]
        sink.flush()
        return
    engine.store.backup(where / "snapshot")
    with ClaimStore(where / "snapshot", read_only=True) as snapshot:
        snapshot.dump(sink, fmt, prefixes=prefixes)  # type: ignore[arg-type]
    sink.flush()


@router.get(
    "/export",
    summary="A dump of the whole store, streamed from a checkpoint",
    response_class=StreamingResponse,
    responses={200: {"content": {f.media_type: {} for f in DUMP_FORMATS}}},
)
async def export(engine: EngineDep, format: ExportFormat = "nquads") -> StreamingResponse:
    chosen = EXPORT_FORMATS[format]
    rdf_format, media = chosen.rdf, chosen.media_type
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=16)
    sink = _ChunkSink(chunks)
    scratch = None if engine.remote else engine.settings.store.parent
    where = Path(tempfile.mkdtemp(prefix="export-", dir=scratch))

    def produce() -> None:
        try:
            _dump_checkpoint(engine, where, rdf_format, sink)
            chunks.put(None)
        except _Cancelled:
            pass
        except BaseException as exc:  # reported to the stream, which ends the response
            with contextlib.suppress(queue.Full):
                chunks.put(exc, timeout=1)
        finally:
            shutil.rmtree(where, ignore_errors=True)

    thread = threading.Thread(target=produce, name="cg-export", daemon=True)
    thread.start()

    async def stream() -> AsyncIterator[bytes]:
        get: Callable[[], bytes | BaseException | None] = chunks.get
        try:
            while True:
                item = await asyncio.to_thread(get)
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            sink.cancelled.set()

    charset = "; charset=utf-8" if media.startswith("text/") else ""
    return StreamingResponse(
        stream(),
        media_type=media + charset,
        headers={"content-disposition": f'attachment; filename="claimgraph.{chosen.extension}"'},
    )
