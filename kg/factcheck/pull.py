"""What each kind of fact-check source speaks, and how to ask it only for what is new.

* A DataFeed or a page: a conditional GET (If-None-Match with the last ETag,
  If-Modified-Since with the last Last-Modified); 304 means nothing to read. A sitemap lists
  pages: those whose `<lastmod>` is unchanged since the last sync are not asked for, the
  others with their own conditional GET.
* Google Fact Check Tools `claims:search`: `maxAgeDays` covering the time since the last
  successful sync (whole days, as the API counts them, so reviews of the last day may come
  again: they are then unchanged and not rewritten), `pageToken` to the last page. The key
  goes in the `X-Goog-Api-Key` header, never in the URL.
* A SPARQL endpoint in ClaimsKG's model (`http://schema.org/`): the reviews dated after the
  newest one already read, in pages of LIMIT/OFFSET under the server's row cap, ordered by
  date; each page's reviews are then read whole with a CONSTRUCT.

Every reader returns the reviews and the state to record once they are stored; it records
nothing itself, so a failure anywhere leaves the last good state for the next sync.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode

from kg.errors import InputError, SourceError
from kg.factcheck.claimreview import FactCheck, ReadResult, reviews_from_html, reviews_from_json
from kg.factcheck.fetch import Fetched, Fetcher
from kg.factcheck.sources import SPARQL_PAGE_ROWS, Source, SourceKind
from kg.graph.vocab import SCHEMA, SITEMAP

FCT_PAGE_SIZE = 100
SPARQL_DESCRIBE_CHUNK = 100  # reviews per CONSTRUCT: some 30 triples each, under any cap
_SITEMAP_NS = "{" + SITEMAP + "}"  # as ElementTree spells a namespaced tag
_SCHEMA = SCHEMA.iri
_NOTES = ("synced_at", "failed_at", "error")  # what `sync` notes beside a reader's state


@dataclass
class Pulled:
    """What a source gave: reviews, items passed over (with why), and the state to record
    once the reviews are stored. `partial` says the state was kept back (a page failed, a
    limit was reached): the next sync asks again for what this one could not finish."""

    reviews: list[FactCheck] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    partial: bool = False


def pull(
    source: Source,
    state: Mapping[str, Any],
    fetcher: Fetcher,
    *,
    now: dt.datetime,
    env: Mapping[str, str] | None = None,
    full: bool = False,
) -> Pulled:
    """Ask `source` for what changed since `state` (everything when `full`)."""
    state = {} if full else {k: v for k, v in state.items() if k not in _NOTES}
    if source.kind is SourceKind.DATAFEED:
        return _pull_document(source, state, fetcher)
    if source.kind is SourceKind.PAGE:
        return _pull_page(source, state, fetcher)
    if source.kind is SourceKind.FACT_CHECK_TOOLS:
        return _pull_fact_check_tools(source, state, fetcher, now, env or os.environ)
    return _pull_sparql(source, state, fetcher)


# -- DataFeeds and pages ----------------------------------------------------------------


def _conditional(state: Mapping[str, Any]) -> dict[str, str]:
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = str(state["etag"])
    if state.get("last_modified"):
        headers["If-Modified-Since"] = str(state["last_modified"])
    return headers


def _validators(answer: Fetched, old: Mapping[str, Any]) -> dict[str, Any]:
    """The validators to send next time: the answer's, or (on a 304) the ones it confirmed."""
    if answer.not_modified:
        return {k: old[k] for k in ("etag", "last_modified") if old.get(k)}
    kept = {"etag": answer.etag, "last_modified": answer.last_modified}
    return {k: v for k, v in kept.items() if v}


def _body_text(answer: Fetched, fetcher: Fetcher) -> bytes:
    """The body, un-gzipped when it is a .gz file (a feed served as is), under the size cap."""
    body = answer.body
    if body[:2] == b"\x1f\x8b":
        try:
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            body = inflater.decompress(body, fetcher.limits.max_bytes + 1)
        except zlib.error as exc:
            raise fetcher.fail(f"{answer.url}: a gzip body that does not inflate ({exc})") from None
        if len(body) > fetcher.limits.max_bytes or inflater.unconsumed_tail:
            raise fetcher.fail(
                f"{answer.url}: refused, the gzip body inflates past the limit of "
                f"{fetcher.limits.max_bytes:,} bytes"
            )
    return body


def read_document(answer: Fetched, fetcher: Fetcher) -> ReadResult:
    """The ClaimReviews of a fetched feed or page: JSON(-LD) or HTML with JSON-LD blocks."""
    body = _body_text(answer, fetcher)
    kind = answer.content_type.split(";")[0].strip().lower()
    head = body.lstrip()[:1]
    if kind in ("text/html", "application/xhtml+xml") or head == b"<":
        return reviews_from_html(body.decode("utf-8", errors="replace"))
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise fetcher.fail(f"{answer.url}: the answer is not JSON or JSON-LD ({exc})") from None
    except RecursionError:
        raise fetcher.fail(f"{answer.url}: the JSON nests too deeply to read") from None
    return reviews_from_json(data)


def _pull_document(source: Source, state: dict[str, Any], fetcher: Fetcher) -> Pulled:
    answer = fetcher.get(source.url, headers=_conditional(state))
    pulled = Pulled(state=_validators(answer, state))
    if answer.not_modified:
        return pulled
    read = read_document(answer, fetcher)
    if not read.reviews and read.skipped:
        raise fetcher.fail(
            f"{answer.url}: no ClaimReview could be read: {'; '.join(read.skipped[:5])}"
        )
    pulled.reviews, pulled.skipped = read.reviews, read.skipped
    return pulled


def _sitemap(body: bytes) -> list[tuple[str, str | None]] | None:
    """The (loc, lastmod) of a sitemap's `<url>`s; None when the body is not a sitemap."""
    if not body.lstrip().startswith(b"<?xml") and b"<urlset" not in body[:2048]:
        return None
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    if root.tag.removeprefix(_SITEMAP_NS) != "urlset":
        return None
    out = []
    for url in root:
        loc = url.findtext(f"{_SITEMAP_NS}loc") or url.findtext("loc")
        lastmod = url.findtext(f"{_SITEMAP_NS}lastmod") or url.findtext("lastmod")
        if loc and loc.strip():
            out.append((loc.strip(), lastmod.strip() if lastmod else None))
    return out


def _pull_page(source: Source, state: dict[str, Any], fetcher: Fetcher) -> Pulled:
    answer = fetcher.get(source.url, headers=_conditional(state))
    pulled = Pulled(state=_validators(answer, state))
    pulled.state["pages"] = dict(state.get("pages") or {})
    if answer.not_modified:
        return pulled
    body = _body_text(answer, fetcher)
    listed = _sitemap(body)
    if listed is None:
        read = read_document(answer, fetcher)
        if not read.reviews and read.skipped:
            raise fetcher.fail(
                f"{answer.url}: no ClaimReview could be read: {'; '.join(read.skipped[:5])}"
            )
        pulled.reviews, pulled.skipped = read.reviews, read.skipped
        pulled.state.pop("pages")
        return pulled
    old_pages: dict[str, Any] = dict(state.get("pages") or {})
    pages: dict[str, Any] = {}
    for loc, lastmod in listed:
        before = old_pages.get(loc) or {}
        if lastmod is not None and before.get("lastmod") == lastmod:
            pages[loc] = before
            continue
        try:
            page = fetcher.get(loc, headers=_conditional(before))
        except SourceError as exc:
            # One page failing is that page's problem: the others go on, and the sitemap's
            # validators are not recorded, so the next sync comes back for it.
            pulled.skipped.append(f"page not read: {exc}")
            pulled.partial = True
            if before:
                pages[loc] = before
            continue
        pages[loc] = {**_validators(page, before), **({"lastmod": lastmod} if lastmod else {})}
        if page.not_modified:
            continue
        try:
            read = read_document(page, fetcher)
        except SourceError as exc:
            pulled.skipped.append(f"page not read: {exc}")
            pulled.partial = True
            pages.pop(loc, None)
            continue
        pulled.reviews.extend(read.reviews)
        pulled.skipped.extend(f"{loc}: {s}" for s in read.skipped)
    pulled.state["pages"] = pages
    if pulled.partial:
        pulled.state = {"pages": pages}
    return pulled


# -- Google Fact Check Tools ------------------------------------------------------------


def _pull_fact_check_tools(
    source: Source,
    state: dict[str, Any],
    fetcher: Fetcher,
    now: dt.datetime,
    env: Mapping[str, str],
) -> Pulled:
    assert source.key_env is not None
    key = env.get(source.key_env)
    if not key:
        raise SourceError(
            f"the environment variable {source.key_env} (--key-env) holds no API key: set it "
            "before the sync"
        )
    fetcher.add_secret(key)
    params: dict[str, str] = {"pageSize": str(FCT_PAGE_SIZE)}
    if source.query:
        params["query"] = source.query
    if source.publisher:
        params["reviewPublisherSiteFilter"] = source.publisher
    if source.language:
        params["languageCode"] = source.language
    last = state.get("covered_until")
    if last:
        since = dt.datetime.fromisoformat(str(last))
        params["maxAgeDays"] = str(max(1, math.ceil((now - since).total_seconds() / 86400)))
    pulled = Pulled(state={"covered_until": now.isoformat(timespec="seconds")})
    token: str | None = None
    while True:
        asked = dict(params, **({"pageToken": token} if token else {}))
        answer = fetcher.get(source.url, params=asked, headers={"X-Goog-Api-Key": key})
        try:
            data = json.loads(answer.body)
        except (ValueError, RecursionError) as exc:
            raise fetcher.fail(f"{answer.url}: the answer is not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise fetcher.fail(f"{answer.url}: the answer is not a claims:search response")
        if data.get("claims"):
            read = reviews_from_json({"claims": data["claims"]})
            pulled.reviews.extend(read.reviews)
            pulled.skipped.extend(read.skipped)
        token = data.get("nextPageToken")
        if not token or not isinstance(token, str):
            return pulled
        if fetcher.requests >= fetcher.limits.max_requests:
            pulled.skipped.append(
                f"stopped after {fetcher.requests} pages (the request limit): narrow the "
                "query; the next sync asks again from the same point"
            )
            pulled.partial = True
            pulled.state = dict(state)
            return pulled


# -- SPARQL, ClaimsKG's model -----------------------------------------------------------


def _sparql_page(after: str | None, rows: int, offset: int) -> str:
    bound = f"FILTER (BOUND(?d) && STR(?d) > {Literal(after)})" if after else ""
    return f"""PREFIX schema: <{_SCHEMA}>
SELECT ?r ?d WHERE {{
  ?r a schema:ClaimReview .
  OPTIONAL {{ ?r schema:datePublished ?d }}
  {bound}
}} ORDER BY STR(?d) ?r LIMIT {rows} OFFSET {offset}"""


def _sparql_describe(reviews: list[str]) -> str:
    values = " ".join(str(NamedNode(r)) for r in reviews)
    return f"""PREFIX schema: <{_SCHEMA}>
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  VALUES ?r {{ {values} }}
  {{ ?r ?p ?o . BIND (?r AS ?s) }}
  UNION {{ ?r schema:reviewRating|schema:author|schema:itemReviewed ?s . ?s ?p ?o }}
  UNION {{ ?r schema:itemReviewed/schema:author ?s . ?s ?p ?o }}
}}"""


def _sparql_rows(answer: Fetched, fetcher: Fetcher) -> list[tuple[str, str | None]]:
    try:
        data = json.loads(answer.body)
        bindings = data["results"]["bindings"]
        rows = []
        for b in bindings:
            if b["r"]["type"] != "uri" or not _is_iri(b["r"]["value"]):
                continue  # a review without an IRI cannot be described by a later query
            rows.append((b["r"]["value"], b["d"]["value"] if "d" in b else None))
        return rows
    except (ValueError, KeyError, TypeError) as exc:
        raise fetcher.fail(
            f"{answer.url}: not a SPARQL JSON result ({type(exc).__name__}: {exc})"
        ) from None


def _is_iri(value: str) -> bool:
    try:
        NamedNode(value)
    except ValueError:
        return False
    return True


def _pull_sparql(source: Source, state: dict[str, Any], fetcher: Fetcher) -> Pulled:
    from kg.factcheck.claimreview import reviews_from_rdf

    rows = source.page_rows or SPARQL_PAGE_ROWS
    after = state.get("after")
    seen: set[str] = set()
    pulled = Pulled(state=dict(state))
    accept = {"Accept": "application/sparql-results+json"}
    offset = 0
    while True:
        query = _sparql_page(after, rows, offset)
        page = fetcher.post_form(source.url, {"query": query}, headers=accept)
        found = _sparql_rows(page, fetcher)
        for i in range(0, len(found), SPARQL_DESCRIBE_CHUNK):
            chunk = found[i : i + SPARQL_DESCRIBE_CHUNK]
            answer = fetcher.post_form(
                source.url,
                {"query": _sparql_describe([r for r, _ in chunk])},
                headers={"Accept": "application/n-triples"},
            )
            try:
                read = reviews_from_rdf(answer.body, "nt")
            except InputError as exc:
                raise fetcher.fail(f"{answer.url}: {exc}") from None
            got = {r.url for r in read.reviews}
            if len(read.reviews) + len(read.skipped) < len(chunk) and not got:
                raise fetcher.fail(f"{answer.url}: the CONSTRUCT answer holds none of the reviews")
            pulled.reviews.extend(read.reviews)
            pulled.skipped.extend(read.skipped)
        seen.update(d for _, d in found if d)
        if len(found) < rows:
            break
        offset += rows
        cost = 1 + math.ceil(rows / SPARQL_DESCRIBE_CHUNK)
        if fetcher.requests + cost > fetcher.limits.max_requests:
            # Resume next time after the last date read whole (the page may have stopped
            # inside one date's reviews).
            whole = [d for d in seen if d < max(seen)] if seen else []
            pulled.skipped.append(
                f"stopped after {offset} reviews (the request limit); the next sync goes on"
            )
            pulled.partial = True
            if whole:
                pulled.state["after"] = max(whole)
            return pulled
    if seen:
        pulled.state["after"] = max([*seen, *([after] if after else [])])
    return pulled
