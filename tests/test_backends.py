"""The store contract on every backend, and each server's quirks as the errors users see.

Runs against the embedded store and real `oxigraph serve` and Virtuoso 7 processes
(tests/servers.py); nothing is mocked.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import httpx
import pytest
from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, RdfFormat

from kg.errors import StoreError
from kg.extract.textio import read_article, read_facts
from kg.graph.mapping import ArticleGraphs
from kg.graph.validate import ensure_valid
from kg.graph.vocab import PROV
from kg.ingest.article import build_graphs
from kg.store.embedded import ClaimStore
from kg.store.graphstore import Change, GraphStore, replace_request
from kg.store.remote import CappedAnswer, Endpoints, RemoteStore, StoreTimeout
from tests.conftest import EXAMPLES, Backend
from tests.servers import VIRTUOSO_MAX_ROWS, SparqlServer, free_port, start

BASE = "https://claimgraph.org/id/"


def example_graphs(store: GraphStore | None = None) -> list[ArticleGraphs]:
    out = []
    for path in sorted((EXAMPLES / "articles").glob("*.txt")):
        text = read_article(path)
        report = read_facts(path.with_name(path.stem + ".facts.json"), text)
        graphs = build_graphs(text, report, store=store, model_version="fact sheet")
        ensure_valid(graphs.quads, what=path.name)
        out.append(graphs)
    return out


def content(store: GraphStore) -> list[bytes]:
    """The store as sorted N-Quads, without the ingest times (they differ between runs)."""
    out = io.BytesIO()
    store.dump(out, RdfFormat.N_QUADS)
    return sorted(
        line
        for line in out.getvalue().splitlines()
        if PROV.startedAtTime.value not in line.decode()
    )


def many_triples(graph: str, n: int) -> str:
    triples = [
        Quad(
            NamedNode(f"{graph}#s{i}"),
            NamedNode("urn:claimgraph-test:value"),
            Literal(i),
            NamedNode(graph),
        )
        for i in range(n)
    ]
    return replace_request([], triples)


def test_a_batch_of_articles_round_trips_like_the_embedded_store(backend: Backend) -> None:
    reference = ClaimStore()
    reference.replace_articles(example_graphs())
    with backend.open() as store:
        batch = example_graphs(store)
        assert store.replace_articles(batch) == [Change.CREATED] * len(batch)
        assert content(store) == content(reference)
        assert store.stats() == reference.stats()
        # The same content again changes nothing; one changed article is replaced.
        assert store.replace_articles(example_graphs(store)) == [Change.UNCHANGED] * len(batch)
        assert store.remove_article(batch[0])
        assert store.replace_articles(example_graphs(store))[0] is Change.CREATED
        assert content(store) == content(reference)


def test_a_failing_request_leaves_the_old_version_where_the_backend_is_atomic(
    backend: Backend,
) -> None:
    """Oxigraph (embedded or server) applies a request whole or not at all. Virtuoso commits
    each operation as it runs: the README says so, and this test pins it."""
    with backend.open() as store:
        article = example_graphs(store)[0]
        store.replace_article(article)
        before = content(store)
        graph = article.iris.graph
        failing = f"DROP SILENT GRAPH {graph} ; CREATE GRAPH <{BASE}t/x> ; CREATE GRAPH <{BASE}t/x>"
        if backend.kind == "virtuoso":  # Virtuoso creates twice happily; this fails instead
            failing = f"DROP SILENT GRAPH {graph} ; DROP GRAPH <{BASE}t/never-created>"
        with pytest.raises(StoreError):
            store.update(failing)
        if backend.kind == "virtuoso":
            assert content(store) != before  # the DROP stayed: re-running the ingest repairs it
            store.replace_article(article)
        assert content(store) == before


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> SparqlServer:
    server = start("virtuoso", tmp_path_factory.mktemp("virtuoso-quirks"))
    yield server  # type: ignore[misc]
    server.stop()


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> SparqlServer:
    server = start("oxigraph", tmp_path_factory.mktemp("oxigraph-quirks"))
    yield server  # type: ignore[misc]
    server.stop()


def test_virtuoso_row_cap_is_an_error_and_our_own_reads_page_under_it(
    virtuoso: SparqlServer,
) -> None:
    graph = f"{BASE}t/big"
    n = 10_000 + VIRTUOSO_MAX_ROWS  # past its sort limit too (10,000 rows)
    with RemoteStore(virtuoso.endpoints) as store:
        store.update(many_triples(graph, n))
        with pytest.raises(CappedAnswer, match=f"cap of {VIRTUOSO_MAX_ROWS} rows"):
            store.query(f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert len(list(store.quads(NamedNode(graph)))) == n
        assert store.count_quads() == n
    # Virtuoso's Graph Store GET is cut at the cap without a word: the count shows it.
    gsp = dataclasses.replace(
        virtuoso.endpoints,
        graph_store=virtuoso.endpoints.query.replace("/sparql-auth", "/sparql-graph-crud-auth"),
    )
    with RemoteStore(gsp) as store, pytest.raises(CappedAnswer, match="Graph Store"):
        list(store.quads(NamedNode(graph)))


def test_virtuoso_partial_answer_at_its_time_limit_is_a_timeout(virtuoso: SparqlServer) -> None:
    graph = f"{BASE}t/heavy"
    with RemoteStore(virtuoso.endpoints) as store:
        store.update(many_triples(graph, 2000))
        joins = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i"
        heavy = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ {joins} }} }}"
        with pytest.raises(StoreTimeout, match="X-SQL-State"):
            store.query(heavy, timeout=1.0)


def test_oxigraph_answer_cut_short_at_its_timeout_is_a_timeout(oxigraph: SparqlServer) -> None:
    graph = f"{BASE}t/heavy"
    with RemoteStore(oxigraph.endpoints) as store:
        store.update(many_triples(graph, 2000))
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        with pytest.raises(StoreTimeout, match="cut it short"):
            store.query(heavy)


def test_a_server_without_the_union_default_graph_is_refused(tmp_path: Path) -> None:
    server = start("oxigraph", tmp_path, union=False)
    try:
        httpx.post(server.endpoints.update_url, data={"update": many_triples(f"{BASE}t/u", 3)})
        with pytest.raises(StoreError, match="--union-default-graph"):
            RemoteStore(server.endpoints)
    finally:
        server.stop()


def test_wrong_credentials_and_no_server_are_clear_errors(virtuoso: SparqlServer) -> None:
    wrong = dataclasses.replace(virtuoso.endpoints, password="not-the-password")
    with pytest.raises(StoreError, match="refused .* account"):
        RemoteStore(wrong)
    nobody = Endpoints(query=f"http://127.0.0.1:{free_port()}/sparql")
    with pytest.raises(StoreError, match="cannot reach the SPARQL server"):
        RemoteStore(nobody)


def test_virtuoso_without_update_rights_says_which_endpoint_to_use(virtuoso: SparqlServer) -> None:
    public = Endpoints(query=virtuoso.endpoints.query.replace("/sparql-auth", "/sparql"))
    with RemoteStore(public) as store:
        result = store.query("ASK { }")
        assert not isinstance(result, QuerySolutions) and bool(result)
        with pytest.raises(StoreError, match="update rights"):
            store.update(many_triples(f"{BASE}t/denied", 1))
