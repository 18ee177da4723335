"""`rmis protection`: the group-pattern job and the counts for policy.

`patterns` finds the group patterns in a state's last year of crossings and keeps them for the
border check (run it nightly, as a job of the node; audited). `counts`: referrals counted for
policy, by month, need, agency, state (outcome), nationality and BCP, cells under k suppressed
with the cells that would reveal them (the disclosure control every count of rmis passes), read
as the principal named by --as (or RMIS_PRINCIPAL): an analyst, a supervisor or a protection
officer; audited under that name."""

from __future__ import annotations

import csv
import sys
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True)
FORMATS = ("table", "csv", "sdmx")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@app.command("counts")
def counts(
    as_: Annotated[str, typer.Option("--as", envvar="RMIS_PRINCIPAL",
                                     help="Who counts (a principal name)")],
    by: Annotated[str, typer.Option(help="Comma-separated: month, need, agency, state, "
                                    "nationality, bcp")] = "month,need,state",
    k: Annotated[int, typer.Option(help="Cells of fewer referrals are suppressed")] = 5,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or sdmx (SDMX-CSV)")] = "table",
) -> None:  # fmt: skip
    """Referrals counted in the principal's state; no person in it."""
    if fmt not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt}")
    from rmis.cli.context import open_registry
    from rmis.protection import ProtectionError, referral_counts
    from rmis.security import AccessDenied, principal_named
    from rmis.settings import utc_now

    engine = open_registry()
    dims = [d.strip() for d in by.split(",") if d.strip()]
    try:
        principal = principal_named(engine, as_)
        cells, withheld = referral_counts(engine, principal, by=dims, now=utc_now(), k=k)
    except (AccessDenied, ProtectionError) as error:
        _fail(str(error))
    if fmt == "sdmx":
        import pandas as pd

        from rmis.analytics import to_sdmx_csv

        frame = pd.DataFrame(cells, columns=[*dims, "referrals", "confidential"])
        confidential = frame.pop("confidential")
        to_sdmx_csv(frame, "RMIS_REFERRALS", ["referrals"], confidential).to_csv(
            sys.stdout, index=False
        )
        return
    writer = csv.writer(sys.stdout, delimiter="," if fmt == "csv" else "\t",
                        lineterminator="\n")  # fmt: skip
    writer.writerow([*dims, "referrals"])
    for cell in cells:
        shown = "C" if cell["confidential"] else cell["referrals"]
        writer.writerow([*(cell[d] for d in dims), shown])
    if withheld:
        typer.echo("totals withheld: a suppressed cell could be worked out from them", err=True)


@app.command("patterns")
def patterns(
    host: Annotated[str, typer.Option(help="The host state (ICAO code) whose crossings to read")],
    years: Annotated[float, typer.Option(help="How far back to read")] = 1.0,
) -> None:
    """Find the group patterns in the state's crossings and keep them for the check."""
    if not 0 < years <= 5:
        _fail("--years must be more than 0 and at most 5")
    import json

    from rmis.cli.context import open_registry
    from rmis.protection import find_group_patterns
    from rmis.settings import utc_now

    run = find_group_patterns(open_registry(), host.upper(), now=utc_now(), years=years)
    typer.echo(json.dumps({"host_state": host.upper(), "crossings": run.crossings,
                           "found": run.found}))  # fmt: skip
