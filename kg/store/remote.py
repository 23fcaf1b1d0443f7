"""Any SPARQL 1.1 server as the store, through the standard protocols only.

Queries and updates go over the SPARQL 1.1 Protocol (form-encoded POST, the one encoding
every server accepts: Virtuoso 7.2 never answers a POST of `application/sparql-query`);
whole graphs are read over the Graph Store HTTP Protocol when its URL is given.

claimgraph owns only the graphs under its base IRI: a server keeps its own graphs too
(Virtuoso's `virtrdf#` quad maps), so listings, counts and exports look at ours alone.

Servers differ where the standards are silent, and each difference becomes an error a user
sees, never a silently short or wrong answer:

* Virtuoso caps every answer at `ResultSetMaxRows` rows (10,000 in Debian's virtuoso.ini)
  and says so only in an `X-SPARQL-MaxRows` header; its Graph Store GET is capped the same
  way without saying so. claimgraph's own reads page under the cap and check counts; a
  capped answer to a user's query is refused.
* Virtuoso answers a query that ran out of time with the rows found so far, status 200 and
  an `X-SQL-State` header ("anytime queries"): refused as a timeout.
* Oxigraph server, at its `--timeout-s`, stops a result it is streaming: status 200, the
  body cut short and ended with "The SPARQL operation has been cancelled". Every body is
  parsed strictly and whole, so a cut shows, and is reported as a timeout.
* The default graph: the SPARQL standard leaves it to the server. claimgraph's queries (and
  its users') expect the union of all graphs, Virtuoso's default and Oxigraph's with
  `--union-default-graph`; a server that does otherwise is refused at first contact.
* Virtuoso's SPARQL parser runs out of stack near 5,000 triples in one INSERT DATA block;
  `kg.store.graphstore` writes blocks of 1,000.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolution,
    QuerySolutions,
    RdfFormat,
    parse,
    parse_query_results,
)

from kg.errors import QueryError, StoreError
from kg.graph.mapping import DEFAULT_BASE_IRI
from kg.graph.vocab import RDF, SCHEMA
from kg.store.graphstore import GraphStore, QueryResult, Triples
from kg.store.query import QueryForm, names_dataset, query_form

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
# Oxigraph server's words when it stops a streamed result at its timeout.
_CANCELLED = b"The SPARQL operation has been cancelled"
PAGE = 5000  # rows per page of claimgraph's own reads: below any usual server cap
VALUES_CHUNK = 200  # graph names per VALUES block
_ANY_IN_G = "GRAPH ?g { ?s ?p ?o }"
_FROM = re.compile(r"\bFROM\s+<([^<>\s]*)>", re.IGNORECASE)
_FROM_NAMED = re.compile(r"\bFROM\s+NAMED\s+<([^<>\s]*)>", re.IGNORECASE)


class StoreTimeout(StoreError):
    """The server ran out of time (or said it did) before the whole answer was sent."""


class ServerLimit(StoreError):
    """The server refuses a query for one of its own limits (Virtuoso's sort limit)."""


class CappedAnswer(StoreError):
    """The server cut the answer at its row cap."""

    def __init__(self, message: str, cap: int) -> None:
        super().__init__(message)
        self.cap = cap


@dataclass(frozen=True)
class Endpoints:
    """How to reach a SPARQL server; `update` defaults to `query` (one URL for both is
    common: Virtuoso's /sparql, Fuseki's /ds)."""

    query: str
    update: str | None = None
    graph_store: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 60.0
    max_bytes: int = 512 * 1024 * 1024
    base: str = DEFAULT_BASE_IRI

    @property
    def update_url(self) -> str:
        return self.update or self.query


class RemoteStore(GraphStore):
    """claimgraph's graphs on a SPARQL 1.1 server."""

    def __init__(self, endpoints: Endpoints, *, read_only: bool = False) -> None:
        self.endpoints = endpoints
        self.read_only = read_only
        self.server = ""  # the Server header of its first answer, for quirks and messages
        self._page = PAGE
        self._union_checked = False
        self._client = httpx.Client(
            timeout=httpx.Timeout(endpoints.timeout, connect=10.0),
            auth=_Credentials(endpoints.user, endpoints.password) if endpoints.user else None,
            follow_redirects=False,
        )
        self._check_union_default()

    @property
    def virtuoso(self) -> bool:
        return "virtuoso" in self.server.lower()

    # -- the protocol ------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        union: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """`union` is the server's to honour (checked at first contact), so it is not sent;
        `default_graphs` / `named_graphs` are the protocol's dataset parameters."""
        form = query_form(sparql)
        tabular = form in (QueryForm.SELECT, QueryForm.ASK)
        if names_dataset(sparql):
            if default_graphs is not None or named_graphs is not None:
                if self.virtuoso:
                    raise QueryError(
                        "Virtuoso lets a query's FROM override the protocol's default-graph-uri "
                        "and named-graph-uri, against the standard: send one or the other"
                    )
            else:
                # Oxigraph server with --union-default-graph ignores FROM, but honours the
                # same graphs given as protocol parameters (which the standard makes equal).
                default_graphs = _FROM.findall(sparql)
                named_graphs = _FROM_NAMED.findall(sparql)
        fields: list[tuple[str, str]] = [("query", sparql)]
        fields += [("default-graph-uri", g) for g in default_graphs or ()]
        fields += [("named-graph-uri", g) for g in named_graphs or ()]
        wait = timeout
        if self.virtuoso and timeout is not None:
            # Virtuoso stops at its own deadline (milliseconds) and says so: let it, a little
            # before ours, rather than hang up first and leave it working.
            fields.append(("timeout", str(max(int(timeout * 900), 1))))
            wait = timeout + 2.0
        body, headers = self._send(
            "POST", self.endpoints.query, fields, RESULTS_JSON if tabular else N_TRIPLES, wait
        )
        if tabular:
            try:
                result = parse_query_results(body, QueryResultsFormat.JSON)
            except (SyntaxError, ValueError) as exc:
                raise self._unparsable(body, exc) from None
            if isinstance(result, QuerySolutions):
                try:
                    rows = sum(1 for _ in result)  # all of it now: a cut body fails here
                except (SyntaxError, ValueError) as exc:
                    raise self._unparsable(body, exc) from None
                self._check_cap(headers, rows)
                return parse_query_results(body, QueryResultsFormat.JSON)
            return result
        try:
            triples = Triples(parse(body, RdfFormat.N_TRIPLES))
        except (SyntaxError, ValueError) as exc:
            raise self._unparsable(body, exc) from None
        self._check_cap(headers, len(triples))
        return triples

    def update(self, request: str) -> None:
        if self.read_only:
            raise StoreError("this command only reads: the store was opened read-only")
        fields = [("update", request)]
        self._send("POST", self.endpoints.update_url, fields, "*/*", None, update=True)
        if not self._union_checked:
            self._check_union_default()

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
        self._client.close()

    def flush(self) -> None:
        """A server makes each update durable before it answers."""

    # -- reads built on SELECT, paged under any row cap ---------------------------------

    def rows(
        self, variables: str, where: str, *, distinct: bool = False
    ) -> Iterator[QuerySolution]:
        """Every solution of `where` for `variables` ("?s ?p ?o"), page by page.

        Keyset paging: each page is ordered by the variables' lexical forms and starts after
        the last row of the one before, so no server cap cuts a page short and no OFFSET
        asks a server to sort what it will not (Virtuoso sorts at most 10,000 rows).
        """
        names = variables.replace("?", "").split()
        keys = " ".join(f"STR(?{v})" for v in names)
        head = f"SELECT {'DISTINCT ' if distinct else ''}{variables}"
        after: tuple[str, ...] | None = None
        seen: set[tuple[str, ...]] = set()  # rows already given whose key is `after`
        while True:
            page = self._page
            start = "" if after is None else f"FILTER ({_at_or_after(names, after)})"
            try:
                result = self.query(
                    f"{head} WHERE {{ {where} {start} }} ORDER BY {keys} LIMIT {page}"
                )
            except CappedAnswer as capped:
                self._page = max(min(capped.cap, page // 2), 1)
                continue
            assert isinstance(result, QuerySolutions)
            got, fresh = 0, 0
            for row in result:
                got += 1
                key = tuple(getattr(row[v], "value", "") for v in names)
                full = tuple(str(row[v]) for v in names)
                if key == after and full in seen:
                    continue
                if key != after:
                    after, seen = key, set()
                seen.add(full)
                fresh += 1
                yield row
            if got < page:
                return
            if fresh == 0:
                raise StoreError(
                    f"more than {page} rows share one key while paging {where!r}: "
                    "raise the server's row cap"
                )

    def quads(self, graph: NamedNode | None = None) -> Iterator[Quad]:
        if graph is None:
            for name in self.named_graphs():
                yield from self.quads(name)
            return
        if self.endpoints.graph_store:
            yield from self._graph_via_gsp(graph)
            return
        for row in self.rows("?s ?p ?o", f"GRAPH {graph} {{ ?s ?p ?o }}"):
            yield Quad(row["s"], row["p"], row["o"], graph)

    def quads_about(self, subject: NamedNode, graph: NamedNode | None = None) -> list[Quad]:
        where = f"GRAPH ?g {{ {subject} ?p ?o }} {self._ours('?g')}"
        if graph is not None:
            where = f"VALUES ?g {{ {graph} }} " + where
        return [Quad(subject, row["p"], row["o"], row["g"]) for row in self.rows("?g ?p ?o", where)]

    def named_graphs(self) -> list[NamedNode]:
        where = f"GRAPH ?g {{ ?s ?p ?o }} {self._ours('?g')}"
        return [row["g"] for row in self.rows("?g", where, distinct=True)]

    def existing_graphs(self, names: Sequence[NamedNode]) -> list[NamedNode]:
        found: set[str] = set()
        for chunk in _chunks(names, VALUES_CHUNK):
            values = " ".join(str(n) for n in chunk)
            where = f"VALUES ?g {{ {values} }} {_ANY_IN_G}"
            found.update(row["g"].value for row in self.rows("?g", where, distinct=True))
        return [n for n in names if n.value in found]

    def stored_quads(self, names: Iterable[NamedNode]) -> set[Quad]:
        out: set[Quad] = set()
        for chunk in _chunks(list(names), VALUES_CHUNK):
            values = " ".join(str(n) for n in chunk)
            for row in self.rows("?g ?s ?p ?o", f"VALUES ?g {{ {values} }} {_ANY_IN_G}"):
                out.add(Quad(row["s"], row["p"], row["o"], row["g"]))
        return out

    def claims_in(self, graph: NamedNode) -> list[NamedNode]:
        where = f"GRAPH {graph} {{ ?c {RDF.type} {SCHEMA.Claim} }}"
        return [row["c"] for row in self.rows("?c", where) if isinstance(row["c"], NamedNode)]

    def count_quads(self) -> int:
        return self._count(f"GRAPH ?g {{ ?s ?p ?o }} {self._ours('?g')}")

    # -- internals ---------------------------------------------------------------------

    def _ours(self, var: str) -> str:
        return f"FILTER (STRSTARTS(STR({var}), {Literal(self.endpoints.base)}))"

    def _count(self, where: str) -> int:
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        assert isinstance(result, QuerySolutions)
        for row in result:
            value = row["n"]
            return int(value.value) if value is not None else 0
        return 0

    def _graph_via_gsp(self, graph: NamedNode) -> Iterator[Quad]:
        """A graph over the Graph Store Protocol, its size checked against a COUNT: Virtuoso
        cuts a GET at its row cap and says nothing."""
        assert self.endpoints.graph_store is not None
        url = self.endpoints.graph_store
        body, _ = self._send("GET", url, None, N_TRIPLES, None, params={"graph": graph.value})
        try:
            triples = list(parse(body, RdfFormat.N_TRIPLES))
        except (SyntaxError, ValueError) as exc:
            raise self._unparsable(body, exc) from None
        expected = self._count(f"GRAPH {graph} {{ ?s ?p ?o }}")
        if len(triples) != expected:
            raise CappedAnswer(
                f"the Graph Store at {url} sent {len(triples)} of the {expected} triples of "
                f"{graph.value} (Virtuoso cuts a Graph Store GET at its ResultSetMaxRows): "
                "raise ResultSetMaxRows in virtuoso.ini, or leave out --graph-store so that "
                "claimgraph reads graphs page by page",
                len(triples),
            )
        for t in triples:
            yield Quad(t.subject, t.predicate, t.object, graph)

    def _send(
        self,
        method: str,
        url: str,
        fields: list[tuple[str, str]] | None,
        accept: str,
        timeout: float | None,
        *,
        params: dict[str, str] | None = None,
        update: bool = False,
    ) -> tuple[bytes, httpx.Headers]:
        """One request; the whole body (up to max_bytes), or an error that says what happened."""
        what = "update" if update else "query"
        extra: dict[str, Any] = {}
        if fields is not None:
            extra["data"] = _form(fields)
            extra["headers"] = {
                "Accept": accept,
                "Content-Type": "application/x-www-form-urlencoded",
            }
        else:
            extra["headers"] = {"Accept": accept}
        if timeout is not None:
            extra["timeout"] = httpx.Timeout(timeout, connect=10.0)
        try:
            with self._client.stream(method, url, params=params, **extra) as response:
                self.server = self.server or response.headers.get("server", "")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.endpoints.max_bytes:
                        raise StoreError(
                            f"the answer from {url} is larger than "
                            f"{self.endpoints.max_bytes // (1 << 20)} MB: narrow the {what}"
                        )
                    chunks.append(chunk)
                body = b"".join(chunks)
        except httpx.TimeoutException:
            raise StoreTimeout(
                f"the SPARQL server at {url} did not answer within "
                f"{timeout or self.endpoints.timeout:g} seconds: narrow the {what} "
                "or raise the timeout"
            ) from None
        except httpx.RemoteProtocolError as exc:
            raise StoreError(
                f"the SPARQL server at {url} broke off its answer ({exc}): nothing of it was used"
            ) from None
        except httpx.HTTPError as exc:
            raise StoreError(
                f"cannot reach the SPARQL server at {url} ({exc}): is it running, "
                "and is the URL right (--sparql-endpoint, --update-endpoint, --graph-store)?"
            ) from None
        self._check_status(response, body, url, what)
        if "x-sql-state" in response.headers:
            state = response.headers["x-sql-state"]
            message = response.headers.get("x-sql-message", "").split("  ")[0]
            raise StoreTimeout(
                f"the SPARQL server at {url} stopped the {what} and sent a partial answer "
                f"(X-SQL-State {state}: {message}): claimgraph never uses a partial answer; "
                "narrow the query or raise the server's MaxQueryExecutionTime"
            )
        return body, response.headers

    def _check_status(self, response: httpx.Response, body: bytes, url: str, what: str) -> None:
        if response.is_success:
            return
        text = body.decode("utf-8", "replace").strip()
        text = " ".join(text.split())[:400]
        status = response.status_code
        if status in (401, 403):
            raise StoreError(
                f"the SPARQL server at {url} refused the {what} ({status} {text}): give an "
                "account that may do it (--sparql-user, CLAIMGRAPH_SPARQL_PASSWORD)"
            )
        if "SR186" in text or "permission" in text.lower():  # Virtuoso's /sparql without rights
            raise StoreError(
                f"the SPARQL server at {url} does not let this account {what} ({text}): "
                "use an endpoint and account with update rights (Virtuoso: /sparql-auth)"
            )
        if "SR353" in text:  # Virtuoso sorts at most MaxSortedTopRows (10,000) rows
            raise ServerLimit(
                f"the SPARQL server at {url} cannot sort that far ({text[:160]}): use a smaller "
                "OFFSET, or raise MaxSortedTopRows in virtuoso.ini"
            )
        if status == 400:  # the protocol's answer to a request that does not parse
            raise QueryError(f"SPARQL {what} does not parse, says the server at {url}: {text}")
        raise StoreError(f"the SPARQL server at {url} answered {status} to the {what}: {text}")

    def _check_cap(self, headers: httpx.Headers, rows: int) -> None:
        cap = headers.get("x-sparql-maxrows")
        if cap is not None and cap.isdigit() and rows >= int(cap):
            raise CappedAnswer(
                f"the SPARQL server cut the answer at its cap of {cap} rows "
                "(Virtuoso's ResultSetMaxRows) instead of sending all of it: add LIMIT and "
                "OFFSET to page through it, or raise ResultSetMaxRows in virtuoso.ini",
                int(cap),
            )

    def _unparsable(self, body: bytes, exc: Exception) -> StoreError:
        if _CANCELLED in body[-4096:]:
            return StoreTimeout(
                "the SPARQL server ran out of time while it was sending the answer and cut it "
                "short (Oxigraph server's --timeout-s): nothing of it was used; narrow the query"
            )
        return StoreError(
            f"the SPARQL server's answer does not parse ({exc}); it may have been cut short: "
            "nothing of it was used"
        )

    def _check_union_default(self) -> None:
        """Refuse a server whose default graph is not the union of its graphs.

        One stored quad is enough to tell: is it in the default graph too? An empty store
        is checked again after the first write.
        """
        sample = self.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours('?g')} }} LIMIT 1"
        )
        assert isinstance(sample, QuerySolutions)
        found = list(sample)
        if not found:
            return
        row = found[0]
        s, p, o = row["s"], row["p"], row["o"]
        if isinstance(s, NamedNode):  # a blank node cannot be named in a second query
            answer = self.query(f"ASK {{ {s} {p} {o} }}")
            if isinstance(answer, QueryBoolean) and not bool(answer):
                raise StoreError(
                    f"the SPARQL server at {self.endpoints.query} does not query the union of "
                    "all graphs by default, and claimgraph's queries expect it: start Oxigraph "
                    "with `oxigraph serve --union-default-graph`, set Fuseki's "
                    "`tdb2:unionDefaultGraph true` (Virtuoso does it by default)"
                )
        self._union_checked = True


class _Credentials(httpx.Auth):
    """HTTP Basic or Digest, whichever the server asks for (Virtuoso's /sparql-auth: Digest)."""

    def __init__(self, user: str | None, password: str | None) -> None:
        self._basic = httpx.BasicAuth(user or "", password or "")
        self._digest = httpx.DigestAuth(user or "", password or "")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield request
        if response.status_code != 401:
            return
        scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        if scheme == "digest":
            flow = self._digest.auth_flow(request)
            next(flow)  # the unauthenticated request, already sent
            try:
                yield flow.send(response)
            except StopIteration:
                return
        elif scheme == "basic":
            yield next(self._basic.auth_flow(request))


def _at_or_after(names: list[str], key: tuple[str, ...]) -> str:
    """SPARQL for "the row's key is at or after `key`", comparing lexical forms in order."""
    first, last = f"STR(?{names[0]})", Literal(key[0])
    if len(names) == 1:
        return f"{first} >= {last}"
    rest = _at_or_after(names[1:], key[1:])
    return f"{first} > {last} || ({first} = {last} && ({rest}))"


def _form(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in fields:
        out.setdefault(key, []).append(value)
    return out


def _chunks(items: Sequence[NamedNode], size: int) -> Iterator[Sequence[NamedNode]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk
