"""audit subjects indexed by hash on PostgreSQL

A batch's audit row names every crossing of the batch in its subject; PostgreSQL's btree index
refuses an entry over 2,704 bytes, so a batch of more than about 70 crossings could not be
recorded. The audit search asks for a subject by equality, which a hash index answers with no
limit on the size of the value. SQLite keeps its btree (it has no such limit).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_audit_log_subject", table_name="audit_log")
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"], postgresql_using="hash")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_audit_log_subject", table_name="audit_log")
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])
