"""The query guard: what never runs, what runs, and how results read."""

from __future__ import annotations

import pytest

from kg.errors import QueryError
from kg.store.query import QueryForm, check_query, is_update, scrub, with_prefixes


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE {\n  SeRvIcE ?endpoint { ?s ?p ?o } }",
        "PREFIX : <http://x/>\nSELECT * WHERE { :a :b ?c . SERVICE <http://y/> {} }",
    ],
)
def test_service_is_refused_in_any_spelling(query: str) -> None:
    with pytest.raises(QueryError, match="SERVICE is refused"):
        check_query(query)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE unavailable" }',
        "SELECT ?service WHERE { ?service a ?t }",
        "SELECT * WHERE { ?s <http://x/SERVICE> ?o } # SERVICE in a comment",
        "PREFIX ex: <http://x/>\nSELECT * WHERE { ?s ex:service ?o . ?s ex:load ?l }",
        "SELECT * WHERE { ?s ?p '''multi\nline SERVICE''' }",
    ],
)
def test_the_word_service_elsewhere_is_allowed(query: str) -> None:
    assert check_query(query) is QueryForm.SELECT


def test_load_is_refused() -> None:
    with pytest.raises(QueryError, match="LOAD is refused"):
        check_query("LOAD <http://example.org/data.ttl>")


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("ASK { ?s ?p ?o }", QueryForm.ASK),
        ("construct { ?s ?p ?o } where { ?s ?p ?o }", QueryForm.CONSTRUCT),
        ("DESCRIBE <http://x/>", QueryForm.DESCRIBE),
        ("PREFIX select: <http://x/> SELECT * {}", QueryForm.SELECT),
    ],
)
def test_query_forms(query: str, form: QueryForm) -> None:
    assert check_query(query) is form


def test_updates_are_not_queries() -> None:
    assert is_update("DELETE WHERE { ?s ?p ?o }")
    assert not is_update("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="read-only"):
        check_query("CLEAR ALL")


def test_scrub_keeps_offsets() -> None:
    q = 'SELECT * { ?s ?p "x" } # c'
    assert len(scrub(q)) == len(q)


def test_prefixes_added_only_when_undeclared() -> None:
    q = "PREFIX schema: <https://schema.org/>\nSELECT * { ?s schema:name ?n }"
    out = with_prefixes(q)
    assert out.count("PREFIX schema:") == 1
    assert "PREFIX prov: <http://www.w3.org/ns/prov#>" in out
