"""exchange between states

The regional hub's record (exchange/): the national nodes it knows with the public key their
submissions are verified against, and every submission it accepted, every version kept (the
newest of a sender's dataflow and period is in force). A national node's outbox: what it signed
for the hub, kept until the hub has it (store and forward).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_nodes",
        sa.Column("state", sa.String(length=3), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_exchange_nodes")),
    )
    op.create_table(
        "exchange_submissions",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=3), nullable=False),
        sa.Column("agreement", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("dataflow", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sender"],
            ["exchange_nodes.state"],
            name=op.f("fk_exchange_submissions_sender_exchange_nodes"),
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_exchange_submissions")),
        sa.UniqueConstraint(
            "sender",
            "dataflow",
            "period",
            "version",
            name=op.f("uq_exchange_submissions_sender_dataflow_period_version"),
        ),
    )
    op.create_table(
        "exchange_outbox",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("dataflow", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_exchange_outbox")),
        sa.UniqueConstraint(
            "dataflow", "period", "version", name=op.f("uq_exchange_outbox_dataflow_period_version")
        ),
    )


def downgrade() -> None:
    op.drop_table("exchange_outbox")
    op.drop_table("exchange_submissions")
    op.drop_table("exchange_nodes")
