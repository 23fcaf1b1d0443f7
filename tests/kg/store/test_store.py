"""The on-disk store: replace is all or nothing, and a store reopens as it was left."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import QueryError, StoreError
from kg.extract.report import parse_report
from kg.ingest.article import ingest_report
from kg.store.embedded import Change, ClaimStore
from tests.conftest import EXAMPLES, SEED, Backend

TEXT = SEED.with_suffix(".txt").read_text(encoding="utf-8")
FACTS = SEED.with_name(SEED.name + ".facts.json").read_text(encoding="utf-8")


def test_reopened_store_holds_what_was_written(backend: Backend) -> None:
    with backend.open() as store:
        assert ingest_report(store, TEXT, parse_report(FACTS)).change is Change.CREATED
        n = store.stats().quads
    with backend.open(read_only=True) as store:
        assert store.stats().quads == n
        assert store.stats().claims == 8


def test_a_failing_update_request_changes_nothing(backend: Backend) -> None:
    """The replace is one request: when any part of it fails, no part is applied (a request
    that does not parse, on every backend; one that fails part-way: tests/test_backends.py)."""
    with backend.open() as store:
        ingest_report(store, TEXT, parse_report(FACTS))
        before = set(store.quads())
        graph = store.named_graphs()[0]
        with pytest.raises(QueryError):
            store.update(f"DROP GRAPH {graph} ; INSERT DATA {{ <urn:a> <urn:b> }}")
        assert set(store.quads()) == before


def test_two_articles_share_entities_and_stay_apart(backend: Backend) -> None:
    port = EXAMPLES / "articles" / "dev-port-strike"
    with backend.open() as store:
        ingest_report(store, TEXT, parse_report(FACTS))
        port_report = parse_report(port.with_name(port.name + ".facts.json").read_bytes())
        ingest_report(store, port.with_suffix(".txt").read_text(encoding="utf-8"), port_report)
        assert store.stats().articles == 2
        assert store.stats().claims == 14


def test_missing_store_for_reading(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        ClaimStore(tmp_path / "absent", read_only=True)


def test_store_in_use_by_another_process_is_a_clear_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "s"
    ClaimStore(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import pyoxigraph,sys,time; s=pyoxigraph.Store({str(path)!r}); "
            "print('open', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match="in use by another claimgraph process"):
            ClaimStore(path)
    finally:
        holder.kill()
        holder.wait()


def test_shared_entities_do_not_multiply_rows(backend: Backend) -> None:
    """Oxigraph's union graph keeps a copy per graph; entity names live once, in the shared
    graph, so a join on a name gives one row per claim however many articles name him."""
    from kg.store.query import run_query

    store = backend.open()
    for n in range(3):
        report = parse_report(FACTS)
        report.article.url = f"https://example.org/copy-{n}"
        ingest_report(store, TEXT, report)
    _, rows = run_query(
        store,
        "SELECT ?c WHERE { ?c prov:wasAttributedTo/schema:name 'Gavin Newsom' }",
    )
    assert len(list(rows)) == 3
    store.close()
