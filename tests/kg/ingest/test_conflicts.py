"""Conflicting figures: different numbers for the same thing from different claimants."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import random

import pytest

from kg.extract.report import parse_report
from kg.ingest.article import ingest_report
from kg.ingest.conflicts import (
    Conflict,
    Figure,
    bounds,
    comparable,
    find_conflicts,
    refresh_conflicts,
    same_thing,
)
from kg.store.graphstore import GraphStore
from kg.store.query import with_prefixes
from tests.conftest import EXAMPLES, Backend


def fig(
    q: str,
    claimant: str,
    value: float,
    qualifier: str = "Exact",
    counted: str = "people",
    article: str = "a1",
    about: frozenset[str] = frozenset(),
) -> Figure:
    low, high = bounds(value, qualifier, None, None)
    return Figure(
        quantity=q,
        claim="c" + q,
        claimant=claimant,
        article=article,
        value=value,
        low=low,
        high=high,
        counted=counted,
        published=dt.date(2026, 1, 1),
        about=about,
    )


@pytest.mark.parametrize(
    ("qualifier", "expected"),
    [
        ("Exact", (40, 40)),
        ("AtLeast", (40, math.inf)),
        ("AtMost", (0, 40)),
        ("Approximately", (36, 44)),
    ],
)
def test_bounds(qualifier: str, expected: tuple[float, float]) -> None:
    low, high = bounds(40, qualifier, None, None)
    assert (round(low, 6), high if math.isinf(high) else round(high, 6)) == expected


def test_same_thing() -> None:
    assert same_thing("dockworkers", "workers")
    assert same_thing("National Guard troops", "troops")
    assert same_thing("bodies", "body")
    assert not same_thing("people", "camps")


def test_sheriff_and_city_disagree() -> None:
    sheriff = fig("1", "sheriff", 40, counted="people")
    city = fig("2", "city", 25, counted="people")
    (c,) = find_conflicts([sheriff, city])
    assert {c.a.claimant, c.b.claimant} == {"sheriff", "city"}


def test_compatible_figures_do_not_conflict() -> None:
    assert (
        find_conflicts([fig("1", "a", 4500, "Approximately"), fig("2", "b", 4000, "MoreThan")])
        == []
    )
    assert find_conflicts([fig("1", "a", 40), fig("2", "a", 25)]) == []  # one claimant
    assert find_conflicts([fig("1", "a", 40), fig("2", "b", 25, counted="ships")]) == []


def test_across_articles_only_when_about_the_same_thing_and_near_in_time() -> None:
    la = frozenset({"place/los-angeles"})
    a = fig("1", "pentagon", 2000, counted="troops", article="x", about=la)
    b = fig("2", "governor", 4000, counted="troops", article="y", about=la)
    c = fig("3", "governor", 4000, counted="troops", article="y", about=frozenset({"place/x"}))
    assert len(find_conflicts([a, b])) == 1
    assert find_conflicts([a, c]) == []


def test_the_grouped_search_finds_what_comparing_every_pair_finds() -> None:
    """The candidate walk (per head, per thing mentioned, a week at a time) is only a way to
    skip pairs that cannot conflict: on a random archive it finds exactly the conflicts
    that trying every pair finds."""
    rng = random.Random(3)
    things = [f"place/{i}" for i in range(6)]
    figures = [
        dataclasses.replace(
            fig(
                f"{n:03}",
                rng.choice("abcd"),
                rng.choice([10, 12, 40, 45, 100]),
                rng.choice(["Exact", "Approximately", "MoreThan", "AtMost"]),
                counted=rng.choice(["people", "workers", "dockworkers", "ships"]),
                article=f"art{rng.randrange(25)}",
                about=frozenset(rng.sample(things, rng.randrange(3))),
            ),
            published=None
            if n % 17 == 0
            else dt.date(2026, 1, 1) + dt.timedelta(rng.randrange(40)),
        )
        for n in range(220)
    ]
    every_pair = {
        Conflict(a, b) if a.quantity < b.quantity else Conflict(b, a)
        for a, b in itertools.combinations(figures, 2)
        if comparable(a, b) and (a.high < b.low or b.high < a.low)
    }
    found = find_conflicts(figures)
    assert set(found) == every_pair
    assert len(every_pair) > 50  # across articles as well as within
    assert any(c.a.article != c.b.article for c in every_pair)


def test_refresh_links_claims_and_figures(backend: Backend) -> None:
    store = backend.open()
    port = EXAMPLES / "articles" / "dev-port-strike"
    report = parse_report(port.with_name(port.name + ".facts.json").read_bytes())
    ingest_report(store, port.with_suffix(".txt").read_text(encoding="utf-8"), report)
    (c,) = refresh_conflicts(store)
    assert {c.a.counted, c.b.counted} == {"dockworkers", "workers"}
    asked = store.query(
        with_prefixes(
            "ASK { ?a cg:conflictsWith ?b . ?b cg:conflictsWith ?a . "
            "?a a schema:QuantitativeValue }"
        )
    )
    assert bool(asked)


def test_links_written_with_each_article_equal_a_full_recomputation(backend: Backend) -> None:
    """Each ingest writes only its article's links, in the same update as the article; the
    graph of links must be what recomputing everything gives."""
    from kg.ingest.conflicts import conflicts_graph

    def links(store: GraphStore) -> set[tuple[str, str]]:
        return {(q.subject.value, q.object.value) for q in store.quads(conflicts_graph())}

    with backend.open() as store:
        for path in sorted((EXAMPLES / "articles").glob("*.txt")):
            report = parse_report(path.with_name(path.stem + ".facts.json").read_bytes())
            ingest_report(store, path.read_text(encoding="utf-8"), report, conflicts=True)
        # A second copy of the port strike, under another URL: it brings its own conflict,
        # and one with the first copy once the employers' figure is about Long Beach too
        # (the same day, the same place, another claimant): found through the store.
        port = EXAMPLES / "articles" / "dev-port-strike"
        copy = parse_report(port.with_name(port.name + ".facts.json").read_bytes())
        copy.article.url = "https://example.org/another-port-story"
        copy.claims[1].mentions = list(copy.claims[0].mentions)
        result = ingest_report(
            store, port.with_suffix(".txt").read_text(encoding="utf-8"), copy, conflicts=True
        )
        assert result.conflicts == 2
        incremental = links(store)
        articles = {(x.split("/quantity/")[0], y.split("/quantity/")[0]) for x, y in incremental}
        assert any(a != b for a, b in articles)
        assert incremental
        refresh_conflicts(store)
        assert links(store) == incremental
