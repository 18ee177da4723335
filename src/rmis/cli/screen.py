"""`rmis screen`: batch screening against the alert lists in force, a contract other tools
depend on (src/rmis/screening/subjects.py has the line formats).

    rmis screen [--lists NAME,...] [--threshold T] < travellers.jsonl > hits.jsonl

One output line per input line, in order, with the hits at or above the threshold
(--threshold, else RMIS_SCREENING_THRESHOLD, else the default the accuracy bench chose).
A line that is not a traveller is answered in its place with
`{"id": ... or null, "hits": [], "error": "..."}`, and the command ends with exit code 1 once
every line is written. Screening here records no case: hits become cases an officer decides
only through a check or POST /api/v1/screenings. The batch is audited (who, how many, which
lists and versions).
"""

from __future__ import annotations

import getpass
import json
import sys
from itertools import islice
from typing import Annotated, Any

import typer

CHUNK = 1_000  # lines screened against one look at the lists in force


def screen(
    lists: Annotated[
        str | None, typer.Option("--lists", help="Only these lists, by name: A,B (default: all)")
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Lowest score of a hit, in (0, 1] (default: RMIS_SCREENING_THRESHOLD "
            "or the benchmarked default)"
        ),
    ] = None,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="RMIS_PRINCIPAL",
            help="Who screens, for the audit log (default: the terminal's user)",
        ),
    ] = None,
) -> None:
    """Screen travellers (JSON lines on standard input) against the alert lists in force; write
    one JSON line of hits per traveller to standard output, in order.

    In: {"id", "names": [...], "birth_date": "YYYY-MM-DD" | "YYYY" | null, "sex", "nationality",
    "document": {"issuing_state", "number", "type"} | null}. Out: {"id", "hits": [{"list",
    "entry_id", "score", "reasons"}]}; a line that is no traveller gets "error" (exit code 1
    at the end). docs/screening.md has the contract."""
    from rmis.cli.context import open_registry
    from rmis.screening import Screener, audit_batch_screening
    from rmis.settings import Settings, utc_now

    chosen = [n.strip() for n in lists.split(",") if n.strip()] if lists else None
    engine = open_registry()
    try:
        screener = Screener(engine, threshold=threshold or Settings.from_env().screening_threshold)
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    in_force = dict(screener.current()[1])
    if chosen is not None and (unknown := [n for n in chosen if n not in in_force]):
        typer.echo(f"error: no alert list named {', '.join(unknown)} is loaded", err=True)
        raise typer.Exit(2)

    screened = hits_found = errors = 0
    today = utc_now().date()  # an entry ban screens only while in force
    lines = iter(sys.stdin)
    while chunk := list(islice(lines, CHUNK)):
        parsed = [_parse(text) for text in chunk]
        found = iter(screener.screen_many((t for _, t, _ in parsed if t), lists=chosen, on=today))
        for ident, traveller, error in parsed:
            if traveller is None:
                answer: dict[str, Any] = {"id": ident, "hits": [], "error": error}
                errors += 1
            else:
                hits = next(found)
                answer = {"id": ident, "hits": [h.to_json() for h in hits]}
                screened += 1
                hits_found += len(hits)
            sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    audit_batch_screening(
        engine, principal=as_ or f"{getpass.getuser()} (terminal)", now=utc_now(),
        travellers=screened, hits=hits_found,
        lists=tuple((n, v) for n, v in screener.current()[1] if chosen is None or n in chosen),
    )  # fmt: skip
    if errors:
        typer.echo(f"error: {errors} line(s) were not travellers (see their error)", err=True)
        raise typer.Exit(1)


def _parse(text: str):
    """(id or None, the traveller or None, the error or None) of one input line."""
    from rmis.screening import ScreenedTraveller, TravellerError

    try:
        data = json.loads(text)
    except ValueError as error:
        return None, None, f"not JSON: {error}"
    ident = data.get("id") if isinstance(data, dict) else None
    try:
        return ident, ScreenedTraveller.from_json(data), None
    except TravellerError as error:
        return ident, None, str(error)
