"""`rmis stay` commands: the lawful-stay engine on a traveller's stays from a CSV file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rmis.stay import Evaluation, RuleSchedule

# The stay engine, the rules table and rich are imported inside the command, so that `rmis`
# starts without loading them.

app = typer.Typer(no_args_is_help=True, help="Lawful stay: days used, days left, overstays.")

BAD_INPUT = 2


class _BadInput(Exception):
    pass


@app.command()
def check(
    stays: Annotated[
        Path,
        typer.Option(
            "--stays",
            help="CSV file with header `entry,exit` (ISO dates; empty exit while present).",
            dir_okay=False,
        ),
    ],
    on: Annotated[
        str | None, typer.Option("--on", help="Day to evaluate, YYYY-MM-DD (default: today).")
    ] = None,
    window_days: Annotated[
        int | None,
        typer.Option(
            "--window-days", min=1, help="Rolling window W: at most --max-days in any W days."
        ),
    ] = None,
    max_days: Annotated[
        int | None, typer.Option("--max-days", min=0, help="Days allowed in the window (M).")
    ] = None,
    max_days_per_stay: Annotated[
        int | None,
        typer.Option(
            "--max-days-per-stay", min=0, help="Days allowed per stay, counted from entry (S)."
        ),
    ] = None,
    host: Annotated[
        str | None,
        typer.Option(
            "--host", help="Host state (ICAO code): use the rules table instead of window flags."
        ),
    ] = None,
    nationality: Annotated[
        str | None,
        typer.Option("--nationality", help="Traveller's nationality (ICAO code), with --host."),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules",
            envvar="RMIS_STAY_RULES",
            dir_okay=False,
            help="A state's own stay-rules TOML; its hosts replace the built-in rules.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """How many days a traveller has used, has left, and until when they may stay.

    Either --window-days and --max-days (and --max-days-per-stay), or --host and --nationality.

    --host uses the rules table; a state's own file comes from --rules or RMIS_STAY_RULES.

    Already over the limit on --on: latest_legal_exit is the last lawful day (before --on).

    Not present on --on: the figures assume an entry on --on. Bad input exits with code 2.
    """
    try:
        day = _parse_day(on)
        schedule = _schedule(
            window_days,
            max_days,
            max_days_per_stay,
            host,
            nationality,
            rules,
            window_given=window_days is not None
            or max_days is not None
            or max_days_per_stay is not None,
        )
        from rmis.stay import Timeline

        timeline = Timeline(stays=_read_stays(stays))
    except _BadInput as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(BAD_INPUT) from None
    from rmis.stay import evaluate

    result = evaluate(timeline, schedule, day)
    if as_json:
        typer.echo(json.dumps(_as_dict(result), ensure_ascii=False))
    else:
        _render(result)


def _parse_day(text: str | None) -> date:
    if text is None:
        return date.today()  # the edge may read the clock; the engine never does
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _BadInput(f"--on: cannot read date `{text}` (expected YYYY-MM-DD)") from None


def _schedule(
    window_days: int | None,
    max_days: int | None,
    per_stay: int | None,
    host: str | None,
    nationality: str | None,
    rules: Path | None,
    window_given: bool,
) -> RuleSchedule:
    from rmis.reference.stay_rules import StayRulesError, load_stay_rules
    from rmis.stay import RuleSchedule, StayRule

    table_given = host is not None or nationality is not None
    if window_given and table_given:
        raise _BadInput("give either --window-days/--max-days or --host/--nationality, not both")
    if not window_given and not table_given:
        raise _BadInput("give either --window-days and --max-days, or --host and --nationality")
    if window_given:
        if window_days is None or max_days is None:
            raise _BadInput("--window-days and --max-days go together")
        return RuleSchedule.single(StayRule.rolling(window_days, max_days, per_stay))
    if host is None or nationality is None:
        raise _BadInput("--host and --nationality go together")
    from rmis.reference.countries import code_problem  # here: reads the ISO table

    for flag, code in (("--host", host), ("--nationality", nationality)):
        problem = code_problem(flag, code.strip().upper().rstrip("<"))
        if problem is not None:
            raise _BadInput(f"{problem[1]} (e.g. KAZ, UZB)")
    try:
        table = load_stay_rules(rules)
    except StayRulesError as exc:
        raise _BadInput(str(exc)) from None
    if host.strip().upper() not in table.hosts():
        known = ", ".join(sorted(table.hosts()))
        raise _BadInput(f"--host: no stay rules for `{host}` (rules exist for {known})")
    return table.schedule(host, nationality)


def _read_stays(path: Path) -> tuple:
    from rmis.stay import StaysFileError, parse_stays_csv

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise _BadInput(f"--stays: file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _BadInput(f"--stays: cannot read {path}: {exc}") from None
    try:
        return parse_stays_csv(text)
    except StaysFileError as exc:
        raise _BadInput(f"{path}: {exc}") from None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _as_dict(ev: Evaluation) -> dict[str, Any]:
    rule = ev.rule
    return {
        "days_used": ev.days_used,
        "days_remaining": ev.days_remaining,
        "overstay_days": ev.overstay_days,
        "latest_legal_exit": _iso(ev.latest_legal_exit),
        "on": ev.on.isoformat(),
        "present": ev.present,
        "status": ev.status.kind.value,
        "status_days": ev.status.days,
        "status_text": str(ev.status),
        "registration_due": _iso(ev.registration_due),
        "rule": None
        if rule is None
        else {
            "host": rule.host or None,
            "applies_to": rule.applies_to or None,
            "regime": rule.regime.value,
            "window": rule.window.value if rule.window else None,
            "max_days": rule.max_days,
            "window_days": rule.window_days,
            "max_days_per_stay": rule.max_days_per_stay,
            "source": rule.source or None,
        },
        "trail": list(ev.trail),
    }


def _render(ev: Evaluation) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    colour = {
        "lawful": "green",
        "covered_by_permit": "green",
        "undetermined": "yellow",
        "registration_overdue": "yellow",
    }.get(ev.status.kind.value, "red")
    table = Table(title=f"Stay on {ev.on}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    table.add_row("status", f"[{colour}]{ev.status}[/{colour}]")
    table.add_row("days used", _show(ev.days_used))
    table.add_row("days remaining", _show(ev.days_remaining))
    table.add_row("overstay days", str(ev.overstay_days))
    table.add_row("latest legal exit", _show(ev.latest_legal_exit))
    table.add_row("registration due", _show(ev.registration_due))
    console.print(table)
    for line in ev.trail:
        console.print(f"• {line}", highlight=False)


def _show(value: object) -> str:
    return "—" if value is None else str(value)
