"""Alembic environment: migrations run on the connection rmis hands in (see store.database)."""

from alembic import context

from rmis.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
