"""`rmis analytics`: the analyses over the warehouse, as tables, CSV, JSON, Parquet or Excel."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)
