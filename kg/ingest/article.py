"""One article into the store: report → resolve → RDF → SHACL → atomic replace.

Everything before the last step is pure; the store is touched twice, once to read what it
already knows (entity resolution, the current version of the article) and once to write.
A refusal at any step leaves the store exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kg import __version__
from kg.extract.report import Extraction
from kg.graph.mapping import DEFAULT_BASE_IRI, ArticleGraphs, article_graphs
from kg.graph.validate import ValidationReport, ensure_valid
from kg.ingest.conflicts import Conflict, conflicts_with, link_update
from kg.ingest.resolve import known_entities
from kg.store.graphstore import Change, GraphStore


@dataclass(frozen=True)
class IngestResult:
    article: str
    change: Change
    quads: int
    claims: int
    entities: int
    validation: ValidationReport
    conflicts: int = 0


def build_graphs(
    text: str,
    report: Extraction,
    *,
    base: str = DEFAULT_BASE_IRI,
    store: GraphStore | None = None,
    pending: GraphStore | None = None,
    model_version: str | None = None,
    now: dt.datetime | None = None,
) -> ArticleGraphs:
    """The article's quads, with entities the store (or `pending`) knows given their IRIs."""
    known = known_entities(store, report, pending=pending) if store is not None else {}
    return article_graphs(
        text,
        report,
        base=base,
        known=known,
        ingested_at=now or dt.datetime.now(dt.UTC).replace(microsecond=0),
        software_version=__version__,
        model_version=model_version,
    )


def ingest_report(
    store: GraphStore,
    text: str,
    report: Extraction,
    *,
    base: str = DEFAULT_BASE_IRI,
    model_version: str | None = None,
    conflicts: bool = False,
) -> IngestResult:
    """Validate and store one article; raise ValidationFailed and store nothing if invalid.

    With `conflicts`, the article's conflict links are recomputed and written in the same
    update as the article: a failed write leaves neither. `conflicts` in the result counts
    the article's own conflicting pairs.
    """
    graphs = build_graphs(text, report, base=base, store=store, model_version=model_version)
    validation = ensure_valid(graphs.quads, what=f"article {graphs.article.value}")
    found: list[Conflict] = []
    if conflicts:
        found = conflicts_with(store, graphs)
        change = store.replace_articles([graphs], also=link_update(graphs, found, base))[0]
    else:
        change = store.replace_article(graphs)
    return IngestResult(
        article=graphs.article.value,
        change=change,
        quads=len(graphs.quads),
        claims=len(report.claims),
        entities=len(report.entities),
        validation=validation,
        conflicts=len(found),
    )
