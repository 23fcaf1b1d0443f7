"""The text index beside the store (kg/search.py): its query language, that every write
path keeps it equal to a rebuild from the store, that it is rebuilt when it cannot be
trusted, and that a refused article leaves no word in it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import kg.search
from kg.errors import ValidationFailed
from kg.extract.textio import read_article, read_facts
from kg.factcheck.claimreview import read_path
from kg.factcheck.imports import import_factchecks
from kg.ingest.article import build_graphs, ingest_report
from kg.search import SearchError, SearchQuery, TextIndex, fts_expression
from kg.store.graphstore import GraphStore
from kg.store.opening import StoreConfig, open_store

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "examples" / "articles"
FEED = ROOT / "examples" / "factchecks" / "example-fact-desk.datafeed.jsonld"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("troops", '"troops"'),
        ("National Guard", '"national" AND "guard"'),
        ('"national guard" troop*', '"national guard" AND "troop"*'),
        ("2,000 troops", '"2 000" AND "troops"'),
        ("U.S. port OR harbour", '"u s" AND ("port" OR "harbour")'),
        ("strike -oakland", '("strike") NOT "oakland"'),
        ("Newsom's , ;", '"newsom s"'),
        ("NEAR AND NOT", '"near" AND "and" AND "not"'),  # FTS5's operators are words here
    ],
)
def test_query_language(query: str, expected: str) -> None:
    assert fts_expression(query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a" * 1001, "at most 1000"),
        ('"national guard', "unmatched double quote"),
        ("OR troops", "OR must stand between"),
        ("troops OR", "OR must stand between"),
        ("-troops", "at least one word"),
        ("* troops", "a prefix needs"),
        ('"" troops', "holds no word"),
        (",;.", "at least one word"),
    ],
)
def test_malformed_queries_say_what_is_wrong(query: str, message: str) -> None:
    with pytest.raises(SearchError, match=message):
        fts_expression(query)


def ingest_example(store: GraphStore, name: str, edit: str | None = None) -> None:
    text = read_article(ARTICLES / f"{name}.txt")
    report = read_facts(ARTICLES / f"{name}.facts.json", text)
    if edit is not None:
        report.article.title = edit
    ingest_report(store, text, report, model_version="fact sheet", conflicts=True)


def rebuilt(store: GraphStore, where: Path) -> list[tuple[object, ...]]:
    fresh = TextIndex(where, "test")
    fresh.rebuild(store)
    contents = fresh.contents()
    fresh.close()
    return contents


def test_every_write_path_keeps_the_index_equal_to_a_rebuild(tmp_path: Path) -> None:
    config = StoreConfig(tmp_path / "store")
    with open_store(config) as store:
        assert store.index is not None
        for name in ("seed-la-national-guard", "dev-port-strike", "dev-oregon-flood"):
            ingest_example(store, name)
        import_factchecks(store, read_path(FEED).reviews)
        # A replace (a new headline) and a delete.
        ingest_example(store, "dev-port-strike", edit="Dockworkers walk out at Oakland")
        text = read_article(ARTICLES / "dev-oregon-flood.txt")
        report = read_facts(ARTICLES / "dev-oregon-flood.facts.json", text)
        assert store.remove_article(build_graphs(text, report, store=store))
        kept = store.index.contents()
        assert kept == rebuilt(store, tmp_path / "fresh.sqlite")
        kinds = {row[1] for row in kept}
        assert kinds == {"claim", "article", "entity", "factcheck"}
        index = store.index
        assert index.why_untrusted() is None
        hits = index.search(SearchQuery("dockworkers walk", kind="article"))
        assert [h.title for h in hits] == ["Dockworkers walk out at Oakland"]
        # The deleted article's words are gone; its county stays, as in the shared graph.
        found = {h.kind for h in index.search(SearchQuery("clatsop"))}
        assert "entity" in found and not found & {"article", "claim"}
        assert "<mark>" in index.search(SearchQuery('"national guard"'))[0].snippet


def test_search_filters_and_pages(tmp_path: Path) -> None:
    with open_store(StoreConfig(tmp_path / "store")) as store:
        for name in ("seed-la-national-guard", "dev-port-strike", "dev-chad-refugees"):
            ingest_example(store, name)
        index = store.index
        assert index is not None
        every = index.search(SearchQuery("the", limit=1000))
        assert len(every) > 10
        walked, after = [], None
        while True:
            page = index.search(SearchQuery("the", limit=3, after=after))
            walked += page
            if len(page) < 3:
                break
            after = index.cursor(page[-1])
        assert [h.iri for h in walked] == [h.iri for h in every]
        trump = index.named("DONALD TRUMP")
        assert len(trump) == 1
        said = index.search(SearchQuery("los angeles", kind="claim", claimants=tuple(trump)))
        assert said and all(h.claimant == trump[0] and h.kind == "claim" for h in said)
        assert all(h.claimant_name == "Donald Trump" for h in said)
        dated = index.search(SearchQuery("the", since="2026-01-01", until="2026-03-31", limit=99))
        assert dated and all(h.day and "2026-01-01" <= h.day <= "2026-03-31" for h in dated)
        prefix = {h.iri for h in index.search(SearchQuery("port*", limit=99))}
        assert prefix > {h.iri for h in index.search(SearchQuery("port", limit=99))}  # "ports"
        # "claim" is the kind column's word for every claim: a search never looks there.
        assert not any(h.kind == "claim" for h in index.search(SearchQuery("claim", limit=99)))
        by_cue = dict((k, n) for k, _, n in index.claim_counts("cue"))
        claims = sum(1 for row in index.contents() if row[1] == "claim")
        assert sum(by_cue.values()) == claims and by_cue["said"] > 0


def test_a_search_matching_too_much_is_listed_newest_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(StoreConfig(tmp_path / "store")) as store:
        for name in ("seed-la-national-guard", "dev-port-strike"):
            ingest_example(store, name)
        index = store.index
        assert index is not None
        ranked = index.search(SearchQuery("the", limit=1000))
        assert all(h.ranked for h in ranked)
        monkeypatch.setattr(kg.search, "RANKED_AT_MOST", 5)
        newest = index.search(SearchQuery("the", limit=1000))
        assert not any(h.ranked for h in newest)
        assert [h.rowid for h in newest] == sorted((h.rowid for h in ranked), reverse=True)
        walked, after = [], None
        while page := index.search(SearchQuery("the", limit=4, after=after)):
            walked += page
            after = index.cursor(page[-1])
        assert walked == newest
        few = index.search(SearchQuery("dockworkers"))  # under the bound: still ranked
        assert few and all(h.ranked for h in few)


def test_an_untrusted_index_is_rebuilt(tmp_path: Path) -> None:
    config = StoreConfig(tmp_path / "store")
    with open_store(config) as store:
        ingest_example(store, "dev-port-strike")
    index = config.text_index()
    assert index is not None and index.why_untrusted() is None
    # Left mid-write, as a process killed between the store's write and the index's.
    index.begin()
    index.close()
    assert "mid-write" in (config.text_index().why_untrusted() or "")  # type: ignore[union-attr]
    with open_store(config) as store:
        assert store.index is not None and store.index.ensure(store)
        assert store.index.why_untrusted() is None
    # A copy of the store with its index beside it: the index describes the original.
    shutil.copytree(tmp_path / "store", tmp_path / "copy")
    shutil.copy(config.beside(".search.sqlite"), tmp_path / "copy.search.sqlite")
    copied = StoreConfig(tmp_path / "copy").text_index()
    assert copied is not None and "another store" in (copied.why_untrusted() or "")
    # Missing.
    config.beside(".search.sqlite").unlink()
    assert "no search index" in (config.text_index().why_untrusted() or "")  # type: ignore[union-attr]


def test_a_refused_article_leaves_no_word_in_the_index(tmp_path: Path) -> None:
    text = read_article(ARTICLES / "seed-la-national-guard.txt")
    facts = json.loads((ARTICLES / "seed-la-national-guard.facts.json").read_text("utf-8"))
    facts["claims"][2]["medium"] = "Gavin Newsom"  # a person as a medium: SHACL refuses it
    bad = tmp_path / "bad.facts.json"
    bad.write_text(json.dumps(facts), encoding="utf-8")
    with open_store(StoreConfig(tmp_path / "store")) as store:
        ingest_example(store, "dev-port-strike")
        with pytest.raises(ValidationFailed):
            ingest_report(store, text, read_facts(bad, text), model_version="fact sheet")
        assert store.index is not None and store.index.why_untrusted() is None
        assert store.index.search(SearchQuery("newsom")) == []
        assert store.index.search(SearchQuery("hegseth")) == []
