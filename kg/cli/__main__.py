"""`python -m kg.cli`: the `claimgraph` command without its console script."""

from kg.cli import app

app()
