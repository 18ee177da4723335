"""protection at the border: indicators, referrals and their history

What an officer saw or heard at first contact (protection_indicators), referrals of a person to
the agency that meets a need (referrals, with the state each is in and its next follow-up), and
every move of a referral (referral_events). Read only through rmis.protection (need-to-know,
every read audited); the recording of a refusal reads referrals for the non-refoulement guard.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "protection_indicators",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("traveller_id", sa.Uuid(), nullable=False),
        sa.Column("host_state", sa.String(length=3), nullable=False),
        sa.Column("bcp_code", sa.String(length=64), nullable=True),
        sa.Column("check_id", sa.Uuid(), nullable=True),
        sa.Column("indicator", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["bcp_code"], ["bcps.code"], name=op.f("fk_protection_indicators_bcp_code_bcps")
        ),
        sa.ForeignKeyConstraint(
            ["check_id"], ["checks.id"], name=op.f("fk_protection_indicators_check_id_checks")
        ),
        sa.ForeignKeyConstraint(
            ["traveller_id"],
            ["travellers.id"],
            name=op.f("fk_protection_indicators_traveller_id_travellers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_indicators")),
    )
    op.create_index(
        op.f("ix_protection_indicators_traveller_id"), "protection_indicators", ["traveller_id"]
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("traveller_id", sa.Uuid(), nullable=False),
        sa.Column("host_state", sa.String(length=3), nullable=False),
        sa.Column("bcp_code", sa.String(length=64), nullable=True),
        sa.Column("nationality", sa.String(length=3), nullable=True),
        sa.Column("need", sa.String(length=16), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "state IN ('in_progress', 'accepted', 'rejected', 'done', 'revoked')",
            name=op.f("ck_referrals_state"),
        ),
        sa.CheckConstraint(
            "need IN ('asylum', 'child_protection', 'trafficking', 'medical', 'statelessness', "
            "'violence')",
            name=op.f("ck_referrals_need"),
        ),
        sa.ForeignKeyConstraint(
            ["bcp_code"], ["bcps.code"], name=op.f("fk_referrals_bcp_code_bcps")
        ),
        sa.ForeignKeyConstraint(
            ["traveller_id"], ["travellers.id"], name=op.f("fk_referrals_traveller_id_travellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    op.create_index(op.f("ix_referrals_traveller_id"), "referrals", ["traveller_id"])
    op.create_index(
        op.f("ix_referrals_host_state_state_follow_up_on"),
        "referrals",
        ["host_state", "state", "follow_up_on"],
    )
    op.create_table(
        "referral_events",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_events_referral_id_referrals"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_referral_events")),
    )
    op.create_index(op.f("ix_referral_events_referral_id"), "referral_events", ["referral_id"])


def downgrade() -> None:
    op.drop_table("referral_events")
    op.drop_table("referrals")
    op.drop_table("protection_indicators")
