"""`rmis synth`: generate the synthetic region, and load it into the record if asked."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy import Engine

    from rmis.synth.region import Region, SynthConfig

# The defaults of rmis.synth.recording.Noise, spelled out so that building the command does not
# import the generator (NumPy, PyArrow); tests/cli checks that the two agree.
DEFAULT_TYPO_RATE = 0.003
DEFAULT_OCR_RATE = 0.002
DEFAULT_UNRECORDED_EXIT_RATE = 0.25


def synth(
    out: Annotated[Path, typer.Option(help="Directory to write the region into")],
    travellers: Annotated[int, typer.Option(help="How many travellers")] = 10_000,
    years: Annotated[float, typer.Option(help="Years of crossings")] = 2.0,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same bytes")] = 1,
    end: Annotated[
        str | None,
        typer.Option(
            help="Last day of the period, YYYY-MM-DD (default: yesterday, the last whole day "
            "in UTC: the record refuses crossings later than now)"
        ),
    ] = None,
    load: Annotated[bool, typer.Option(help="Also load it into the record")] = False,
    typo_rate: Annotated[
        float, typer.Option(help="Share of records with a mistyped surname")
    ] = DEFAULT_TYPO_RATE,
    ocr_rate: Annotated[
        float, typer.Option(help="Share with a misread document number")
    ] = DEFAULT_OCR_RATE,
    unrecorded_exit_rate: Annotated[
        float, typer.Option(help="Share of exits lost at the BCPs that under-record")
    ] = DEFAULT_UNRECORDED_EXIT_RATE,
) -> None:
    """Generate a synthetic Central Asian region with ground truth (DIR/crossings.parquet in
    the import format, DIR/permits.parquet, DIR/truth/*.parquet)."""
    from rich.console import Console

    from rmis.settings import utc_now
    from rmis.synth.recording import Noise
    from rmis.synth.region import SynthConfig, write

    console = Console(stderr=True)
    try:
        last = date.fromisoformat(end) if end else utc_now().date() - timedelta(days=1)
    except ValueError as error:
        console.print(f"[red]error:[/red] --end {end!r} is not a date YYYY-MM-DD")
        raise typer.Exit(2) from error
    for name, rate in (("--typo-rate", typo_rate), ("--ocr-rate", ocr_rate),
                       ("--unrecorded-exit-rate", unrecorded_exit_rate)):  # fmt: skip
        if not 0 <= rate <= 1:
            console.print(f"[red]error:[/red] {name} must be between 0 and 1")
            raise typer.Exit(2)
    config = SynthConfig(travellers, years, seed, last,
                         Noise(typo_rate, ocr_rate, unrecorded_exit_rate))  # fmt: skip
    started = time.perf_counter()
    try:
        region = generate_with_progress(config, console)
    except ValueError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error
    with console.status("writing Parquet"):
        write(region, out)
    seconds = time.perf_counter() - started
    print_summary(console, region, out, seconds)
    if load:
        load_with_progress(console, out)


def generate_with_progress(config: SynthConfig, console: Console) -> Region:
    from rmis.cli.progress import stage_progress
    from rmis.synth.region import generate

    stages = ("people", "journeys", "documents", "crossings", "truth")
    with stage_progress(console, "generating", len(stages)) as advance:
        return generate(config, on_stage=lambda stage: advance(stage))


def load_with_progress(console: Console, out: Path, engine: Engine | None = None) -> None:
    from rmis.cli.context import open_registry
    from rmis.cli.progress import rows_progress
    from rmis.registry import count_rows
    from rmis.settings import utc_now
    from rmis.synth.loading import load_region

    engine = engine or open_registry()
    total = count_rows(out / "crossings.parquet")
    with rows_progress(console, "loading into the record", total) as advance:
        crossings, permits = load_region(engine, out, now=utc_now(), on_progress=advance)
    console.print(
        f"record: {crossings.recorded} crossings recorded, {crossings.already_recorded} already "
        f"there, {crossings.rejected} rejected; {permits.recorded} permits recorded"
    )


def print_summary(console: Console, region: Region, out: Path, seconds: float) -> None:
    from rich.table import Table

    from rmis.synth.realism import volume_checks

    config = region.config
    period = config.period
    console.print(
        f"{config.travellers:,} travellers, {region.crossings.num_rows:,} crossings "
        f"({date.fromordinal(period.start)} to {date.fromordinal(period.end)}) in {seconds:.1f} s; "
        f"each traveller stands for {region.scale:,.0f} real people. Written to {out}/"
    )
    table = Table(title="Yearly entries: generated (scaled) and published", title_justify="left")
    for column in ("citizens of", "into", "generated", "published", "ratio", "published as"):
        table.add_column(
            column, justify="right" if column in ("generated", "published", "ratio") else "left"
        )
    for check in volume_checks(region.crossings, region.scale, config.years):
        table.add_row(check.nationality, check.host, f"{check.generated:,}",
                      f"{check.published:,}", f"{check.ratio:.2f}", check.basis)  # fmt: skip
    console.print(table)
