"""`rmis serve`: run the API, with the audit chain sealed every few seconds beside it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    tls_cert: Annotated[
        Path | None, typer.Option(help="TLS certificate chain (PEM): serve HTTPS", exists=True)
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option(help="The certificate's private key (PEM)", exists=True)
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes (up to the machine's cores)")
    ] = 1,
    login_rate: Annotated[
        float | None,
        typer.Option(
            min=0.1,
            envvar="RMIS_LOGIN_RATE",
            help="Login attempts a second each server process works on (default 4); more wait "
            "their turn a few seconds or are answered 503 (docs/trust.md)",
        ),
    ] = None,
) -> None:
    """Run the rmis API (OpenAPI at /api/v1/docs). The schema is migrated first.

    Beyond one machine, serve HTTPS: with --tls-cert and --tls-key, or behind a reverse proxy
    that ends TLS (docs/trust.md)."""
    if (tls_cert is None) != (tls_key is None):
        raise typer.BadParameter("--tls-cert and --tls-key go together")
    # Imported here so that the other commands start without loading the web stack.
    import uvicorn

    from rmis.cli.retention import erase_due
    from rmis.reference.stay_rules import load_stay_rules
    from rmis.retention import DailyErasure
    from rmis.security import AuditSealer, LoginGate, load_keys
    from rmis.security.gate import DEFAULT_RATE
    from rmis.settings import Settings, utc_now
    from rmis.store import open_database
    from rmis.web.app import create_app

    settings = Settings.from_env()
    engine = open_database(settings.database_url)
    login_rate = login_rate or DEFAULT_RATE
    os.environ["RMIS_LOGIN_RATE"] = str(login_rate)  # for the worker processes (app_from_env)
    app = create_app(
        engine,
        stay_rules=load_stay_rules(settings.stay_rules),
        screening_threshold=settings.screening_threshold,
        login_gate=LoginGate(login_rate),
    )
    keys = load_keys(settings.audit_key_file)
    sealer = AuditSealer(engine, keys, settings.audit_checkpoint_file, utc_now).start()
    erasure = DailyErasure(erase_due).start()  # retention by law, once a day
    try:
        # server_header=False: the response does not say which server software answers.
        # With workers, each process makes its app from the environment (app_from_env); the
        # sealer and the daily erasure run here only, once: the one scheduler.
        uvicorn.run(
            app if workers == 1 else "rmis.cli.serve:app_from_env", factory=workers > 1,
            workers=workers, host=host, port=port, log_level="info", server_header=False,
            ssl_certfile=tls_cert, ssl_keyfile=tls_key,
        )  # fmt: skip
    finally:
        erasure.stop()
        sealer.stop()


def app_from_env():
    """The API for one worker process of `rmis serve --workers N`: the record the parent has
    already migrated, the settings from the environment. Throttles count in the record, so
    their limits hold across workers; each process has its own login gate."""
    from rmis.reference.stay_rules import load_stay_rules
    from rmis.security import LoginGate
    from rmis.security.gate import DEFAULT_RATE
    from rmis.settings import Settings
    from rmis.store import create_registry_engine
    from rmis.web.app import create_app

    settings = Settings.from_env()
    return create_app(
        create_registry_engine(settings.database_url),
        stay_rules=load_stay_rules(settings.stay_rules),
        screening_threshold=settings.screening_threshold,
        login_gate=LoginGate(float(os.environ.get("RMIS_LOGIN_RATE", DEFAULT_RATE))),
    )
