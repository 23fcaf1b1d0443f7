"""Extraction: an English news article in, the facts a careful reader finds out (kg.report).

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

from kg.extract.pipeline import check_text, extract_docs, load_model
from kg.report import ArticleMeta, Extraction

__all__ = ["extract", "extract_many"]


def extract(text: str, meta: ArticleMeta | None = None) -> Extraction:
    """Entities, roles, quantities and attributed claims of one article.

    Raises kg.errors.InputError for empty or non-English text.
    """
    check_text(text)
    return next(extract_docs([(text, meta)]))


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
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(n_process, initializer=_warm_up) as pool:
        yield from pool.imap(_extract_pair, items, chunksize=batch_size)


def _warm_up() -> None:
    load_model()


def _extract_pair(item: tuple[str, ArticleMeta | None]) -> Extraction:
    return extract(*item)
