"""`rmis warehouse`: the Parquet warehouse the analyses read."""

from __future__ import annotations

import typer
from rich.console import Console

from rmis.cli.context import open_registry
from rmis.settings import Settings, utc_now
from rmis.warehouse.sync import sync_warehouse

app = typer.Typer(no_args_is_help=True)


@app.command("sync")
def sync() -> None:
    """Export what is new in the registry (and corrections) into RMIS_DATA_DIR/warehouse.
    Safe to run at any time and again: an interrupted sync leaves the last good state."""
    root = Settings.from_env().data_dir / "warehouse"
    summary = sync_warehouse(open_registry(), root, utc_now())
    Console(stderr=True).print(
        f"{summary.exported} crossings exported, {summary.rewritten} partitions rewritten for "
        f"corrections, {summary.merged} merged; last seq {summary.last_seq}"
        + (f", {summary.open_holes} earlier seqs awaited" if summary.open_holes else "")
        + f" -> {root}"
    )
