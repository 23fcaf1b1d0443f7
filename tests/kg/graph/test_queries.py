"""kg.graph.queries: every read query parses, and a user's string cannot leave its literal."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, QueryBoolean, Store

from kg.graph import queries as q
from kg.graph.vocab import CG, PROV, RDF, SCHEMA

A = "https://claimgraph.org/id/article/a1"
C = "https://claimgraph.org/id/article/a1/claim/0-10"
E = "https://claimgraph.org/id/person/someone"
Q = "https://claimgraph.org/id/article/a1/quantity/3-5"
# A user's string that would end its literal, its group and the query were it pasted raw.
NASTY = 'said" ) ) } UNION { ?c ?p ?o } # \\" \n}'
PAIR = {"cA": C, "qA": Q, "cB": C + "b", "qB": Q + "b"}

# Each query function with representative inputs (filters and fragments built by the
# module's own helpers), the nasty string wherever a user's string goes.
QUERIES: dict[str, Callable[[], str]] = {
    "publication_dates": lambda: q.publication_dates(
        str(SCHEMA.NewsArticle), since="2025-01-01", below=NASTY, inclusive=False, limit=256
    ),
    "undated": lambda: q.undated("?a", str(SCHEMA.NewsArticle)),
    "article_keys": lambda: q.article_keys(q.on_dates_pattern("?a", ["2025-06-09"])),
    "article_summaries": lambda: q.article_summaries([A]),
    "any_claim": q.any_claim,
    "claim_summaries": lambda: q.claim_summaries(q.values_of("?c", [C]), limit=20, offset=40),
    "claims_listed": lambda: q.claims_listed([C, C + "2"], limit=20),
    "claim_detail": lambda: q.claim_detail(C),
    "claim_if_stored": lambda: q.claim_if_stored(C),
    "claim_keys": lambda: q.claim_keys(
        q.claim_filters(claimants=[E], mentioning=[E], cue=NASTY, text=NASTY)[0],
        q.any_date_pattern("?a_", NASTY, "2025-12-31"),
    ),
    "factchecks_of_claim": lambda: q.factchecks_of_claim(C, limit=200),
    "claim_rows": lambda: q.claim_rows([C], limit=200),
    "claims_conflicting_with": lambda: q.claims_conflicting_with(C, limit=200),
    "claims_in_article": lambda: q.claims_in_article(A, limit=200),
    "claim_in_context": lambda: q.claim_in_context(C),
    "quantities_of_claim": lambda: q.quantities_of_claim(C, limit=200),
    "events_of_claim": lambda: q.events_of_claim(C, limit=200),
    "entity_summaries": lambda: q.entity_summaries([E]),
    "entity_detail": lambda: q.entity_detail(E),
    "offices_of": lambda: q.offices_of(E, limit=100),
    "conflict_pairs": lambda: q.conflict_pairs((NASTY, None), limit=20, offset=0),
    "conflict_details": lambda: q.conflict_details([PAIR, PAIR]),
    "review_keys": lambda: q.review_keys(q.undated_pattern("?r", str(SCHEMA.ClaimReview))),
    "review_summaries": lambda: q.review_summaries([A]),
    "match_keys": lambda: q.match_keys(NASTY, (NASTY, NASTY), limit=20),
    "match_details": lambda: q.match_details([A]),
    "quantity_keys": lambda: q.quantity_keys(
        *q.quantity_filters(counted=NASTY, concerning=[E], claimants=[E])[:2],
        q.on_dates_pattern("?a_", ["2025-06-09", "2025-06-08"]),
    ),
    "quantity_summaries": lambda: q.quantity_summaries([(Q, C)]),
    "quantity_concerns": lambda: q.quantity_concerns([(Q, C), (Q + "b", C)]),
    "resource_triples": lambda: q.resource_triples(C, limit=1000),
    "resource_description": lambda: q.resource_description(C),
    "dataset_counts": lambda: q.dataset_counts(),
}

# Helpers that build fragments or terms, not queries; tested through the queries above.
FRAGMENTS = {
    "iri_term",
    "literal",
    "date_literal",
    "values_of",
    "one_of",
    "date_range",
    "after_filter",
    "undated_pattern",
    "any_date_pattern",
    "on_dates_pattern",
    "claim_filters",
    "quantity_filters",
    "figure_concerns",
}


def test_every_query_function_is_exercised_here() -> None:
    public = {
        name
        for name, value in vars(q).items()
        if inspect.isfunction(value) and value.__module__ == q.__name__ and name[0] != "_"
    }
    assert public - FRAGMENTS == set(QUERIES)
    for name in public:
        assert (getattr(q, name).__doc__ or "").strip(), f"{name} has no docstring"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_parses_and_runs_on_an_empty_store(name: str) -> None:
    result = Store().query(QUERIES[name]())
    if isinstance(result, QueryBoolean):
        assert not result
    else:
        list(result)


def test_the_walk_variant_of_each_listing_filter_parses() -> None:
    _, tests = q.claim_filters(claimants=[E, E + "2"], mentioning=[E], cue=NASTY, text=NASTY)
    list(Store().query(q.claim_keys(tests, q.on_dates_pattern("?a_", ["2025-06-09"]))))
    _, counted, checks = q.quantity_filters(counted=NASTY, concerning=[E], claimants=[E])
    list(Store().query(q.quantity_keys("", checks, q.undated_pattern("?a_", "?t"))))
    assert counted in checks


def _claim_store(cue: str) -> Store:
    store = Store()
    c, a, who = NamedNode(C), NamedNode(A), NamedNode(E)
    g = DefaultGraph()
    for s, p, o in (
        (c, RDF.type, SCHEMA.Claim),
        (c, SCHEMA.text, Literal("Troops are on the way")),
        (c, CG.cue, Literal(cue)),
        (c, PROV.wasAttributedTo, who),
        (c, SCHEMA.appearance, a),
        (a, RDF.type, SCHEMA.NewsArticle),
    ):
        store.add(Quad(s, p, o, g))
    return store


def _keys(store: Store, cue: str) -> list[str]:
    filters, _ = q.claim_filters(cue=cue)
    text = q.claim_keys(filters, q.any_date_pattern("?a_", None, None))
    return [row["c"].value for row in store.query(text)]  # type: ignore[union-attr]


def test_a_users_string_is_matched_as_one_value_and_cannot_break_out() -> None:
    # The nasty cue stored and asked for is found: it reached the query whole, as a literal.
    assert _keys(_claim_store(NASTY), NASTY) == [C]
    # Asked of a claim whose cue is "said", it matches nothing: pasted raw, its UNION
    # would have matched every triple.
    assert _keys(_claim_store("said"), NASTY) == []
    assert _keys(_claim_store("said"), "SAID") == [C]


def test_strings_in_filters_and_cursors_are_escaped() -> None:
    for text in (
        q.date_range("?d", NASTY, NASTY),
        q.after_filter(["STR(?qA)", "STR(?qB)"], [NASTY, NASTY]),
        q.match_keys(NASTY, (NASTY, None), limit=1),
        q.quantity_filters(counted=NASTY)[1],
    ):
        assert NASTY not in text
        assert q.literal(NASTY) in text


def test_a_string_that_is_no_iri_is_refused() -> None:
    for bad in (C + "> . ?s ?p ?o . <x:y", "no iri", C + " }"):
        with pytest.raises(ValueError):
            q.iri_term(bad)
        with pytest.raises(ValueError):
            q.claim_detail(bad)
        with pytest.raises(ValueError):
            q.values_of("?c", [C, bad])


def test_the_module_stays_light() -> None:
    """The query workers import it: no pyshacl, rdflib, pydantic or fastapi."""
    source = inspect.getsource(q)
    for heavy in ("pyshacl", "rdflib", "pydantic", "fastapi", "api."):
        assert f"import {heavy}" not in source and f"from {heavy}" not in source
