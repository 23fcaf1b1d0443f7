"""`claimgraph ontology check|docs`: the ontology's soundness and its documentation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import guarded, ontology_app
from kg.errors import OntologyError


@ontology_app.command("check")
@guarded
def ontology_check() -> None:
    """Load the ontology with owlready2, classify it with HermiT; fail if inconsistent."""
    from kg.graph.ontology import check

    result = check()
    if not result.consistent:
        raise OntologyError("the ontology is inconsistent (HermiT)")
    if result.unsatisfiable:
        raise OntologyError("unsatisfiable classes: " + ", ".join(result.unsatisfiable))
    typer.echo(
        f"consistent (HermiT, {result.seconds:.1f} s): {result.n_classes} classes, "
        f"{result.n_properties} properties, {result.n_individuals} individuals"
    )


@ontology_app.command("docs")
@guarded
def ontology_docs(
    out: Annotated[Path, typer.Argument(help="Directory to write the HTML documentation to.")],
) -> None:
    """Write the ontology's HTML documentation (and the Turtle beside it)."""
    from kg.graph.ontology import write_docs

    for p in write_docs(out):
        typer.echo(str(p))
