"""agency accounts: a principal bound to one receiving agency of its state

The receiving agency's account (role `agency`) sees and moves on only the referrals made to its
own agency (issue 14); the agency's code is kept on the principal. Empty for every other role.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("principals") as batch:
        batch.add_column(sa.Column("agency", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("principals") as batch:
        batch.drop_column("agency")
