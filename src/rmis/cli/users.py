"""`rmis users`: principals (officers, analysts, machines) and their API tokens."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

app = typer.Typer(no_args_is_help=True)

# The values of rmis.security.Role, spelled out so that building the command does not import the
# security room (and SQLAlchemy with it); tests/cli checks that the two agree.
ROLES = ("border_officer", "supervisor", "analyst", "protection_officer", "admin", "auditor",
         "agency")  # fmt: skip


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
    agency: Annotated[
        str | None,
        typer.Option(help="Role agency: the code of the receiving agency it answers for"),
    ] = None,
) -> None:
    """Create a principal and print its new API token. The token is shown only this once."""
    from rmis.cli.context import open_registry
    from rmis.security import AccountError, Role, create_principal
    from rmis.settings import utc_now

    if agency is not None:
        from rmis.protection import AGENCY_BY_CODE  # the agencies are protection's list

        if agency not in AGENCY_BY_CODE:
            typer.echo(f"error: no agency {agency!r}; agencies: {', '.join(AGENCY_BY_CODE)}",
                       err=True)  # fmt: skip
            raise typer.Exit(2)

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
            agency=agency,
        )
    except AccountError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(token)


By = Annotated[
    str, typer.Option("--by", envvar="RMIS_PRINCIPAL", help="Who does this, for the audit log")
]


def _administer(action, name: str, by: str, **kwargs):
    from rmis.cli.context import open_registry
    from rmis.security import AccountError
    from rmis.settings import utc_now

    try:
        return action(open_registry(), name, now=utc_now(), by=by, **kwargs)
    except AccountError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error


@app.command("disable")
def disable(name: Annotated[str, typer.Argument()], by: By = "rmis users") -> None:
    """Disable a principal: its tokens stop working at once and it cannot log in."""
    from rmis.security import set_disabled

    _administer(set_disabled, name, by, disabled=True)
    typer.echo(f"{name} disabled")


@app.command("enable")
def enable(name: Annotated[str, typer.Argument()], by: By = "rmis users") -> None:
    """Enable a disabled principal again (its revoked tokens stay revoked)."""
    from rmis.security import set_disabled

    _administer(set_disabled, name, by, disabled=False)
    typer.echo(f"{name} enabled")


@app.command("revoke-tokens")
def revoke(name: Annotated[str, typer.Argument()], by: By = "rmis users") -> None:
    """Revoke every live token of a principal: sessions and machine tokens."""
    from rmis.security import revoke_tokens

    count = _administer(revoke_tokens, name, by)
    typer.echo(f"{count} tokens of {name} revoked")


@app.command("unlock")
def unlock(name: Annotated[str, typer.Argument()], by: By = "rmis users") -> None:
    """Lift the lockout that failed logins put on a name."""
    from rmis.security import unlock as lift

    lifted = _administer(lift, name, by)
    typer.echo(f"{name} unlocked" if lifted else f"{name} was not locked")


@app.command("rotate-token")
def rotate(
    name: Annotated[str, typer.Argument()],
    by: By = "rmis users",
    grace_hours: Annotated[
        int, typer.Option(min=0, max=720, help="How long the old tokens still work")
    ] = 24,
) -> None:
    """Print a new machine token; the principal's older tokens expire after the grace period."""
    from datetime import timedelta

    from rmis.security import rotate_token

    token, expires = _administer(rotate_token, name, by, grace=timedelta(hours=grace_hours))
    typer.echo(token)
    typer.echo(f"expires {expires.isoformat()}", err=True)


@app.command("set-password")
def set_password(name: Annotated[str, typer.Argument()], by: By = "rmis users") -> None:
    """Set a principal's password (prompted; at least 12 characters, not a common one)."""
    from rmis.security import set_password as store

    secret = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    _administer(store, name, by, password=secret)
    typer.echo(f"password of {name} set")
