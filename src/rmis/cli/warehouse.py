"""`rmis warehouse`: the Parquet warehouse the analyses read."""

from __future__ import annotations

from functools import partial

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("sync")
def sync() -> None:
    """Export what is new in the registry (and corrections) into RMIS_DATA_DIR/warehouse.
    Safe to run at any time and again: an interrupted sync leaves the last good state.
    Holder keys are keyed with the secret in RMIS_WAREHOUSE_KEY_FILE (made on first use).
    The pre-aggregates the analyses read (flows, stays, movement features) are brought up to
    date for what changed."""
    from rich.console import Console

    from rmis.cli.context import open_registry
    from rmis.settings import Settings, utc_now
    from rmis.warehouse import PseudonymKeyError, load_or_create_key, sync_warehouse

    settings = Settings.from_env()
    root = settings.data_dir / "warehouse"
    console = Console(stderr=True)
    try:
        key = load_or_create_key(settings.warehouse_key_file)
    except PseudonymKeyError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error
    from rmis.analytics import summarise  # the pre-aggregates the analyses read
    from rmis.reference.stay_rules import load_stay_rules

    # The overstays among them are judged by the state's own stay rules.
    summariser = partial(summarise, rules=load_stay_rules(settings.stay_rules))
    summary = sync_warehouse(open_registry(), root, utc_now(), key=key, summarise=summariser)
    console.print(
        f"{summary.exported} crossings exported, {summary.rewritten} partitions rewritten for "
        f"corrections, {summary.merged} merged; last seq {summary.last_seq}"
        + (f", {summary.open_holes} earlier seqs awaited" if summary.open_holes else "")
        + (", documents written again under the current key" if summary.rekeyed else "")
        + (f", {summary.relinked} documents whose person changed" if summary.relinked else "")
        + (", written again whole (made by an earlier version)" if summary.upgraded else "")
        + f" -> {root}"
    )
