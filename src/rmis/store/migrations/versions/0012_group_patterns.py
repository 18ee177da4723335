"""group patterns found in the record, for the border check to look up

A job over a state's crossings (`rmis protection patterns`) finds the group patterns
(protection/patterns.py) and keeps them here, replaced whole for the state at each run, so the
border check reads a person's by index instead of searching the crossings around them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "group_patterns",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("traveller_id", sa.Uuid(), nullable=False),
        sa.Column("host_state", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["traveller_id"],
            ["travellers.id"],
            name=op.f("fk_group_patterns_traveller_id_travellers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_patterns")),
    )
    op.create_index(
        op.f("ix_group_patterns_traveller_id_host_state"),
        "group_patterns",
        ["traveller_id", "host_state"],
    )


def downgrade() -> None:
    op.drop_table("group_patterns")
