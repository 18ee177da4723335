"""audit you can prove, accounts that resist attack

The audit log's chain moves out of the recording transaction: a row is written with the digest
of its own content only (no lock, no previous row), and a single sealer links the rows, in the
order it finds them committed, into a chain keyed with a secret outside the database
(audit_links). prev_hash goes: the link holds it. Both tables are append-only: triggers refuse
UPDATE and DELETE for every role the application connects as. Login throttling keeps its
counts per name and per address (login_throttle) so that a lockout survives a restart and an
admin can lift it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_APPEND_ONLY = ("audit_log", "audit_links")


def upgrade() -> None:
    op.create_table(
        "audit_links",
        sa.Column("pos", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("link", sa.String(length=64), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pos", name=op.f("pk_audit_links")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_links_seq")),
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("prev_hash")
        batch.create_index(op.f("ix_audit_log_subject"), ["subject"])
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    bind = op.get_bind()
    for table in _APPEND_ONLY:
        if bind.dialect.name == "postgresql":
            op.execute(
                "CREATE OR REPLACE FUNCTION rmis_append_only() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'rmis: % is append-only', TG_TABLE_NAME; END $$ "
                "LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION rmis_append_only()"
            )
            # TRUNCATE fires no row trigger: refuse it by a statement trigger.
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION rmis_append_only()"
            )
        else:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'rmis: {table} is append-only'); END"
                )


def downgrade() -> None:
    bind = op.get_bind()
    for table in _APPEND_ONLY:
        if bind.dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    op.drop_table("login_throttle")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index(op.f("ix_audit_log_subject"))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.drop_table("audit_links")
