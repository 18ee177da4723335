"""`rmis demo`: rmis end to end on a synthetic region, the analyses in the terminal and as a
report page, then the API.

A fresh machine gets its region generated and loaded once; run again, the demo reuses both.
A small fixed scenario of named travellers stands beside the region for a newcomer to follow.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from rmis.reference.stay_rules import StayRulesTable
    from rmis.report.data import ReportData
    from rmis.settings import Settings

# Every room the demo shows is imported inside the functions, so that `rmis` starts without
# loading them.

# Big enough to look like a region, quick enough to wait for on a fresh machine.
DEMO_TRAVELLERS = 20_000
DEMO_SEED = 2026

NAME_PAIRS = (
    ("Абдуллаев Нурсултан", "NURSULTAN ABDULLAYEV"),
    ("Юлия Соколова", "IULIIA SOKOLOVA"),
    ("Нұрсұлтан Әбішұлы", "NURSULTAN"),
    ("ALIEV RUSTAM", "ALIMOV RUSLAN"),
)


def demo(
    serve: Annotated[bool, typer.Option(help="Start the API at the end")] = True,
    port: Annotated[int, typer.Option(help="Port of the API")] = 8000,
    travellers: Annotated[
        int, typer.Option(help="Size of the synthetic region (made once, then reused)")
    ] = DEMO_TRAVELLERS,
) -> None:
    """Generate and load a synthetic region (once), show what rmis does with it, serve the API.
    Everything is kept under RMIS_DATA_DIR (default ./rmis-data)."""
    from rich.console import Console

    from rmis.reference.stay_rules import load_stay_rules
    from rmis.settings import Settings, utc_now
    from rmis.store import open_database
    from rmis.synth.showcase import load_showcase

    console = Console()
    settings = Settings.from_env()
    now = utc_now()
    today = now.date()
    console.rule("[bold]rmis demo")
    console.print(f"Record: {settings.database_url}")
    with console.status("Opening the record (schema migrated, reference data loaded)..."):
        engine = open_database(settings.database_url)
        loaded = load_showcase(engine, today, now)
    _region(console, engine, settings, travellers, today)

    _documents(console, today)
    _names(console)
    _record(console, loaded)
    _people(console, engine)
    rules = load_stay_rules(settings.stay_rules)
    _stays(console, engine, rules, today, now)
    _screening(console, engine, rules, now)
    page = _analyses(console, engine, settings, rules, today, now)
    _logins(console, serve, port)
    console.print(f"The analyst's report: open {page} in a browser (no internet needed).")
    if serve:
        import uvicorn

        from rmis.web.app import create_app

        uvicorn.run(create_app(engine, stay_rules=rules),
                    host="127.0.0.1", port=port)  # fmt: skip


def _documents(console: Console, today: date) -> None:
    from rich.table import Table

    from rmis.documents import parse
    from rmis.synth.showcase import TRAVELLERS, traveller_mrz

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
    from rich.table import Table

    from rmis.names import latin_spellings, similarity

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
    from rich.table import Table

    table = Table(title="Crossings recorded at Kazakh BCPs", title_justify="left")
    for column in ("traveller", "nationality", "BCP", "crossings", "new this run"):
        table.add_column(column)
    for traveller, new in loaded:
        table.add_row(" ".join(reversed(traveller.national_name)), traveller.state,
                      traveller.bcp, str(len(traveller.crossings_days_ago)), str(new))  # fmt: skip
    console.print(table)


def _stays(console: Console, engine, rules: StayRulesTable, today: date, now) -> None:
    from rich.table import Table

    from rmis.registry import document_history, stay_status
    from rmis.security import Principal, Role
    from rmis.synth.showcase import DEMO_STATE, TRAVELLERS

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


def _screening(console: Console, engine, rules: StayRulesTable, now) -> None:
    """The showcase travellers checked at the desk, as POST /api/v1/checks does: each check
    screened against the demo's alert lists, each hit a case for the officer to decide."""
    from rich.table import Table

    from rmis.registry import Direction, load_reference_facts, run_check
    from rmis.screening import ScreenedTraveller, Screener
    from rmis.security import Principal, Role
    from rmis.synth.showcase import DEMO_BCP, DEMO_STATE, LAND_BCP, TRAVELLERS, traveller_mrz
    from rmis.synth.showcase_lists import load_showcase_lists

    load_showcase_lists(engine, now)
    officer = Principal("demo.border_officer", Role.BORDER_OFFICER, DEMO_STATE,
                        frozenset({DEMO_BCP, LAND_BCP}))  # fmt: skip
    with engine.connect() as connection:
        reference = load_reference_facts(connection)
    screener = Screener(engine)
    table = Table(title="Alert lists at the desk: every check screened, every hit a case for "
                  "the officer", title_justify="left")  # fmt: skip
    for column in ("traveller", "hit", "score", "why", "case"):
        table.add_column(column)
    for traveller in TRAVELLERS:
        check = run_check(engine, officer, bcp_code=traveller.bcp, direction=Direction.ENTRY,
                          now=now, reference=reference, rules=rules, purpose="demo",
                          mrz="\n".join(traveller_mrz(traveller, now.date())))  # fmt: skip
        seen = ScreenedTraveller.of_document(str(check.id), check.known_names,
                                             check.document.document)  # fmt: skip
        found = screener.screen_and_record(seen, officer, now=now, traveller_id=check.traveller_id,
                                           bcp_code=check.bcp_code, check_id=check.id,
                                           purpose="demo")  # fmt: skip
        name = " ".join(reversed(traveller.national_name))
        if not found.hits:
            table.add_row(name, "none", "", "", "")
        for shown in found.hits:
            table.add_row(name, f"{shown.hit.list} {shown.hit.entry_id}",
                          f"{shown.hit.score:.2f}", "\n".join(shown.hit.reasons),
                          _case_words(shown))  # fmt: skip
    console.print(table)
    console.print(
        "Юлия Соколова's namesake on the wanted list (born 1961) is left alone. No hit refuses "
        "anyone: the officer confirms, dismisses or escalates it (POST /api/v1/hits/{id}/decision)."
    )


def _case_words(shown) -> str:
    if shown.standing == "new":
        return "new case: open"
    if shown.standing == "open":
        return f"case {shown.case.status} since {shown.case.raised_at.date().isoformat()}"
    return shown.note


def _region(console: Console, engine, settings: Settings, travellers: int, today: date) -> None:
    from rmis.cli.synth import generate_with_progress, load_with_progress, print_summary
    from rmis.synth.region import SynthConfig, write
    from rmis.synth.store import RegionStore

    store = RegionStore(settings.data_dir / "region")
    # The region ends yesterday, the last whole day: a crossing later today would be refused
    # by the record as a crossing in the future.
    config = SynthConfig(travellers=travellers, years=2, seed=DEMO_SEED,
                         end=today - timedelta(days=1))  # fmt: skip
    if store.holds(config):
        console.print(f"Synthetic region: reusing {store.path}/ (made up to {store.saved_end()})")
    else:
        started = time.perf_counter()
        region = generate_with_progress(config, console)
        with console.status("writing the region's Parquet files"):
            write(region, store.path)
        store.remember(config)
        print_summary(console, region, store.path, time.perf_counter() - started)
    if store.loaded_into(settings.database_url):
        console.print("Synthetic region: already loaded into the record")
        return
    load_with_progress(console, store.path, engine)
    store.mark_loaded(settings.database_url)


def _people(console: Console, engine) -> None:
    """How the record's documents were linked into people (persons/: docs/linkage.md)."""
    from rich.table import Table

    from rmis.persons import link_counts

    with engine.connect() as connection:
        counts = link_counts(connection)
    table = Table(
        title=f"One person, many documents: {counts.documents:,} documents of "
        f"{counts.people:,} people in the record",
        title_justify="left",
    )
    table.add_column("how a document joined its person")
    table.add_column("documents", justify="right")
    meaning = {
        "first": "the first of its person",
        "certain": "certain: a renewal the document proves (previous number, personal number)",
        "automatic": "automatic: the linkage model, above its high threshold",
        "confirmed": "confirmed by a supervisor from the review queue",
        "pending": "pending: waiting in the review queue",
    }
    for link, text in meaning.items():
        table.add_row(text, f"{counts.by_link[link]:,}")
    console.print(table)
    console.print(
        f"The review queue holds {counts.open_proposals:,} proposals for a supervisor "
        "(rmis persons queue, or GET /api/v1/persons/proposals)."
    )


def _analyses(
    console: Console, engine, settings: Settings, rules: StayRulesTable, today: date, now
) -> Path:
    """The warehouse brought up to date, the analyst's tables in the terminal and the report
    page written beside the record; returns the page's path."""
    from rich.table import Table

    from rmis.analytics import connect, flows, open_warehouse, summarise
    from rmis.report.data import gather
    from rmis.report.render import render
    from rmis.warehouse import load_or_create_key, sync_warehouse

    root = settings.data_dir / "warehouse"
    with console.status(f"Bringing the warehouse up to date ({root}/)"):
        key = load_or_create_key(settings.warehouse_key_file)
        # The pre-aggregates too, as `rmis warehouse sync` makes them: the report reads them.
        summariser = partial(summarise, rules=rules)  # the overstays by the demo's rules
        synced = sync_warehouse(engine, root, now, key=key, summarise=summariser)
    console.print(f"Warehouse: {synced.exported:,} new crossings exported to {root}/")
    warehouse = open_warehouse(root, connect(settings.analytics_engine))
    with console.status("Analysing the warehouse: flows, stock, overstays, movement types, surges"):
        by_state = flows(warehouse.crossings, ["host_state"], None, today).to_pandas()
        data = gather(warehouse, rules, today)
    table = Table(title="Crossings recorded, by host state", title_justify="left")
    for column in ("host state", "entries", "exits", "refused"):
        table.add_column(column, justify="left" if column == "host state" else "right")
    for row in by_state.sort_values("entries", ascending=False).itertuples():
        table.add_row(row.host_state, f"{row.entries:,}", f"{row.exits:,}", f"{row.refused:,}")
    console.print(table)
    table = Table(title="Top corridors, the last 12 months", title_justify="left")
    table.add_column("corridor")
    table.add_column("crossings", justify="right")
    for row in data.corridors.itertuples():
        table.add_row(row.corridor, f"{row.crossings:,}")
    console.print(table)
    table = Table(title="Movement types of the travellers", title_justify="left")
    for column in ("movement type", "people", "share"):
        table.add_column(column, justify="left" if column == "movement type" else "right")
    for row in data.movement_types.itertuples():
        table.add_row(row.movement_type, f"{row.people:,}", f"{row.share:.0%}")
    console.print(table)
    _present_and_overstays(console, data)
    console.print(f"Early warning on {today}: {len(data.surges)} series above their baseline.")
    page = settings.data_dir / "report.html"
    page.write_text(render(data, now), encoding="utf-8")
    return page


def _present_and_overstays(console: Console, data: ReportData) -> None:
    from rich.table import Table

    latest = data.stock[data.stock.day == data.stock.day.max()][["host_state", "present"]]
    rows = latest.merge(data.overstays_by_state, on="host_state", how="outer").fillna(0)
    table = Table(title=f"Foreigners present and overstays on {data.on}", title_justify="left")
    for column in ("host state", "present", "overstaying now", "ever left late", "longest (days)"):
        table.add_column(column, justify="left" if column == "host state" else "right")
    for row in rows.sort_values("present", ascending=False).itertuples():
        table.add_row(row.host_state, f"{row.present:,.0f}", f"{row.overstayers:,.0f}",
                      f"{row.left_late:,.0f}", f"{row.longest_days:,.0f}")  # fmt: skip
    console.print(table)


def _logins(console: Console, serve: bool, port: int) -> None:
    from rich.table import Table

    from rmis.security import Role
    from rmis.synth.showcase import DEMO_STATE, LOGINS

    table = Table(title=f"Demo logins ({DEMO_STATE})", title_justify="left")
    for column in ("role", "name", "password", "BCPs"):
        table.add_column(column)
    for login in LOGINS:
        table.add_row(login.role.value, login.name, login.password, ", ".join(login.bcps) or "-")
    console.print(table)
    officer = next(login for login in LOGINS if login.role is Role.BORDER_OFFICER)
    desk = f"http://127.0.0.1:{port}/"
    api = f"http://127.0.0.1:{port}/api/v1/docs"
    if not serve:
        console.print("Start the pages and the API with [bold].venv/bin/rmis serve[/bold].")
    console.print(
        f"The border desk: open [bold]{desk}[/bold] and log in as [bold]{officer.name}[/bold] "
        f"with the password [bold]{officer.password}[/bold] (any login above works; the page "
        f"speaks the browser's language, or pick one at the top)."
    )
    analyst = next(login for login in LOGINS if login.role is Role.ANALYST)
    console.print(
        f"The analyst's dashboard: open [bold]http://127.0.0.1:{port}/analytics[/bold] and log "
        f"in as [bold]{analyst.name}[/bold] with the password [bold]{analyst.password}[/bold]."
    )
    console.print(f"The API: {api} (log in with POST /api/v1/login).")
    if serve:
        console.print("Ctrl-C stops the server.")
