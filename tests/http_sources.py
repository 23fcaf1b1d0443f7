"""Fact-checking databases on loopback, speaking their protocols as documented, for the sync
tests: a publisher's site (DataFeeds and pages with ETag / Last-Modified and 304, a sitemap,
and the faults a real site shows) and a Google Fact Check Tools-shaped `claims:search` API
(an API key checked, `pageSize` / `pageToken` paging, `maxAgeDays`). Each counts the
requests it took and the bodies it sent, so a test can tell that nothing was fetched twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Handler = Callable[[BaseHTTPRequestHandler], None]


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.owner.handle(self)

    def do_POST(self) -> None:
        self.server.owner.handle(self)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: Loopback

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (the timeout and size tests) is no server error


class Loopback:
    """An HTTP server on 127.0.0.1 in a thread; subclasses answer `route(handler)`."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()  # path → requests
        self.bodies: Counter[str] = Counter()  # path → 200 bodies sent
        self.headers_seen: list[dict[str, str]] = []
        self._server = _Server(("127.0.0.1", 0), _Quiet)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.origin + path

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        path = urlsplit(h.path).path
        self.requests[path] += 1
        self.headers_seen.append({k.lower(): v for k, v in h.headers.items()})
        length = int(h.headers.get("content-length") or 0)
        h.body = h.rfile.read(length) if length else b""  # type: ignore[attr-defined]
        self.route(h, path)

    def route(self, h: BaseHTTPRequestHandler, path: str) -> None:
        raise NotImplementedError

    def send(self, h: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k.replace("_", "-"), v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if body and h.command != "HEAD":
            h.wfile.write(body)
        if status == 200:
            self.bodies[urlsplit(h.path).path] += 1

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class Document:
    body: bytes
    content_type: str = "application/ld+json"
    modified: float = field(default_factory=lambda: time.time() - 3600)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class Site(Loopback):
    """A publisher's site: documents by path, with validators and 304s, and faults:
    `slow` (answers after `delay` s), `error` (500), `cut` (promises more bytes than it
    sends), `redirect` (to `target`), `huge` (streams `size` bytes)."""

    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}
        self.faults: dict[str, tuple[str, Any]] = {}
        super().__init__()

    def put(self, path: str, body: bytes | str, content_type: str = "application/ld+json") -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.documents[path] = Document(data, content_type)
        return self.url(path)

    def fault(self, path: str, kind: str, arg: Any = None) -> str:
        self.faults[path] = (kind, arg)
        return self.url(path)

    def route(self, h: BaseHTTPRequestHandler, path: str) -> None:
        if path in self.faults:
            return self._fault(h, path, *self.faults[path])
        doc = self.documents.get(path)
        if doc is None:
            return self.send(h, 404, b"not found", Content_Type="text/plain")
        last_modified = formatdate(doc.modified, usegmt=True)
        if h.headers.get("if-none-match") == doc.etag:
            return self.send(h, 304, b"", ETag=doc.etag, Last_Modified=last_modified)
        since = h.headers.get("if-modified-since")
        if since and not h.headers.get("if-none-match") and since == last_modified:
            return self.send(h, 304, b"", ETag=doc.etag, Last_Modified=last_modified)
        self.send(
            h, 200, doc.body, Content_Type=doc.content_type, ETag=doc.etag,
            Last_Modified=last_modified,
        )  # fmt: skip

    def _fault(self, h: BaseHTTPRequestHandler, path: str, kind: str, arg: Any) -> None:
        if kind == "slow":
            time.sleep(arg)
            return self.send(h, 200, b"{}", Content_Type="application/json")
        if kind == "error":
            return self.send(h, 500, b"internal error", Content_Type="text/plain")
        if kind == "redirect":
            return self.send(h, 302, b"", Location=arg)
        if kind == "cut":
            h.send_response(200)
            h.send_header("Content-Type", "application/ld+json")
            h.send_header("Content-Length", str(len(arg) * 2))
            h.end_headers()
            h.wfile.write(arg)
            h.wfile.flush()
            h.close_connection = True
            return None
        if kind == "huge":
            h.send_response(200)
            h.send_header("Content-Type", "application/ld+json")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            chunk = b"[" + b" " * 65536
            sent = 0
            try:
                while sent < arg:
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                    chunk = b" " * 65536
                h.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            h.close_connection = True
            return None
        raise ValueError(kind)


def claim(n: int, text: str, days_ago: int, rating: str, site: str = "checks.example") -> dict:
    """One `claims[]` entry as Fact Check Tools answers it."""
    reviewed = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    return {
        "text": text,
        "claimant": "Someone",
        "claimReview": [
            {
                "publisher": {"name": "Checks Example", "site": site},
                "url": f"https://{site}/fct/{n}",
                "title": f"Check {n}",
                "reviewDate": reviewed,
                "textualRating": rating,
                "languageCode": "en",
            }
        ],
    }


class FactCheckTools(Loopback):
    """`GET /v1alpha1/claims:search`, as Google documents it: the key (`key` parameter or
    `X-Goog-Api-Key` header) checked, `query` matched in the claim's text,
    `reviewPublisherSiteFilter`, `languageCode`, `maxAgeDays` on the review date,
    `pageSize` with `nextPageToken` / `pageToken`; `{}` when nothing matches."""

    PATH = "/v1alpha1/claims:search"

    def __init__(self, key: str, claims: list[dict]) -> None:
        self.key = key
        self.claims = claims
        self.claims_sent = 0
        super().__init__()

    @property
    def endpoint(self) -> str:
        return self.url(self.PATH)

    def route(self, h: BaseHTTPRequestHandler, path: str) -> None:
        if path != self.PATH:
            return self.send(h, 404, b"{}", Content_Type="application/json")
        q = {k: v[0] for k, v in parse_qs(urlsplit(h.path).query).items()}
        if (h.headers.get("x-goog-api-key") or q.get("key")) != self.key:
            error = {"error": {"code": 403, "message": "The request is missing a valid API key."}}
            return self.send(h, 403, json.dumps(error).encode(), Content_Type="application/json")
        found = [c for c in self.claims if _matches(c, q)]
        size = int(q.get("pageSize", "10"))
        start = int(q.get("pageToken", "0"))
        page = found[start : start + size]
        self.claims_sent += len(page)
        answer: dict[str, Any] = {"claims": page} if page else {}
        if start + size < len(found):
            answer["nextPageToken"] = str(start + size)
        self.send(h, 200, json.dumps(answer).encode(), Content_Type="application/json")


def _matches(c: dict, q: dict[str, str]) -> bool:
    review = c["claimReview"][0]
    if "query" in q and q["query"].lower() not in c["text"].lower():
        return False
    if (
        "reviewPublisherSiteFilter" in q
        and review["publisher"]["site"] != q["reviewPublisherSiteFilter"]
    ):
        return False
    if "languageCode" in q and review["languageCode"] != q["languageCode"]:
        return False
    if "maxAgeDays" in q:
        when = dt.datetime.strptime(review["reviewDate"], "%Y-%m-%dT%H:%M:%SZ")
        oldest = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(
            days=int(q["maxAgeDays"])
        )
        return when >= oldest
    return True


def datafeed(reviews: list[dict]) -> str:
    return json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "DataFeed",
            "dataFeedElement": [{"@type": "DataFeedItem", "item": r} for r in reviews],
        }
    )


def review(n: int, text: str, rating: str = "False", site: str = "desk.example") -> dict:
    return {
        "@type": "ClaimReview",
        "url": f"https://{site}/checks/{n}",
        "claimReviewed": text,
        "datePublished": "2026-06-10",
        "author": {"@type": "Organization", "name": "Desk Example"},
        "reviewRating": {"@type": "Rating", "alternateName": rating},
    }


CK = "http://data.gesis.org/claimskg/"


def claimskg_turtle(records: list[tuple[str, str, str, str]]) -> str:
    """Reviews in ClaimsKG's RDF model: (key, claim text, date, normalised verdict)."""
    out = [
        "@prefix schema: <http://schema.org/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        f'<{CK}organization/claimskg> a schema:Organization ; schema:name "ClaimsKG" .',
        f'<{CK}organization/tideline> a schema:Organization ; schema:name "tideline"@en .',
    ]
    values = {"FALSE": 1, "MIXTURE": 2, "TRUE": 3, "OTHER": -1}
    for verdict, value in values.items():
        out.append(
            f"<{CK}rating/normalized/claimskg_{verdict}> a schema:Rating ; "
            f'schema:alternateName "{verdict}"@en ; schema:ratingValue {value} ; '
            f"schema:author <{CK}organization/claimskg> ."
        )
    for key, text, date, verdict in records:
        out.append(
            f"<{CK}claim_review/{key}> a schema:ClaimReview ; "
            f"schema:author <{CK}organization/tideline> ; "
            f'schema:datePublished "{date}"^^xsd:date ; '
            f"schema:itemReviewed <{CK}creative_work/{key}> ; "
            f"schema:reviewRating <{CK}rating/normalized/claimskg_{verdict}> ; "
            f"schema:url <https://tideline.example/checks/{key}/> ."
        )
        out.append(
            f"<{CK}creative_work/{key}> a schema:CreativeWork ; "
            f'schema:text {json.dumps(text)}@en ; schema:datePublished "{date}"^^xsd:date .'
        )
    return "\n".join(out) + "\n"
