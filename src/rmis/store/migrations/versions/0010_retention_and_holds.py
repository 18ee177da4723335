"""retention and legal holds

Legal holds keep a traveller's record in a state past its retention (an investigation, a
court case, a redress case); each erasure run leaves only counts (erasures); what the record
erased and the warehouse has not yet is listed until the warehouse has removed it too
(warehouse_erasures: ids only, no personal data).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("traveller_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=128), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_by", sa.String(length=128), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    op.create_index(op.f("ix_legal_holds_traveller_id"), "legal_holds", ["traveller_id"])
    op.create_table(
        "erasures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=3), nullable=False),
        sa.Column("travellers", sa.Integer(), nullable=False),
        sa.Column("crossings", sa.Integer(), nullable=False),
        sa.Column("other_rows", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    op.create_table(
        "warehouse_erasures",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("erased_id", sa.Uuid(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "erased_id", name=op.f("pk_warehouse_erasures")),
    )


def downgrade() -> None:
    op.drop_table("warehouse_erasures")
    op.drop_table("erasures")
    op.drop_index(op.f("ix_legal_holds_traveller_id"), table_name="legal_holds")
    op.drop_table("legal_holds")
