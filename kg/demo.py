"""The demo behind `make run`: the product at work on the examples of `examples/`.

From the articles' raw text (`articles/NAME.txt`, metadata in `NAME.meta.json`) the extractor
finds who said what; each article is validated and stored, conflicting figures are linked,
the fact-checks of `factchecks/` (a DataFeed and a page with ClaimReview markup) are
imported, every claim is linked to its best fact-checks, and the example queries of
`queries/` print the answers. With `fact_sheets`, the articles' hand-written fact sheets
(`NAME.facts.json`) are stored instead and no fact-check is imported: the reference graph
that tests compare against.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import QuerySolutions

from kg.errors import InputError
from kg.extract.report import ArticleMeta, Extraction
from kg.graph.mapping import DEFAULT_BASE_IRI
from kg.store.graphstore import GraphStore

FACT_SHEET_MODEL = "fact sheet"


@dataclass
class DemoReport:
    articles: int = 0
    claims: int = 0
    conflicts: int = 0
    factchecks: int = 0
    links: int = 0
    lines: list[str] = field(default_factory=list)


def article_paths(examples: Path) -> list[Path]:
    articles = sorted((examples / "articles").glob("*.txt"))
    if not articles:
        raise InputError(f"no articles in {examples / 'articles'}: give the examples directory")
    return articles


def _reports(paths: list[Path], fact_sheets: bool) -> list[tuple[str, Extraction]]:
    from kg.extract.textio import read_article, read_facts

    texts = [read_article(p) for p in paths]
    if fact_sheets:
        return [
            (t, read_facts(p.with_name(p.stem + ".facts.json"), t))
            for p, t in zip(paths, texts, strict=True)
        ]
    from kg.extract import extract_many

    metas = []
    for p in paths:
        sidecar = p.with_name(p.stem + ".meta.json")
        try:
            metas.append(
                ArticleMeta.model_validate_json(sidecar.read_bytes())
                if sidecar.exists()
                else ArticleMeta()
            )
        except ValueError as exc:
            raise InputError(f"{sidecar}: not article metadata: {exc}") from None
    return list(zip(texts, extract_many(zip(texts, metas, strict=True)), strict=True))


def build_demo(
    store: GraphStore,
    examples: Path,
    *,
    base: str = DEFAULT_BASE_IRI,
    cache: Path | None = None,
    fact_sheets: bool = False,
    echo: Callable[[str], None] = print,
) -> DemoReport:
    """Store the example articles (extracted, or their fact sheets), then link fact-checks."""
    from kg.extract import model_version
    from kg.ingest.article import ingest_report
    from kg.ingest.conflicts import refresh_conflicts

    paths = article_paths(examples)
    out = DemoReport()
    how = "fact sheet" if fact_sheets else "extracted"
    version = FACT_SHEET_MODEL if fact_sheets else model_version()
    for path, (text, report) in zip(paths, _reports(paths, fact_sheets), strict=True):
        done = ingest_report(store, text, report, base=base, model_version=version)
        out.articles += 1
        out.claims += done.claims
        echo(f"{done.change.value:9} {path.name}: {done.claims} claims ({how})")
    out.conflicts = len(refresh_conflicts(store, base))
    checks = examples / "factchecks"
    if fact_sheets or not checks.is_dir():
        return out
    from kg.factcheck.claimreview import read_path
    from kg.factcheck.imports import import_factchecks
    from kg.factcheck.links import build_matcher, link_claims

    found = read_path(checks)
    imported = import_factchecks(store, found.reviews, base=base)
    out.factchecks = imported.stored
    echo(f"{'imported':9} {checks.name}/: {imported.stored} fact-checks")
    out.links = link_claims(store, build_matcher(store, cache), base=base, top=1)
    echo(f"{'linked':9} {out.links} claims to their best fact-check")
    return out


def print_queries(
    store: GraphStore, examples: Path, sink: BinaryIO, echo: Callable[[str], None] = print
) -> int:
    """Run every example query and print its answer as a table; returns how many ran."""
    from kg.store.query import run_query, write_result

    n = 0
    for qfile in sorted((examples / "queries").glob("*.rq")):
        text = qfile.read_text(encoding="utf-8")
        title = next((ln[1:].strip() for ln in text.splitlines() if ln.startswith("#")), qfile.stem)
        echo(f"\n## {title}  ({qfile.name})")
        _, result = run_query(store, text)
        if isinstance(result, QuerySolutions):
            write_result(result, "table", sink)
            sink.flush()
        n += 1
    return n


def run_demo(
    store: GraphStore,
    examples: Path,
    sink: BinaryIO,
    *,
    describe: str,
    base: str = DEFAULT_BASE_IRI,
    cache: Path | None = None,
    fact_sheets: bool = False,
    echo: Callable[[str], None] = print,
) -> DemoReport:
    started = time.perf_counter()
    report = build_demo(store, examples, base=base, cache=cache, fact_sheets=fact_sheets, echo=echo)
    s = store.stats()
    echo(
        f"\n{report.conflicts} conflicting figures found"
        f"\nstore {describe}: {s.articles} articles, {s.claims} claims, "
        f"{s.entities} entities, {s.quads} quads "
        f"({time.perf_counter() - started:.1f} s)"
    )
    print_queries(store, examples, sink, echo)
    return report
