"""Shared fixtures: the spaCy model is loaded once per test session."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.extract import extract
from kg.extract.pipeline import load_model
from kg.extract.report import Claim, Entity, Extraction


@pytest.fixture(scope="session", autouse=True)
def _model() -> None:
    load_model()


class Reading:
    """An extraction with the lookups a reader's checks need."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.report: Extraction = extract(text)

    def entity(self, name: str) -> Entity:
        hits = [e for e in self.report.entities if e.name == name or name in self.names(e)]
        assert len(hits) == 1, f"{name!r}: {len(hits)} entities in {self.report.entities}"
        return hits[0]

    def names(self, e: Entity) -> set[str]:
        return {self.text[m.start : m.end] for m in e.mentions} | {e.name}

    def claims_by(self, name: str) -> list[Claim]:
        e = self.entity(name)
        return [c for c in self.report.claims if c.claimant == e.id]

    def entity_of(self, claim: Claim) -> Entity:
        return next(e for e in self.report.entities if e.id == claim.claimant)

    def content(self, claim: Claim) -> str:
        return self.text[claim.start : claim.end]

    def titles(self, name: str) -> list[str]:
        e = self.entity(name)
        return [r.title for r in self.report.roles if r.person == e.id]


@pytest.fixture(scope="session")
def read() -> Callable[[str], Reading]:
    return Reading
