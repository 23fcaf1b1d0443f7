"""`claimgraph backup` and `restore`: the embedded store's checkpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import app, current, guarded


@app.command("backup")
@guarded
def backup_command(
    target: Annotated[Path, typer.Argument(help="A new directory for the backup.")],
) -> None:
    """Write a consistent copy of the store (also while `claimgraph serve` runs)."""
    from kg.store.backup import backup

    current().embedded_only("backup")
    source, quads = backup(current().store_path, target)
    typer.echo(f"backed up {quads} quads from {source} to {target}")


@app.command("restore")
@guarded
def restore_command(
    source: Annotated[Path, typer.Argument(help="A directory written by `claimgraph backup`.")],
) -> None:
    """Replace the store by a backup (the server must be stopped)."""
    from kg.store.backup import restore

    current().embedded_only("restore")
    quads = restore(source, current().store_path)
    typer.echo(f"restored {quads} quads into {current().store_path}")
