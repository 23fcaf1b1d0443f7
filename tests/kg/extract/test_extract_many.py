"""Batch extraction gives the same reports with one process or two."""

from __future__ import annotations

from kg.extract import extract, extract_many
from kg.extract.report import ArticleMeta

TEXTS = [
    "Mayor Ines Duarte said the city would hire 120 new teachers.",
    "The union said about 3,000 workers joined the strike, according to organisers.",
    '"We are ready," Coach Pavel Novak told reporters on Friday.',
]


def test_two_processes_match_one() -> None:
    items = [(t, ArticleMeta()) for t in TEXTS]
    one = [r.model_dump() for r in extract_many(items)]
    two = [r.model_dump() for r in extract_many(items, batch_size=1, n_process=2)]
    assert one == two == [extract(t, ArticleMeta()).model_dump() for t in TEXTS]
    assert all(r["claims"] for r in one)
