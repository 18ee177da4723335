"""`rmis users`: principals (officers, analysts, machines) and their API tokens."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

app = typer.Typer(no_args_is_help=True)

# The values of rmis.security.Role, spelled out so that building the command does not import the
# security room (and SQLAlchemy with it); tests/cli checks that the two agree.
ROLES = ("border_officer", "supervisor", "analyst", "protection_officer", "admin", "auditor")


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Unique login name")],
    role: Annotated[Literal[ROLES], typer.Option(help="What the principal may do")],
    state: Annotated[str, typer.Option(help="Host state (ICAO code) whose records it sees")],
    bcp: Annotated[
        list[str] | None, typer.Option(help="BCP code an officer works at (repeatable)")
    ] = None,
    password: Annotated[
        bool, typer.Option("--password", help="Also set a password for logging in (prompted)")
    ] = False,
) -> None:
    """Create a principal and print its new API token. The token is shown only this once."""
    from rmis.cli.context import open_registry
    from rmis.security import AccountError, Role, create_principal
    from rmis.settings import utc_now

    secret = (
        typer.prompt("Password", hide_input=True, confirmation_prompt=True) if password else None
    )
    try:
        token = create_principal(
            open_registry(),
            name=name,
            role=Role(role),
            state=state.upper(),
            bcp_codes=bcp or [],
            password=secret,
            now=utc_now(),
        )
    except AccountError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(token)
