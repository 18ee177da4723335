"""`rmis demo`: what rmis does end to end today, on a small fixed scenario, in the terminal."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from rmis.documents import parse
from rmis.names import latin_spellings, similarity
from rmis.reference.stay_rules import load_stay_rules
from rmis.registry.database import open_database
from rmis.registry.reads import document_history, overstays, stay_status
from rmis.security.principals import Principal, Role
from rmis.settings import Settings, utc_now
from rmis.synth.showcase import DEMO_STATE, LOGINS, TRAVELLERS, load_showcase, traveller_mrz

NAME_PAIRS = (
    ("Абдуллаев Нурсултан", "NURSULTAN ABDULLAYEV"),
    ("Юлия Соколова", "IULIIA SOKOLOVA"),
    ("Нұрсұлтан Әбішұлы", "NURSULTAN"),
    ("ALIEV RUSTAM", "ALIMOV RUSLAN"),
)


def demo(
    serve: Annotated[bool, typer.Option(help="Start the API afterwards")] = False,
    port: Annotated[int, typer.Option(help="Port for --serve")] = 8000,
) -> None:
    """Show what rmis can do end to end, on a small scenario stored under RMIS_DATA_DIR."""
    console = Console()
    settings = Settings.from_env()
    now = utc_now()
    today = now.date()
    console.rule("[bold]rmis demo")
    console.print(f"Record: {settings.database_url}")
    with console.status("Opening the record (schema migrated, reference data loaded)..."):
        engine = open_database(settings.database_url)
        loaded = load_showcase(engine, today, now)

    _documents(console, today)
    _names(console)
    _record(console, loaded)
    _stays(console, engine, today, now)
    _logins(console, serve, port)
    if serve:
        import uvicorn

        from rmis.web.app import create_app

        uvicorn.run(create_app(engine, stay_rules=load_stay_rules(settings.stay_rules)),
                    host="127.0.0.1", port=port)  # fmt: skip


def _documents(console: Console, today: date) -> None:
    table = Table(title="Reading travel documents (ICAO 9303 MRZ)", title_justify="left")
    for column in ("MRZ", "valid", "name", "document", "findings"):
        table.add_column(column)
    first = traveller_mrz(TRAVELLERS[0], today)
    slipped = (first[0], first[1][:15] + "O" + first[1][16:])  # OCR read the birth date's 0 as O
    specimen = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                "L898902C36UTO7408122F1204159ZE184226B<<<<<10")  # fmt: skip
    for lines in (first, slipped, specimen):
        mrz = parse(lines, today=today)
        findings = [f"{e.field}: {e.message}" for e in (*mrz.errors, *mrz.warnings)]
        findings += [f"suggest {s.field} {s.original} -> {s.suggested}" for s in mrz.suggestions]
        table.add_row("\n".join(lines), "yes" if mrz.valid else "[red]no",
                      f"{mrz.surname}, {mrz.given_names}",
                      f"{mrz.issuing_state} {mrz.document_number}",
                      "\n".join(findings) or "-")  # fmt: skip
    console.print(table)


def _names(console: Console) -> None:
    spellings = Table(title="One name, many spellings: Юлия", title_justify="left")
    spellings.add_column("spelling")
    spellings.add_column("systems")
    for spelling in latin_spellings("Юлия"):
        spellings.add_row(spelling.text, ", ".join(spelling.systems))
    console.print(spellings)
    pairs = Table(title="Is it the same name?", title_justify="left")
    for column in ("a", "b", "score", "same name"):
        pairs.add_column(column)
    for a, b in NAME_PAIRS:
        match = similarity(a, b)
        pairs.add_row(a, b, f"{match.score:.2f}", "yes" if match.match else "no")
    console.print(pairs)


def _record(console: Console, loaded) -> None:
    table = Table(title="Crossings recorded at Kazakh BCPs", title_justify="left")
    for column in ("traveller", "nationality", "BCP", "crossings", "new this run"):
        table.add_column(column)
    for traveller, new in loaded:
        table.add_row(" ".join(reversed(traveller.national_name)), traveller.state,
                      traveller.bcp, str(len(traveller.crossings_days_ago)), str(new))  # fmt: skip
    console.print(table)


def _stays(console: Console, engine, today: date, now) -> None:
    rules = load_stay_rules(Settings.from_env().stay_rules)
    analyst = Principal("demo.analyst", Role.ANALYST, DEMO_STATE)
    table = Table(title=f"Lawful stay in Kazakhstan on {today}", title_justify="left")
    for column in ("traveller", "status", "days used", "latest lawful exit", "register by"):
        table.add_column(column)
    for traveller in TRAVELLERS:
        traveller_id, _ = document_history(engine, analyst, traveller.state, traveller.number,
                                           purpose="demo", now=now)  # fmt: skip
        e = stay_status(engine, analyst, traveller_id, today, rules, purpose="demo", now=now)
        e = e.evaluation
        table.add_row(" ".join(reversed(traveller.national_name)), str(e.status),
                      "-" if e.days_used is None else str(e.days_used),
                      str(e.latest_legal_exit or "-"), str(e.registration_due or "-"))  # fmt: skip
    console.print(table)
    report = overstays(engine, analyst, today, rules, purpose="demo", now=now)
    console.print(f"Overstays in Kazakhstan on {today}: {len(report.open)} still present, "
                  f"{len(report.late_exits)} left late.")  # fmt: skip


def _logins(console: Console, serve: bool, port: int) -> None:
    table = Table(title=f"Demo logins ({DEMO_STATE})", title_justify="left")
    for column in ("role", "name", "password", "BCPs"):
        table.add_column(column)
    for login in LOGINS:
        table.add_row(login.role.value, login.name, login.password, ", ".join(login.bcps) or "-")
    console.print(table)
    address = f"http://127.0.0.1:{port}/api/v1/docs"
    if serve:
        console.print(f"API at {address} (log in with POST /api/v1/login)")
    else:
        console.print(f"Start the API with [bold].venv/bin/rmis demo --serve[/bold] ({address}).")
