"""The command line's frame: the `claimgraph` app and its groups, the global options, and
what every command shares (an error as one line, the store, a progress bar).

The global options are one frozen `Globals` that `main` makes before every command and
`current()` returns: no module global that commands change.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from kg import __version__
from kg.errors import (
    ClaimgraphError,
    InputError,
    exit_code,
)
from kg.settings import DEFAULT_BASE_IRI, DEFAULT_STORE

if TYPE_CHECKING:
    from kg.store.graphstore import GraphStore
    from kg.store.opening import StoreConfig
    from kg.store.remote import Endpoints

# Each command imports what it uses when it runs: `--help` and the light commands start in a
# fraction of a second, where importing everything (SHACL, the store, spaCy) took seconds.

app = typer.Typer(
    name="claimgraph",
    help="A claims knowledge graph for the news: who said what, about whom, with which numbers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ontology_app = typer.Typer(help="Check the ontology with HermiT, or write its documentation.")
app.add_typer(ontology_app, name="ontology")
factcheck_app = typer.Typer(help="Published fact-checks: import them, and match claims to them.")
app.add_typer(factcheck_app, name="factcheck")
source_app = typer.Typer(
    help="Fact-checking databases to keep in sync (kept beside the store, never in the graph)."
)
factcheck_app.add_typer(source_app, name="source")


@dataclass(frozen=True)
class Globals:
    """The global options as `main` resolved them, for the command that runs after it."""

    store_path: Path = DEFAULT_STORE
    base: str = DEFAULT_BASE_IRI
    endpoints: Endpoints | None = None

    @property
    def config(self) -> StoreConfig:
        from kg.store.opening import StoreConfig

        return StoreConfig(self.store_path, self.endpoints)

    def beside(self, suffix: str) -> Path:
        """A file kept beside the store: the bulk journal, its failures, the match cache.

        A server's files go under the default store's directory, one name per endpoint.
        """
        return self.config.beside(suffix)

    def embedded_only(self, what: str) -> None:
        """Refuse a command that works on the store's directory when a server holds the graph."""
        if self.endpoints is not None:
            raise InputError(
                f"`{what}` works on the embedded store's directory; with --sparql-endpoint "
                "use the server's own tools for it (oxigraph dump/load, Virtuoso's backup)"
            )


_CURRENT: ContextVar[Globals] = ContextVar("claimgraph_globals", default=Globals())  # noqa: B039  (frozen)


def current() -> Globals:
    """The global options of the command now running: `main` sets them before every command
    (Typer vendors its own Click, so its context stack is not ours to read)."""
    return _CURRENT.get()


P = ParamSpec("P")
T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def guarded(command: Callable[P, T]) -> Callable[P, T]:
    """A command whose `ClaimgraphError` is the user's to fix: shown as one line on stderr,
    with the error's exit code (kg.errors.CODES), never a traceback."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return command(*args, **kwargs)
        except ClaimgraphError as exc:
            raise fail(str(exc), exit_code(exc)) from None

    return run


@contextmanager
def open_store(*, read_only: bool = False) -> Iterator[GraphStore]:
    from kg.store.opening import open_store as _open

    store = _open(current().config, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def progress_bar(what: str, unit: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, shown only on a terminal, with the rate and the time left;
    yields `update(done, total)`."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    started = time.perf_counter()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task(what, total=None, rate="")

        def update(done: int, total: int) -> None:
            rate = done / max(time.perf_counter() - started, 1e-9)
            bar.update(task, completed=done, total=total, rate=f"{rate:.1f} {unit}/s")

        yield update


def _print_version(value: bool) -> None:
    """`--version` alone: eager, so that it answers before Click asks for a command."""
    if value:
        typer.echo(f"claimgraph {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="Directory of the on-disk store "
            f"(default: $CLAIMGRAPH_STORE, else {DEFAULT_STORE}).",
        ),
    ] = None,
    base_iri: Annotated[
        str | None,
        typer.Option(
            "--base-iri",
            help="Base IRI of minted resources "
            f"(default: $CLAIMGRAPH_BASE_IRI, else {DEFAULT_BASE_IRI}).",
        ),
    ] = None,
    sparql_endpoint: Annotated[
        str | None,
        typer.Option(
            "--sparql-endpoint",
            help="Use a SPARQL 1.1 server instead of --store: its query endpoint URL "
            "(default: $CLAIMGRAPH_SPARQL_ENDPOINT).",
        ),
    ] = None,
    update_endpoint: Annotated[
        str | None,
        typer.Option(
            "--update-endpoint",
            help="The server's SPARQL update endpoint "
            "(default: $CLAIMGRAPH_UPDATE_ENDPOINT, else the query endpoint).",
        ),
    ] = None,
    graph_store: Annotated[
        str | None,
        typer.Option(
            "--graph-store",
            help="The server's Graph Store Protocol endpoint, used to read whole graphs "
            "(default: $CLAIMGRAPH_GRAPH_STORE).",
        ),
    ] = None,
    sparql_user: Annotated[
        str | None,
        typer.Option(
            "--sparql-user",
            help="Account on the SPARQL server (HTTP Basic or Digest, as the server asks; "
            "default: $CLAIMGRAPH_SPARQL_USER); the password comes from "
            "CLAIMGRAPH_SPARQL_PASSWORD.",
        ),
    ] = None,
    sparql_timeout: Annotated[
        float | None,
        typer.Option(
            "--sparql-timeout",
            help="Seconds to wait for the SPARQL server's answer "
            "(default: $CLAIMGRAPH_SPARQL_TIMEOUT, else 60).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """claimgraph: extract, validate, store and query the claims of news articles."""
    setting = _settings(
        store=store,
        base_iri=base_iri or None,  # an empty --base-iri falls back, as it always did
        sparql_endpoint=sparql_endpoint,
        update_endpoint=update_endpoint,
        graph_store=graph_store,
        sparql_user=sparql_user,
        sparql_password=None,  # no option: only its variable
        sparql_timeout=sparql_timeout,
    )
    endpoints = None
    if setting["sparql_endpoint"]:
        from kg.store.remote import Endpoints

        endpoints = Endpoints(
            query=setting["sparql_endpoint"],
            update=setting["update_endpoint"],
            graph_store=setting["graph_store"],
            user=setting["sparql_user"],
            password=setting["sparql_password"],
            timeout=setting["sparql_timeout"],
            base=setting["base_iri"],
        )
    elif setting["update_endpoint"] or setting["graph_store"]:
        # 2: what Click answers a usage mistake with.
        raise fail("--update-endpoint and --graph-store need --sparql-endpoint", 2)
    _CURRENT.set(Globals(setting["store"], setting["base_iri"], endpoints))


def _settings(**given: Any) -> dict[str, Any]:
    """Each global option as given, else from its `CLAIMGRAPH_*` variable (kg.settings), else
    its default. The variables are read one by one, and only these: a bad value of one that
    only the server reads (`CLAIMGRAPH_ROW_CAP`) does not stop a command. kg.settings is
    imported here, not at the top, so that `claimgraph --help` does not load pydantic."""
    from kg.settings import Settings

    try:
        return {k: Settings.read(k) if v is None else v for k, v in given.items()}
    except ValueError as exc:
        raise fail(str(exc), exit_code(InputError)) from None
