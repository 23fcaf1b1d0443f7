"""`claimgraph demo`: the product at work on the examples (kg.demo), what `make run` shows."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import app, current, guarded, open_store
from kg.cli.factcheck import CacheOpt


@app.command()
@guarded
def demo(
    examples: Annotated[
        Path, typer.Argument(help="The examples directory: articles/, factchecks/, queries/.")
    ] = Path("examples"),
    fact_sheets: Annotated[
        bool,
        typer.Option(
            "--fact-sheets",
            help="Store the hand-written fact sheets instead of extracting, and import no "
            "fact-checks.",
        ),
    ] = False,
    cache: CacheOpt = None,
) -> None:
    """Build the store from the example articles, then run the example queries.

    The extractor reads each article's raw text; the example fact-checks are imported and
    every claim is linked to its best one.
    """
    from kg.demo import run_demo
    from kg.factcheck.links import default_cache

    with open_store() as store:
        run_demo(
            store,
            examples,
            sys.stdout.buffer,
            describe=current().config.describe(),
            base=current().base,
            cache=cache or default_cache(current().beside("")),
            fact_sheets=fact_sheets,
            echo=typer.echo,
        )
