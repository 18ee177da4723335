"""the migrant's page: tries at "check my record" counted per address and per document

One row per hashed key (an address, or a document's issuing state and number) and time
bucket (a minute, a day), counted up atomically so that every server worker sees the same
count. Rows older than two days are deleted as new tries come.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stay_check_tries",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("bucket", sa.String(length=16), nullable=False),
        sa.Column("starts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "bucket", name=op.f("pk_stay_check_tries")),
    )
    op.create_index(
        op.f("ix_stay_check_tries_starts"), "stay_check_tries", ["starts"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_stay_check_tries_starts"), table_name="stay_check_tries")
    op.drop_table("stay_check_tries")
