"""Fact-checking databases as configuration: which sources to keep in sync, and where each
sync left off.

A source is a name and what to ask: a publisher's ClaimReview DataFeed, a page with
ClaimReview markup (or a sitemap of such pages), a Google Fact Check Tools query, or a
SPARQL endpoint in ClaimsKG's model. Sources and their sync state (ETags, Last-Modified
dates, the last successful sync) are the store's own configuration, not data: they live in
one JSON file beside the store (`<store>.factcheck-sources.json`; for a SPARQL server as the
store, beside the `--store` directory, one file per endpoint), never in the graph, so that an
export or a query never shows them.

No secret is ever written here: a Fact Check Tools source records the *name* of the
environment variable that holds its API key, and the key is read from the environment at
sync time only.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kg.errors import InputError, SourceError

SOURCES_SUFFIX = ".factcheck-sources.json"
FORMAT = "claimgraph-factcheck-sources/1"
FACT_CHECK_TOOLS_URL = "https://factchecktools.googleapis.com/v1alpha1/claims:search"
# Rows a SPARQL source asks for per page: under every usual server cap (Virtuoso's default
# ResultSetMaxRows is 10,000) with room to spare.
SPARQL_PAGE_ROWS = 500
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}\Z")
_ENV = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}\Z")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")


class SourceKind(StrEnum):
    DATAFEED = "datafeed"
    PAGE = "page"
    FACT_CHECK_TOOLS = "fact-check-tools"
    SPARQL = "sparql"


@dataclass(frozen=True)
class Source:
    """One fact-checking database to keep in sync; build it with `new_source`."""

    name: str
    kind: SourceKind
    url: str
    key_env: str | None = None  # Fact Check Tools: the variable holding the API key
    query: str | None = None
    publisher: str | None = None  # Fact Check Tools' reviewPublisherSiteFilter
    language: str | None = None
    page_rows: int | None = None  # SPARQL: rows per page

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and k != "name"}

    @classmethod
    def from_json(cls, name: str, data: Mapping[str, Any]) -> Source:
        try:
            return new_source(
                name,
                SourceKind(data["kind"]),
                data.get("url"),
                key_env=data.get("key_env"),
                query=data.get("query"),
                publisher=data.get("publisher"),
                language=data.get("language"),
                page_rows=data.get("page_rows"),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise InputError(f"the fact-check source {name!r} is not readable: {exc}") from None

    def describe(self) -> str:
        """One line for `source list`: what is asked, and where."""
        if self.kind is SourceKind.FACT_CHECK_TOOLS:
            asked = [f"query={self.query!r}"] if self.query else []
            asked += [f"publisher={self.publisher}"] if self.publisher else []
            asked += [f"language={self.language}"] if self.language else []
            return f"{self.url} {' '.join(asked)} (key from ${self.key_env})"
        if self.kind is SourceKind.SPARQL:
            return f"{self.url} ({self.page_rows or SPARQL_PAGE_ROWS} rows a page)"
        return self.url


def check_url(url: str, what: str = "the URL") -> str:
    """An absolute http(s) URL with a host, or an InputError saying what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(f"{what} {url!r} is not an http:// or https:// URL")
    if not parts.hostname:
        raise InputError(f"{what} {url!r} names no host")
    if parts.username or parts.password:
        raise InputError(f"{what} must not carry credentials (user:password@)")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        raise InputError(f"{what} {url!r} has an invalid port") from None
    return url


def new_source(
    name: str,
    kind: SourceKind,
    url: str | None,
    *,
    key_env: str | None = None,
    query: str | None = None,
    publisher: str | None = None,
    language: str | None = None,
    page_rows: int | None = None,
) -> Source:
    """A checked source: each kind with what it needs and nothing it does not use."""
    if not _NAME.match(name):
        raise InputError(
            f"the source name {name!r} must be 1 to 63 lower-case letters, digits, '.', '_' "
            "or '-', starting with a letter or digit"
        )
    if kind is SourceKind.FACT_CHECK_TOOLS:
        url = url or FACT_CHECK_TOOLS_URL
        if not key_env:
            raise InputError(
                "a Fact Check Tools source needs --key-env VAR: the environment variable "
                "that holds the API key (the key itself is never stored)"
            )
        if not _ENV.match(key_env):
            raise InputError(f"--key-env {key_env!r} is not an environment variable name")
        if not (query or publisher):
            raise InputError("a Fact Check Tools source needs --query or --publisher")
        if language is not None and not _LANGUAGE.match(language):
            raise InputError(f"--language {language!r} is not a language code (en, pt-BR)")
    else:
        extras = {"--key-env": key_env, "--query": query, "--publisher": publisher}
        extras["--language"] = language
        given = [flag for flag, value in extras.items() if value is not None]
        if given:
            raise InputError(f"{', '.join(given)} only apply to --fact-check-tools")
        if url is None:
            raise InputError(f"a {kind} source needs a URL")
    if page_rows is not None and kind is not SourceKind.SPARQL:
        raise InputError("--page-rows only applies to --sparql")
    if page_rows is not None and not 1 <= page_rows <= 10_000:
        raise InputError("--page-rows must be between 1 and 10000")
    return Source(
        name=name,
        kind=kind,
        url=check_url(url, "the source URL"),
        key_env=key_env,
        query=query,
        publisher=publisher,
        language=language,
        page_rows=page_rows,
    )


@dataclass
class Book:
    """What the file holds: the sources by name, and each one's sync state."""

    sources: dict[str, Source] = field(default_factory=dict)
    state: dict[str, dict[str, Any]] = field(default_factory=dict)


class SourceBook:
    """The sources file: read whole, changed under a lock, written atomically (a new file
    renamed over the old), so a crash or a second claimgraph never leaves half a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Book:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Book()
        except OSError as exc:
            raise InputError(f"cannot read the fact-check sources {self.path}: {exc}") from None
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise InputError(
                f"the fact-check sources file {self.path} is not JSON ({exc}): fix or remove it"
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InputError(f"{self.path} is not a claimgraph fact-check sources file ({FORMAT})")
        sources = data.get("sources") or {}
        state = data.get("state") or {}
        if not isinstance(sources, dict) or not isinstance(state, dict):
            raise InputError(f"{self.path}: `sources` and `state` must be objects")
        return Book(
            sources={n: Source.from_json(n, s) for n, s in sorted(sources.items())},
            state={n: dict(s) for n, s in state.items() if n in sources and isinstance(s, dict)},
        )

    def sources(self) -> list[Source]:
        return list(self.read().sources.values())

    def select(self, names: list[str] | None) -> list[Source]:
        """The sources named (all of them when none is), or an error naming the unknown."""
        book = self.read()
        if not names:
            return list(book.sources.values())
        unknown = [n for n in names if n not in book.sources]
        if unknown:
            known = ", ".join(book.sources) or "none yet: add one with `factcheck source add`"
            raise InputError(f"no fact-check source named {', '.join(unknown)} (sources: {known})")
        return [book.sources[n] for n in dict.fromkeys(names)]

    def add(self, source: Source) -> None:
        with self._changing() as book:
            if source.name in book.sources:
                raise InputError(
                    f"a fact-check source named {source.name!r} exists: remove it first"
                )
            book.sources[source.name] = source

    def remove(self, name: str) -> Source:
        with self._changing() as book:
            if name not in book.sources:
                raise InputError(f"no fact-check source named {name!r}")
            book.state.pop(name, None)
            return book.sources.pop(name)

    def state(self, name: str) -> dict[str, Any]:
        return dict(self.read().state.get(name, {}))

    def save_state(self, name: str, state: Mapping[str, Any]) -> None:
        """Record where a source's sync left off (a source removed meanwhile stays removed)."""
        with self._changing() as book:
            if name in book.sources:
                book.state[name] = dict(state)

    @contextlib.contextmanager
    def syncing(self) -> Iterator[None]:
        """Held while a sync runs: one sync at a time per store, across processes (the CLI
        and a server's scheduled sync)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{self.path}.sync-lock", "a+b") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise SourceError(
                    "another fact-check sync of this store is running: wait for it to end"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _changing(self) -> Iterator[Book]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = open(f"{self.path}.lock", "a+b")  # noqa: SIM115 - held across the yield
        except OSError as exc:
            raise InputError(
                f"cannot write the fact-check sources beside the store: {exc}"
            ) from None
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            book = self.read()
            yield book
            self._write(book)

    def _write(self, book: Book) -> None:
        data = {
            "format": FORMAT,
            "sources": {n: s.to_json() for n, s in sorted(book.sources.items())},
            "state": {n: book.state[n] for n in sorted(book.state) if n in book.sources},
        }
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)
            raise InputError(f"cannot write the fact-check sources {self.path}: {exc}") from None
