"""`rmis hub`: the same software run as the regional hub: its own database (RMIS_DATABASE_URL)
and agreements (RMIS_AGREEMENTS), the nodes it knows, its API and the region's figures."""

from __future__ import annotations

from typing import Annotated

import typer

from rmis.cli.exchange import agreements_file, fail

app = typer.Typer(no_args_is_help=True)
nodes = typer.Typer(no_args_is_help=True, help="The national nodes the hub accepts.")
app.add_typer(nodes, name="nodes")


def linker():
    """What links journey keys on this hub: in this process, or on Spark when RMIS_ENGINE is
    spark (at RMIS_SPARK_MASTER, RMIS_SPARK_MEMORY); a missing Java stops here with the hint."""
    from rmis.settings import Settings

    if Settings.from_env().analytics_engine != "spark":
        return None
    from rmis.exchange.spark import SparkUnavailable, link_on_spark, session, spark_settings

    master, memory = spark_settings()
    try:
        spark = session(master, memory)
    except SparkUnavailable as error:
        fail(str(error))
    return lambda keys: link_on_spark(keys, spark)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8800,
) -> None:
    """Run the hub's API (/hub/v1; OpenAPI at /docs). The schema is migrated first."""
    import uvicorn

    from rmis.cli.context import open_registry
    from rmis.exchange.hub_app import create_hub_app
    from rmis.settings import utc_now

    app_ = create_hub_app(open_registry(), agreements_file(), utc_now, linker())
    uvicorn.run(app_, host=host, port=port, log_level="warning", server_header=False)


@nodes.command("add")
def add(
    state: Annotated[str, typer.Argument(help="The node's state, ICAO code")],
    key: Annotated[str, typer.Argument(help="Its public key, as `rmis exchange keygen` printed")],
) -> None:
    """Register a node's public key (or replace it: the node was re-keyed)."""
    from rmis.cli.context import open_registry
    from rmis.exchange import KeyProblem, register_node
    from rmis.reference.countries import is_icao_code
    from rmis.settings import utc_now

    if not is_icao_code(state):
        fail(f"{state} is not an ICAO state code")
    try:
        register_node(open_registry(), state, key, utc_now())
    except KeyProblem as error:
        fail(str(error))
    typer.echo(f"registered {state}")


@app.command()
def figures(
    dataflow: Annotated[str, typer.Argument(help="RMIS_FLOWS, RMIS_STOCK or RMIS_OVERSTAYS")],
    period: Annotated[str | None, typer.Option(help="One period, e.g. 2026-03")] = None,
) -> None:
    """The region's table of a dataflow as SDMX-CSV: every node's cells and totals in force."""
    from rmis.cli.context import open_registry
    from rmis.exchange import figures as figures_

    frame = figures_(open_registry(), dataflow, period)
    typer.echo(frame.to_csv(index=False, lineterminator="\n"), nl=False)


@app.command()
def history(sender: Annotated[str | None, typer.Option(help="One node")] = None) -> None:
    """Every submission the hub holds, oldest first; * marks the versions in force."""
    from rmis.cli.context import open_registry
    from rmis.exchange import history as history_

    for row in history_(open_registry(), sender):
        mark = "*" if row["in_force"] else " "
        typer.echo(
            f"{mark} {row['sender']} {row['dataflow']} {row['period']} v{row['version']} "
            f"{row['digest'][:12]} {row['received_at']}"
        )


@app.command()
def journeys(period: Annotated[str | None, typer.Option(help="One month, e.g. 2026-03")] = None):
    """Journeys across the region by the states they passed, on journey keys alone."""
    from rmis.cli.context import open_registry
    from rmis.exchange import journeys as journeys_

    frame = journeys_(open_registry(), agreements_file(), period, linker())
    typer.echo(frame.to_csv(index=False, lineterminator="\n"), nl=False)


@app.command()
def mirror(period: Annotated[str | None, typer.Option(help="One month, e.g. 2026-03")] = None):
    """A's exits to B against B's entries from A per month, and the journeys linking them."""
    from rmis.cli.context import open_registry
    from rmis.exchange import mirror as mirror_

    frame = mirror_(open_registry(), agreements_file(), period, linker())
    typer.echo(frame.to_csv(index=False, lineterminator="\n"), nl=False)


@app.command()
def corridors(period: Annotated[str | None, typer.Option(help="One month, e.g. 2026-03")] = None):
    """Linked border crossings per month and corridor (from, to), on journey keys alone."""
    from rmis.cli.context import open_registry
    from rmis.exchange import corridors as corridors_

    frame = corridors_(open_registry(), agreements_file(), period, linker())
    typer.echo(frame.to_csv(index=False, lineterminator="\n"), nl=False)


@app.command()
def transit(period: Annotated[str | None, typer.Option(help="One month, e.g. 2026-03")] = None):
    """Per month and state, the journeys that passed through it."""
    from rmis.cli.context import open_registry
    from rmis.exchange import transit as transit_

    frame = transit_(open_registry(), agreements_file(), period, linker())
    typer.echo(frame.to_csv(index=False, lineterminator="\n"), nl=False)


@app.command()
def warnings() -> None:
    """Regional early warning: daily arrivals per host state and border breaking out of their
    seasonal baseline on the last day the journey keys cover."""
    from rmis.cli.context import open_registry
    from rmis.exchange import warnings as warnings_

    frame = warnings_(open_registry(), agreements_file())
    typer.echo(frame.to_csv(index=False, lineterminator="\n"), nl=False)
