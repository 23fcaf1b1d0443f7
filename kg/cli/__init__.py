"""The `claimgraph` command: a thin edge over the library.

Each command reads its input, calls one library function and writes the result; every
`ClaimgraphError` becomes one message on stderr and the error's exit code (`common.guarded`).
One module per command group, each named for the library package it drives; importing a
group registers its commands on `app`, in the order `--help` lists them. Each command
imports what it uses when it runs: `--help` and the light commands start in a fraction of a
second, where importing everything (SHACL, the store, spaCy) took seconds.
"""

from __future__ import annotations

# The order is --help's.
# isort: off
from kg.cli import (  # noqa: F401  (each registers its commands)
    extract,
    ingest,
    query,
    search,
    ontology,
    factcheck,
    backup,
    serve,
    demo,
)

# isort: on
from kg.cli.common import app

__all__ = ["app"]
