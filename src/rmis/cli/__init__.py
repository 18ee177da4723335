"""The `rmis` command: one module per command group, each a thin edge over one service."""

import typer

from rmis.cli import demo, mrz, names, stay

app = typer.Typer(
    name="rmis",
    help="Regional Migration Information System for Central Asia.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(mrz.app, name="mrz")
app.add_typer(names.app, name="names")
app.add_typer(stay.app, name="stay")
app.command("demo")(demo.demo)
