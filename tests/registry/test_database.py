from sqlalchemy import func, inspect, select, text

from rmis.reference.bcps import load_bcps
from rmis.registry.database import migrate
from rmis.registry.schema import bcps, refusal_reasons


def test_schema_is_migrated_and_reference_data_loaded(engine):
    tables = set(inspect(engine).get_table_names())
    assert {"crossings", "documents", "travellers", "permits", "audit_log", "bcps"} <= tables
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(bcps)).scalar() == len(
            load_bcps()
        )
        assert connection.execute(select(func.count()).select_from(refusal_reasons)).scalar() == 9


def test_migrating_again_changes_nothing(engine):
    migrate(engine)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == "0001"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine):
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
