"""Keyset paging for the listings: opaque `after=` cursors, and the newest-first date walk.

Why not ORDER BY … LIMIT … OFFSET alone: the engines evaluate every row of a listing (with
all its OPTIONAL details) and sort them before taking a page, so a page cost what the whole
listing cost: 8.6 s for `/claims?limit=20` at 10,000 articles (bench/LISTINGS.md). Here a
page's *keys* are found first, with only the patterns the order needs, and the routes join
the details for the page's keys alone.

The date-ordered listings (claims, articles, quantities, fact-checks) walk the distinct
publication dates newest first and fetch the keys of a few dates at a time with `VALUES`: a
triple pattern whose object is a constant is an index lookup in Oxigraph (and Virtuoso),
while a range FILTER is not pushed into the index. The keys of a batch are ordered here, in
Python, exactly as `ORDER BY DESC(?date) ?key…` orders them (YYYY-MM-DD xsd:date forms, as
the shapes and the mapping write them, sort as their values; IRIs by code point, which is
how SPARQL orders IRIs), so no server is asked to
sort more than the distinct dates. Undated things come last, as an unbound key sorts first
in SPARQL's ascending order.

A cursor is the last row's sort key, so a deep page costs what the first one costs; `offset`
still works (a documented contract) by skipping keys in the same walk.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import HTTPException, Query

from api.engine import Engine
from api.routes.common import PerGeneration, Row, select, select_capped, v
from kg.graph import queries

After = Annotated[
    str | None,
    Query(
        max_length=4000,
        description="Opaque cursor: the page after the row it names. Take it from a page's "
        "`next` link; deep pages then cost what the first costs. Not with `offset`.",
    ),
]

# A key: the sort values of one row, None where unbound (a date-ordered key starts with the
# date's lexical form).
Key = tuple[str | None, ...]

# Rows of keys fetched per request at most: under every server's cap (Virtuoso's 10,000).
KEY_ROWS = 4000
# A filter that leaves at most this many rows is answered by one query for all of them;
# asking costs up to this many rows when it leaves more (then the dates are walked), so it
# is kept small: at 4,000 the failed ask was most of a frequent entity's 0.47 s page.
SELECTIVE_ROWS = 1000
DATES_PER_FETCH = 256
# The distinct dates are the one scan of every dated thing a page needs (0.07 to 0.1 s at
# 10,000 articles): kept per store generation, as are the undated things.
DATES: PerGeneration[list[str]] = PerGeneration(256)
UNDATED: PerGeneration[list[str] | None] = PerGeneration(16)
UNDATED_PER_QUERY = 500
MAX_DATES_PER_BATCH = 256


# -- cursors ------------------------------------------------------------------------------


def _check(listing: str, payload: bytes) -> str:
    """A checksum that ties a cursor to its listing: a cursor edited by hand, cut short or
    taken from another listing is refused with a 422 rather than read as another position."""
    return hashlib.blake2b(payload, key=listing.encode(), digest_size=6).hexdigest()


def encode_cursor(listing: str, key: Key) -> str:
    payload = json.dumps(list(key), separators=(",", ":"), ensure_ascii=False).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_check(listing, payload)}"


def decode_cursor(listing: str, cursor: str, width: int) -> Key:
    """The key a cursor names; 422 with what to do when it is not one this listing gave."""
    refused = HTTPException(
        422,
        f"`after` is not a cursor of {listing}: pass the `after` of a {listing} page's `next` "
        "link unchanged (or page with `offset`)",
    )
    body, dot, check = cursor.partition(".")
    if not dot:
        raise refused
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        raise refused from None
    if _check(listing, payload) != check:
        raise refused
    try:
        key = json.loads(payload)
    except ValueError:
        raise refused from None
    if (
        not isinstance(key, list)
        or len(key) != width
        or not all(k is None or isinstance(k, str) for k in key)
    ):
        raise refused
    return tuple(key)


def no_offset_with(after: str | None, offset: int) -> None:
    if after is not None and offset:
        raise HTTPException(422, "give `after` (a cursor) or `offset`, not both")


# -- ordering keys here as SPARQL does ----------------------------------------------------


def newest_first(keys: Sequence[Key]) -> list[Key]:
    """`ORDER BY DESC(?date) ?k1 ?k2…` on keys (date, k1, k2…): unbound dates last.

    Two stable sorts (a reversed sort keeps equal items in order): keys ascending, then
    dates descending with the undated after every date.
    """
    by_rest = sorted(keys, key=lambda k: tuple(x or "" for x in k[1:]))
    return sorted(by_rest, key=lambda k: (k[0] is not None, k[0] or ""), reverse=True)


def comes_after(key: Key, cursor: Key) -> bool:
    """Whether `key` sorts after `cursor` in newest-first order."""
    if key[0] != cursor[0]:
        if cursor[0] is None:
            return False
        return key[0] is None or key[0] < cursor[0]
    return tuple(x or "" for x in key[1:]) > tuple(x or "" for x in cursor[1:])


# -- the walk -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DatedListing:
    """What a date-ordered listing needs to walk its keys.

    `keys(pattern)` is a `SELECT DISTINCT ?d <key vars>` whose WHERE holds `pattern`, the
    part that binds `dated` (the dated thing: the claim's article, the review…) and `?d`.
    `walk_keys`, when given, is the same query for the walk over dates: there a filter
    should be a test of each row of the dates' few things (FILTER, EXISTS), not a join from
    the filter's constants, which made Oxigraph start from every claim of a frequent
    entity (0.25 s a batch at 10,000 articles).
    """

    name: str
    dated: str  # the variable of the dated thing, "?a_"
    dated_type: str  # its rdf:type, for the list of dates
    key_vars: tuple[str, ...]  # the key's variables after the date, "c"
    keys: Callable[[str], str]
    walk_keys: Callable[[str], str] | None = None


async def dated_page(
    engine: Engine,
    listing: DatedListing,
    *,
    after: Key | None,
    offset: int,
    want: int,
    selective: bool = False,
    since: str | None = None,
    until: str | None = None,
) -> list[Key]:
    """The `want` keys after `after` (or after `offset` keys), newest first.

    `selective`: a filter may leave few rows (one claimant's claims, a rare word): fetch
    them all in one query and order them here, unless there are more than SELECTIVE_ROWS;
    then walk the dates.
    `since`/`until` (xsd:date lexical forms): only things dated in that range.
    """
    ranged = since is not None or until is not None
    if selective:
        pattern = queries.any_date_pattern(listing.dated, since, until)
        # An offset page needs every key before it: walking to it costs more than the
        # join from the filter's constants, up to KEY_ROWS rows.
        cap = KEY_ROWS if offset else SELECTIVE_ROWS
        rows = await select_capped(engine, listing.keys(pattern), cap)
        if rows is not None:
            return _take(_keys_of(rows, listing), after, offset, want)
    found: list[Key] = []
    skip = offset
    start = until if after is None else after[0] if until is None else min(after[0] or "", until)
    if after is not None and after[0] is None and ranged:
        return []  # past the dated things, and a range admits no undated one
    dates = _dates(engine, listing, start, after is not None, since)
    batch, seen_dates, seen_rows = 1, 0, 0
    while True:
        chosen = await dates.take(batch)
        if not chosen:
            break
        pattern = queries.on_dates_pattern(listing.dated, chosen)
        rows = await select(engine, (listing.walk_keys or listing.keys)(pattern))
        seen_dates += len(chosen)
        seen_rows += len(rows)
        keys = _after(newest_first(_keys_of(rows, listing)), after)
        dropped = min(skip, len(keys))
        skip -= dropped
        found.extend(keys[dropped:])
        if len(found) >= want:
            return found[:want]
        # Size the next batch from the rows per date seen so far: enough dates for what is
        # still wanted, at least twice as many as before (a rare filter), under the cap.
        density = seen_rows / seen_dates
        needed = want - len(found) + skip
        estimate = int(needed / density * 1.5) + 1 if density else batch * 4
        ceiling = max(1, int(KEY_ROWS / density)) if density else MAX_DATES_PER_BATCH
        batch = max(1, min(max(estimate, batch * 2), ceiling, MAX_DATES_PER_BATCH))
    if ranged:
        return found[:want]
    # The undated things, last.
    undated_after = after if after is not None and after[0] is None else None
    rows = []
    things = await _undated(engine, listing)
    if things is None:  # too many to name: one query over them all
        pattern = queries.undated_pattern(listing.dated, listing.dated_type)
        rows = await select(engine, listing.keys(pattern))
    for i in range(0, len(things or ()), UNDATED_PER_QUERY):
        chunk = (things or [])[i : i + UNDATED_PER_QUERY]
        rows += await select(engine, listing.keys(queries.values_of(listing.dated, chunk)))
    keys = _after(newest_first(_keys_of(rows, listing)), undated_after)
    found.extend(keys[skip:])
    return found[:want]


async def dated_iris(
    engine: Engine, listing: DatedListing, *, after: str | None, offset: int, limit: int
) -> tuple[list[str], str | None]:
    """A page of a listing keyed by (date, IRI): its IRIs in order, and the cursor of the
    next page (None on the last)."""
    no_offset_with(after, offset)
    start = decode_cursor(listing.name, after, 2) if after is not None else None
    keys = await dated_page(engine, listing, after=start, offset=offset, want=limit + 1)
    cursor = encode_cursor(listing.name, keys[limit - 1]) if len(keys) > limit else None
    return [k[1] for k in keys[:limit] if k[1] is not None], cursor


async def _undated(engine: Engine, listing: DatedListing) -> list[str] | None:
    """The listing's dated things that have no date (None: more than KEY_ROWS of them).

    Found first and then joined by IRI: the keys query with the no-date test inside took
    4.4 s at 10,000 articles (the engine joined every claim first), this 0.1 s + lookups.
    Kept per store generation, as the dates are.
    """
    x = listing.dated

    async def lookup() -> list[str] | None:
        rows = await select_capped(engine, queries.undated(x, listing.dated_type), KEY_ROWS)
        return None if rows is None else [r[x.lstrip("?")].value for r in rows]

    return await UNDATED.get(engine, (listing.dated_type,), lookup)


def _take(keys: list[Key], after: Key | None, offset: int, want: int) -> list[Key]:
    return _after(newest_first(keys), after)[offset : offset + want]


def _after(keys: list[Key], after: Key | None) -> list[Key]:
    return keys if after is None else [k for k in keys if comes_after(k, after)]


def _keys_of(rows: list[Row], listing: DatedListing) -> list[Key]:
    """Distinct keys, in the order given (a key seen twice is one row of the listing)."""
    keys = {(v(r, "d"), *(v(r, name) for name in listing.key_vars)): None for r in rows}
    return list(keys)


class _Dates:
    """The distinct dates of the listing's dated things, newest first, fetched in chunks."""

    def __init__(
        self, fetch: Callable[[str | None, bool], Awaitable[list[str]]], start: str | None
    ) -> None:
        self._fetch = fetch
        self._pending: list[str] = []
        self._last = start
        self._inclusive = True
        self._done = False

    async def take(self, n: int) -> list[str]:
        while len(self._pending) < n and not self._done:
            chunk = await self._fetch(self._last, self._inclusive)
            self._inclusive = False
            if len(chunk) < DATES_PER_FETCH:
                self._done = True
            if chunk:
                self._last = chunk[-1]
            self._pending.extend(chunk)
        out, self._pending = self._pending[:n], self._pending[n:]
        return out


def _dates(
    engine: Engine, listing: DatedListing, start: str | None, resumed: bool, since: str | None
) -> _Dates:
    """The dates at or before `start` (all of them when neither `start` nor `resumed`), and
    on or after `since`; none when a cursor is already among the undated things."""

    async def fetch(below: str | None, inclusive: bool) -> list[str]:
        if resumed and below is None:
            return []

        async def lookup() -> list[str]:
            rows = await select(
                engine,
                queries.publication_dates(
                    listing.dated_type,
                    since=since,
                    below=below,
                    inclusive=inclusive,
                    limit=DATES_PER_FETCH,
                ),
            )
            return [r["d"].value for r in rows]

        return await DATES.get(engine, (listing.dated_type, below, inclusive, since), lookup)

    return _Dates(fetch, start)
