"""The `rmis` command: one module per command group, each a thin edge over one service."""

import typer

from rmis.cli import (
    analytics,
    audit,
    backup,
    crossings,
    demo,
    exchange,
    hub,
    lists,
    mrz,
    names,
    persons,
    protection,
    retention,
    screen,
    serve,
    stay,
    synth,
    users,
    warehouse,
)
from rmis.cli.report import report

app = typer.Typer(
    name="rmis",
    help="Regional Migration Information System for Central Asia.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(mrz.app, name="mrz")
app.add_typer(names.app, name="names")
app.add_typer(stay.app, name="stay")
app.add_typer(crossings.app, name="crossings", help="Bulk loading of crossings.")
app.add_typer(users.app, name="users", help="Principals and their API tokens.")
app.add_typer(analytics.app, name="analytics", help="Flows, stock, overstays, movement types.")
app.add_typer(warehouse.app, name="warehouse", help="The Parquet warehouse for analyses.")
app.add_typer(persons.app, name="persons", help="Who is one person: links, review, relink.")
app.add_typer(audit.app, name="audit", help="The keyed audit chain: verify, seal, search.")
app.add_typer(retention.app, name="retention", help="Erasure by law, legal holds.")
app.add_typer(lists.app, name="lists", help="Alert lists: load a version, show what is in force.")
app.add_typer(exchange.app, name="exchange", help="A national node: sign and send to the hub.")
app.add_typer(hub.app, name="hub", help="The regional hub: its API, nodes and figures.")
app.add_typer(protection.app, name="protection", help="Referrals counted for policy.")
app.command("screen")(screen.screen)
app.command("serve")(serve.serve)
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.command("demo")(demo.demo)
app.command("synth")(synth.synth)
app.command("report")(report)
