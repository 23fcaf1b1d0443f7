"""`claimgraph search` and `reindex`: the text index beside the store."""

from __future__ import annotations

import datetime as dt
import json
import time
from enum import StrEnum
from typing import Annotated, Any

import typer

from kg.cli.common import app, current, guarded, open_store, progress_bar
from kg.errors import InputError


class SearchKind(StrEnum):
    claim = "claim"
    article = "article"
    entity = "entity"
    factcheck = "factcheck"


class SearchFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
@guarded
def search(
    text: Annotated[str, typer.Argument(help='Words, "a phrase", a prefix*, -word, OR.')],
    type: Annotated[
        SearchKind | None, typer.Option("--type", help="Only claims, articles, entities…")
    ] = None,
    claimant: Annotated[
        str | None, typer.Option("--claimant", help="Claims by this IRI or name (any case).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Dated on or after YYYY-MM-DD.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Dated on or before.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Hits to show.")] = 20,
    format: Annotated[SearchFormat, typer.Option("--format", help="Output format.")] = (
        SearchFormat.table
    ),
) -> None:
    """Search the text index: claims, articles, entities and fact-checks, best first (BM25)."""

    from kg.search import SearchQuery

    index = _ready_index()
    claimants = None
    if claimant:
        is_iri = claimant.startswith(("http://", "https://"))
        claimants = (claimant,) if is_iri else tuple(index.named(claimant))
    hits = index.search(
        SearchQuery(
            text,
            kind=type.value if type else None,
            claimants=claimants,
            since=_day(since, "--since"),
            until=_day(until, "--until"),
            limit=limit,
        )
    )
    if format is SearchFormat.json:
        typer.echo(json.dumps([h.as_json() for h in hits], indent=2, ensure_ascii=False))
        return
    if not hits:
        typer.echo("no match")
    for h in hits:
        typer.echo(f"{h.kind:<9} {-h.score:6.2f}  {h.iri}\n          {h.plain_snippet()}")


@app.command()
@guarded
def reindex() -> None:
    """Rebuild the search index from the store (claimgraph does it by itself when the index
    is missing, of another store or left mid-write; this forces it)."""

    started = time.perf_counter()
    with open_store() as store, progress_bar("indexing", "documents") as advance:
        assert store.index is not None
        n = store.index.rebuild(store, advance)
        size = store.index.size()
    typer.echo(
        f"indexed {n} documents in {time.perf_counter() - started:.1f} s "
        f"({size / 1e6:.1f} MB at {current().config.beside('.search.sqlite')})"
    )


def _day(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(f"{option} {value!r} is not a date: write it as YYYY-MM-DD") from None


def _ready_index() -> Any:
    """The search index, checked: used as it is when it is whole and of this store (so a
    search reads no store, and works while a server holds it); otherwise rebuilt first."""
    index = current().config.text_index()
    if index is None:
        raise InputError("a store in memory has no search index")
    if index.why_untrusted() is None:
        return index
    with open_store() as store, progress_bar("indexing", "documents") as advance:
        assert store.index is not None
        store.index.ensure(store, advance)
    return index
