"""The dataset as a whole: its VoID + DCAT description (`/.well-known/void`) and a dump of
the whole store (`/export`), streamed from a checkpoint of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from pyoxigraph import RdfFormat

from api.dependencies import EngineDep
from api.engine import Engine
from api.routes import html as h
from api.routes.common import base_iri, select
from kg.graph import queries
from kg.graph.vocab import ORG, PREFIXES, PROV, turtle_prefixes
from kg.store.formats import DUMP_FORMATS, by_name

router = APIRouter(tags=["linked data"])


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
