"""Property tests through the HTTP API: whatever a request holds, an answer, never a 500.

The inputs of tests/test_fuzz.py (article text, fact sheets, ClaimReview JSON-LD, SPARQL from
the grammar's fragments) go to `POST /articles`, `POST /factchecks` and `/sparql` of one
server with writes on. Every answer is 2xx, 4xx or 503 with a body that reads as what its
content type says; a refused input leaves the store's sorted N-Quads export (`GET /export`)
byte for byte as it was; nothing connects to the loopback listener the inputs name; the
server process lives on. (`tests/api/test_rest.py` fuzzes the OpenAPI document's own
parameters; this does not repeat it.)
"""

from __future__ import annotations

import csv
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from tests.api.conftest import Server, copy_store, running_server
from tests.test_fuzz import (
    BEYOND_FLOATS,
    FACTS,
    HERE,
    INFINITE_FIGURE,
    NAN_RATING,
    NASTY_STRINGS,
    PORT,
    REVIEW,
    SURROGATES,
    TEXTS,
    Raw,
    article_texts,
    assert_stored_reviews_conform,
    encoded,
    fact_sheet_docs,
    fill,
    fuzz,
    mutated,
    nothing_connected,
    review_docs,
    scratch,
    sparql,
    to_json,
)

TOKEN = "fuzz-write-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON_BODY = {**AUTH, "content-type": "application/json"}


@pytest.fixture(scope="module")
def fuzz_server(example_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The example store behind a server that takes writes, its store in memory if it can."""
    with (
        scratch(tmp_path_factory) as where,
        running_server(
            copy_store(example_store, where),
            where / "server.log",
            write_token=TOKEN,
            query_timeout="3",
        ) as server,
    ):
        yield server


class Api:
    """A client of the server, with the store's export after the last accepted input."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url.removesuffix("/sparql"), timeout=60)
        self.known = self.export()

    def export(self) -> list[bytes]:
        r = self.http.get("/export", params={"format": "nquads"})
        assert r.status_code == 200, r.text
        return sorted(r.content.splitlines())

    def settle(self, r: httpx.Response) -> None:
        now = self.export()
        if not r.is_success:
            assert now == self.known, f"a refused request ({r.status_code}) changed the store"
        self.known = now

    def alive(self) -> None:
        """The server still runs, and has logged no traceback (a 500, or a library's noise)."""
        log = self.server.log.read_text(errors="replace")
        assert self.server.process.poll() is None, log[-3000:]
        assert "Traceback (most recent call last)" not in log, log[-5000:]


@pytest.fixture(scope="module")
def api(fuzz_server: Server) -> Iterator[Api]:
    client = Api(fuzz_server)
    yield client
    client.http.close()


def assert_answer(r: httpx.Response, statuses: set[int]) -> None:
    """A status the endpoint documents, and a body that reads as its content type says."""
    assert r.status_code in statuses, (r.status_code, r.text[:2000])
    kind = r.headers.get("content-type", "").split(";")[0].strip()
    if r.status_code >= 400:
        detail = r.json()["detail"]
        assert detail and isinstance(detail, (str, list)), r.text[:500]
        return
    if kind.endswith("json") and "sparql-results" not in kind:
        r.json()
        if kind != "application/ld+json":
            return
    if kind in ("text/turtle", "application/n-triples", "application/ld+json"):
        list(parse(r.content, RdfFormat.from_media_type(kind)))
    elif kind == "application/rdf+xml":
        list(parse(r.content, RdfFormat.RDF_XML))
    elif kind == "text/csv":  # lossy, so pyoxigraph does not read it back
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"), newline="")))
        assert rows, "no header row"
        # An unbound value in a one-column result is an empty line.
        widths = {len(rows[0]), 0} if len(rows[0]) == 1 else {len(rows[0])}
        assert all(len(row) in widths for row in rows), r.text[:500]
    else:
        results = QueryResultsFormat.from_media_type(kind)
        assert results is not None, kind
        parse_query_results(r.content, results)


def post_json(api: Api, path: str, body: Any, *, ascii_only: bool = True) -> httpx.Response:
    data = to_json(body, ascii_only=ascii_only).encode("utf-8", "surrogatepass")
    return api.http.post(path, content=data, headers=JSON_BODY)


# -- articles -------------------------------------------------------------------------------


def article_bodies(text: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    metadata = st.one_of(st.none(), st.sampled_from(NASTY_STRINGS), st.text(max_size=20))
    return st.fixed_dictionaries(
        {"text": text},
        optional={
            "url": st.just("https://example.org/news/fuzz") | metadata,
            "published": st.sampled_from(["2026-04-13", "2026-02-30", "13/04/2026"]) | metadata,
            "publisher": metadata,
            "title": metadata,
        },
    )


def test_post_article_text(api: Api) -> None:
    """`POST /articles` with text to extract: stored (201/200) or refused (422), never 500."""

    @fuzz(3)
    @given(body=article_bodies(article_texts()), html=st.booleans())
    @example(body={"text": BEYOND_FLOATS}, html=False)
    @example(body={"text": "abc \ud800 def"}, html=False)
    @example(body={"text": "   "}, html=True)
    def check(body: dict[str, Any], html: bool) -> None:
        if html:
            page = f"<html><body><p>{body['text']}</p></body></html>"
            body = {**{k: v for k, v in body.items() if k != "text"}, "html": page}
        r = post_json(api, "/articles", body)
        assert_answer(r, {200, 201, 400, 422})
        api.settle(r)

    check()
    api.alive()


def request(stem: str, facts: Any) -> dict[str, Any]:
    return {"text": TEXTS[stem], "url": f"https://example.org/{stem}", "facts": facts}


# A broken sheet in a sound request, or a sound sheet in a broken one.
requests = st.one_of(
    fact_sheet_docs.map(lambda sheet: request(*sheet)),
    st.sampled_from(sorted(TEXTS)).flatmap(lambda stem: mutated(request(stem, FACTS[stem]))),
)


def test_post_article_with_fact_sheet(api: Api) -> None:
    """`POST /articles` with a broken fact sheet: refused (400, 422) with nothing stored, or
    stored (201, 200)."""

    @fuzz(15)
    @given(body=requests, ascii_only=st.booleans())
    @example(body=request("dev-port-strike", Raw("[" * 5000 + "]" * 5000)), ascii_only=True)
    @example(body=request("dev-port-strike", Raw(INFINITE_FIGURE.decode())), ascii_only=True)
    @example(body=request("dev-port-strike", {}), ascii_only=True)  # an empty sheet
    def check(body: Any, ascii_only: bool) -> None:
        r = post_json(api, "/articles", body, ascii_only=ascii_only)
        assert_answer(r, {200, 201, 400, 422})
        api.settle(r)

    check()
    api.alive()


# -- fact-checks ----------------------------------------------------------------------------


review_bodies = st.tuples(review_docs, st.booleans()).flatmap(
    lambda doc: encoded(to_json(doc[0], ascii_only=doc[1]))
)


def test_post_claimreviews(api: Api, listener: socket.socket) -> None:
    """`POST /factchecks`: what conforms is stored, the rest refused; no context is fetched."""
    port = listener.getsockname()[1]

    @fuzz(20)
    @given(body=review_bodies)
    @example(body=NAN_RATING)
    @example(body=SURROGATES)
    @example(body=b'{"a":' * 990 + json.dumps(REVIEW).encode() + b"}" * 990)
    def check(body: bytes) -> None:
        before = api.known
        r = api.http.post("/factchecks", content=fill(body, port), headers=JSON_BODY)
        assert_answer(r, {200, 400, 422})
        api.settle(r)
        if r.is_success:
            assert_stored_reviews_conform(before, api.known)
        assert nothing_connected(listener)

    check()
    api.alive()


# -- SPARQL ---------------------------------------------------------------------------------

ACCEPT = st.sampled_from(
    [
        None,
        "*/*",
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
        "text/turtle",
        "application/ld+json",
        "application/rdf+xml;q=0.5, application/n-triples;q=0.9",
        "image/png",
        "text/html;q=0, */*;q=0",
        "\x7f;;;q=abc",
    ]
)
GRAPH_IRIS = st.lists(
    st.sampled_from(
        [
            f"{HERE}/d.ttl",
            "https://claimgraph.org/id/graph/shared",
            "not an iri",
            "",
            "http://a b/",
        ]
    ),
    max_size=2,
)


def test_sparql_endpoint(api: Api, listener: socket.socket) -> None:
    """`/sparql` answers 200 with a well-formed body, or an error status (400, 403, 406, 413,
    415, 422, 503) with a message; updates change nothing; nothing connects."""
    port = listener.getsockname()[1]
    url = "/sparql"

    @fuzz(40)
    @given(
        query=sparql,
        how=st.sampled_from(["get", "form", "direct", "update", "get-update"]),
        accept=ACCEPT,
        defaults=GRAPH_IRIS,
        named=GRAPH_IRIS,
    )
    @example(query="SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000, how="form",
             accept=None, defaults=[], named=[])  # fmt: skip
    @example(query="ASK { " + "OPTIONAL { ?s ?p ?o } " * 3000 + "}", how="direct", accept=None,
             defaults=[], named=[])  # fmt: skip
    def check(
        query: str, how: str, accept: str | None, defaults: list[str], named: list[str]
    ) -> None:
        text = query.replace(PORT, str(port))
        note(f"{how} {text[:2000]!r} accept={accept!r} defaults={defaults} named={named}")
        headers = {"accept": accept} if accept is not None else {}
        dataset = [("default-graph-uri", g) for g in defaults] + [
            ("named-graph-uri", g) for g in named
        ]
        dataset = [(k, g.replace(PORT, str(port))) for k, g in dataset]
        if how in ("get", "get-update", "form"):
            # Percent-encoded as a browser would, an unpaired surrogate as its invalid bytes.
            field = "update" if how == "get-update" else "query"
            encoded_form = urlencode([(field, text), *dataset], errors="surrogatepass")
            if len(encoded_form) > 60_000:
                how = "form"  # no client sends a URL this long (httpx stops at 64 kB)
            if how == "form":
                form_type = "application/x-www-form-urlencoded"
                headers["content-type"] = form_type
                r = api.http.post(url, content=encoded_form.encode(), headers=headers)
            else:
                r = api.http.get(f"{url}?{encoded_form}", headers=headers)
        else:
            kind = "application/sparql-update" if how == "update" else "application/sparql-query"
            r = api.http.post(
                f"{url}?{urlencode(dataset)}",
                content=text.encode("utf-8", "surrogatepass"),
                headers={**headers, "content-type": kind},
            )
        assert_answer(r, {200, 400, 403, 406, 413, 415, 422, 503})
        if not r.is_success:
            assert api.export() == api.known, "a refused request changed the store"
        assert nothing_connected(listener)

    check()
    assert api.export() == api.known, "a query changed the store"
    api.alive()
