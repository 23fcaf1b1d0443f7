"""Across articles, a known entity keeps its IRI; an ambiguous name does not merge."""

from __future__ import annotations

import json

from kg.extract.report import parse_report
from kg.graph.vocab import SCHEMA
from kg.ingest.article import build_graphs, ingest_report
from tests.conftest import Backend


def sheet(text: str, name: str, aliases: list[str], start: int, end: int) -> str:
    return json.dumps(
        {
            "article": {"url": f"https://news.example/{start}-{name}"},
            "entities": [
                {
                    "id": "p",
                    "name": name,
                    "type": "Person",
                    "aliases": aliases,
                    "mentions": [{"start": start, "end": end}],
                }
            ],
            "claims": [{"claimant": "p", "cue": "said", "start": end + 6, "end": len(text) - 1}],
        }
    )


def test_alias_in_a_later_article_resolves_to_the_known_person(backend: Backend) -> None:
    store = backend.open()
    first = "Mayor Ana Ruiz said the bridge would reopen."
    ingest_report(store, first, parse_report(sheet(first, "Ana Ruiz", ["Ruiz"], 6, 14)))
    second = "Ruiz said the tolls would stay."
    graphs = build_graphs(second, parse_report(sheet(second, "Ruiz", [], 0, 4)), store=store)
    people = {q.subject.value for q in graphs.quads if q.object == SCHEMA.Person}
    assert people == {"https://claimgraph.org/id/person/ana-ruiz"}


def test_ambiguous_name_makes_a_new_node(backend: Backend) -> None:
    store = backend.open()
    for i, full in enumerate(["Ana Ruiz", "Luis Ruiz"]):
        text = f"{full} said the bridge would reopen{i}."
        ingest_report(store, text, parse_report(sheet(text, full, ["Ruiz"], 0, len(full))))
    text = "Ruiz said the tolls would stay."
    graphs = build_graphs(text, parse_report(sheet(text, "Ruiz", [], 0, 4)), store=store)
    people = {q.subject.value for q in graphs.quads if q.object == SCHEMA.Person}
    assert people == {"https://claimgraph.org/id/person/ruiz"}
