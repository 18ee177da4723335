"""redress cases

A person contests a flag the record holds about them (an overstay, an entry-ban hit) with
their evidence; someone other than who raised the case decides it, and an upheld case names the
correction it made (rights/redress.py).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redress_cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("traveller_id", sa.Uuid(), nullable=False),
        sa.Column("host_state", sa.String(length=3), nullable=False),
        sa.Column("flag", sa.String(length=16), nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("remedy", sa.JSON(), nullable=False),
        sa.Column("raised_by", sa.String(length=128), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("correction", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'upheld', 'rejected')", name=op.f("ck_redress_cases_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redress_cases")),
    )
    op.create_index(op.f("ix_redress_cases_traveller_id"), "redress_cases", ["traveller_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_redress_cases_traveller_id"), table_name="redress_cases")
    op.drop_table("redress_cases")
