from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from rmis.store.schema import metadata


def test_migrations_build_exactly_the_schema_the_code_queries(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, metadata) == []
