"""The only HTTP client that reaches outside on claimgraph's behalf: a sync's, and safe by
construction.

A `Fetcher` is made for one source and contacts only the hosts that source's configuration
names (host and port). Every request, and every redirect, is checked before a connection is
opened:

* the scheme is http or https;
* the host and port are the configured ones (a redirect to another host is refused);
* the host's addresses are resolved here, and a private, loopback, link-local or otherwise
  non-public address is refused unless the configuration names it: an IP literal in the URL
  names its address, `localhost` names the loopback ones. A public name that resolves to
  10.0.0.5 (an attacker's DNS, a rebinding trick) is refused;
* the connection goes to the address that was checked (the URL's host is kept for the
  `Host` header and for TLS: SNI and certificate checks), so a second DNS answer cannot
  swap it.

Each answer is bounded in size (counted after decompression, so a gzip bomb stops at the
cap) and in time (a deadline for the whole body, not only between bytes), and each source
in requests. Secrets (an API key) travel in headers, never in a URL, and every message this
module writes passes `redact`, so a key never reaches an error, a log or the graph.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from kg.errors import SourceError

USER_AGENT = "claimgraph-factcheck-sync (+https://claimgraph.org/)"
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Limits:
    """What one source's sync may cost."""

    max_bytes: int = 32 * 1024 * 1024  # one answer, decompressed
    timeout: float = 30.0  # seconds for one answer, the whole body included
    max_requests: int = 200  # requests per source per sync (pages, API pages, redirects)
    max_redirects: int = 5


@dataclass(frozen=True)
class Fetched:
    """An answer: 200 with its body, or 304 (not modified) without one."""

    url: str  # after redirects
    status: int
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _port(scheme: str, port: int | None) -> int:
    return port if port is not None else 443 if scheme == "https" else 80


def _origin(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), _port(parts.scheme, parts.port)


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _public(address.ipv4_mapped)
    return address.is_global and not address.is_multicast


def _addresses(host: str, port: int) -> list[str]:
    """The host's addresses, as the system resolver gives them."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]).split("%")[0] for info in infos]


class Fetcher:
    """GET and form POST to the configured hosts only, under `limits`; counts what it did.

    `allowed` are the URLs the source's configuration names; `secrets` are strings (an API
    key) that no message may show.
    """

    def __init__(
        self,
        allowed: Iterable[str],
        limits: Limits | None = None,
        *,
        secrets: Sequence[str] = (),
        resolve: Callable[[str, int], list[str]] | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self._resolve = resolve or _addresses
        self._origins = {_origin(u) for u in allowed}
        self._secrets = [s for s in secrets if s]
        self.requests = 0  # requests sent
        self.bodies = 0  # 200 answers read
        self.not_modified = 0  # 304 answers
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.limits.timeout, connect=min(10.0, self.limits.timeout)),
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: only the configured hosts
            headers={"User-Agent": USER_AGENT},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_secret(self, secret: str) -> None:
        """A string (an API key read at sync time) that no message may show from now on."""
        if secret:
            self._secrets.append(secret)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[secret]")
        return text

    def fail(self, message: str) -> SourceError:
        return SourceError(self.redact(message))

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fetched:
        if params:
            url = str(httpx.URL(url, params=dict(params)))
        return self._send("GET", url, headers or {}, None)

    def post_form(
        self, url: str, form: Mapping[str, str], *, headers: Mapping[str, str] | None = None
    ) -> Fetched:
        return self._send("POST", url, headers or {}, dict(form))

    # -- the checks, then the request ----------------------------------------------------

    def check(self, url: str) -> tuple[str, ipaddress.IPv4Address | ipaddress.IPv6Address]:
        """The URL's host and the address to connect to, or a SourceError saying why not."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise self.fail(f"{url}: refused, not an http or https URL")
        host, port = _origin(url)
        if (host, port) not in self._origins:
            raise self.fail(
                f"{url}: refused, {host}:{port} is not a host this source's configuration names"
            )
        named = _literal(host)
        if named is not None:
            return host, named
        try:
            addresses = [ipaddress.ip_address(a) for a in self._resolve(host, port)]
        except (OSError, UnicodeError, ValueError) as exc:
            raise self.fail(f"{url}: cannot resolve {host} ({exc})") from None
        for address in addresses:
            local = host == "localhost" and address.is_loopback
            if not (_public(address) or local):
                raise self.fail(
                    f"{url}: refused, {host} resolves to {address}, a private or local address "
                    "the configuration does not name (name the address itself to allow it)"
                )
        if not addresses:
            raise self.fail(f"{url}: {host} has no address")
        return host, addresses[0]

    def _send(
        self, method: str, url: str, headers: Mapping[str, str], form: dict[str, str] | None
    ) -> Fetched:
        for _ in range(self.limits.max_redirects + 1):
            if self.requests >= self.limits.max_requests:
                raise self.fail(
                    f"{url}: not requested, the source reached its limit of "
                    f"{self.limits.max_requests} requests in one sync"
                )
            host, address = self.check(url)
            self.requests += 1
            parts = urlsplit(url)
            where = f"[{address}]" if address.version == 6 else str(address)
            if parts.port is not None:
                where += f":{parts.port}"
            pinned = urlunsplit((parts.scheme, where, parts.path or "/", parts.query, ""))
            sent = {"Host": parts.netloc.rpartition("@")[2], **headers}
            extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
            answer = self._exchange(method, url, pinned, sent, form, extensions)
            if isinstance(answer, Fetched):
                return answer
            url = answer  # a redirect, checked on the next turn
            if method == "POST":
                method, form = "GET", None
        raise self.fail(f"{url}: more than {self.limits.max_redirects} redirects")

    def _exchange(
        self,
        method: str,
        url: str,
        pinned: str,
        headers: Mapping[str, str],
        form: dict[str, str] | None,
        extensions: dict[str, str],
    ) -> Fetched | str:
        limits = self.limits
        deadline = time.monotonic() + limits.timeout
        request = self._client.build_request(
            method, pinned, headers=headers, data=form, extensions=extensions
        )
        try:
            response = self._client.send(request, stream=True)
        except httpx.TimeoutException:
            raise self.fail(f"{url}: no answer within {limits.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise self.fail(f"{url}: the request failed ({type(exc).__name__}: {exc})") from None
        try:
            status = response.status_code
            if status in REDIRECTS:
                target = response.headers.get("location")
                if not target:
                    raise self.fail(f"{url}: a redirect ({status}) without a Location")
                return urljoin(url, target)
            if status == 304:
                self.not_modified += 1
                return self._fetched(url, response, b"")
            if status != 200:
                raise self.fail(f"{url}: the server answered {status} {response.reason_phrase}")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                raise self.fail(
                    f"{url}: refused, the answer is {int(declared):,} bytes, over the limit of "
                    f"{limits.max_bytes:,}"
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limits.max_bytes:
                    raise self.fail(
                        f"{url}: refused, the answer passed the limit of {limits.max_bytes:,} bytes"
                    )
                if time.monotonic() > deadline:
                    raise self.fail(f"{url}: the answer took longer than {limits.timeout:g} s")
                chunks.append(chunk)
            self.bodies += 1
            return self._fetched(url, response, b"".join(chunks))
        except httpx.TimeoutException:
            raise self.fail(
                f"{url}: the answer stalled (no data for {limits.timeout:g} s)"
            ) from None
        except httpx.HTTPError as exc:
            raise self.fail(
                f"{url}: the answer was cut short or broken ({type(exc).__name__}: {exc})"
            ) from None
        finally:
            response.close()

    def _fetched(self, url: str, response: httpx.Response, body: bytes) -> Fetched:
        return Fetched(
            url=url,
            status=response.status_code,
            body=body,
            content_type=response.headers.get("content-type", ""),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )
