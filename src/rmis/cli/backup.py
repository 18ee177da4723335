"""`rmis backup` and `rmis restore`: the record, the warehouse and every key, together.

A restore checks every file against the backup's manifest first, then verifies the audit chain
of what it restored (exit 1 when it does not hold)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _paths():
    from rmis.security.backup import Paths
    from rmis.settings import Settings

    s = Settings.from_env()
    return Paths(
        database_url=s.database_url,
        warehouse=s.data_dir / "warehouse",
        files={
            "warehouse.key": s.warehouse_key_file,
            "audit.key": s.audit_key_file,
            "audit.checkpoint": s.audit_checkpoint_file,
        },
        directories={"exchange": s.data_dir / "exchange"},
    ), s


def backup(
    destination: Annotated[Path, typer.Argument(help="A new, empty directory for the backup")],
) -> None:
    """Back up the record (consistently, while in use), the warehouse and every key. The
    backup holds the keys: keep it as you keep them."""
    from rmis.security.backup import BackupError
    from rmis.security.backup import backup as make
    from rmis.settings import utc_now

    paths, _ = _paths()
    try:
        manifest = make(paths, destination, utc_now())
    except BackupError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"backed up {len(manifest['files'])} files to {destination}")


def restore(
    source: Annotated[Path, typer.Argument(help="A directory made by rmis backup")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite the record that is there")
    ] = False,
) -> None:
    """Restore a backup whole (every file checked first), then verify its audit chain."""
    from rmis.security import load_keys, verify_audit
    from rmis.security.backup import BackupError
    from rmis.security.backup import restore as bring_back
    from rmis.store import open_database

    paths, settings = _paths()
    try:
        bring_back(paths, source, replace=replace)
    except BackupError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    engine = open_database(settings.database_url)
    with engine.connect() as connection:
        verdict = verify_audit(
            connection, load_keys(settings.audit_key_file), settings.audit_checkpoint_file
        )
    if not verdict.whole:
        typer.echo(f"restored, but the audit chain is BROKEN: {verdict.reason}", err=True)
        raise typer.Exit(1)
    typer.echo(f"restored from {source}; audit chain whole ({verdict.linked} links)")
