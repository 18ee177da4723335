"""alert lists and hits

The screening room's record: alert lists (each with its version in force and owner, and how
long the owner has to answer a confirmed hit), every version loaded with what it added,
changed and withdrew and the entries it could not read, the entries as their newest version
says them (withdrawn ones kept, marked with the version that left them out), and hits as cases
people decide (hits) with every decision made on them (hit_decisions).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_lists",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_hours", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('documents', 'wanted', 'entry_ban', 'missing', 'sanctions')",
            name=op.f("ck_alert_lists_kind"),
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_alert_lists")),
    )
    op.create_table(
        "alert_entries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("list_name", sa.String(length=128), nullable=False),
        sa.Column("entry_id", sa.String(length=256), nullable=False),
        sa.Column("subject", sa.String(length=8), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("listed_in", sa.Integer(), nullable=False),
        sa.Column("changed_in", sa.Integer(), nullable=False),
        sa.Column("withdrawn_in", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "subject IN ('person', 'document')", name=op.f("ck_alert_entries_subject")
        ),
        sa.ForeignKeyConstraint(
            ["list_name"], ["alert_lists.name"], name=op.f("fk_alert_entries_list_name_alert_lists")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_entries")),
        sa.UniqueConstraint(
            "list_name", "entry_id", name=op.f("uq_alert_entries_list_name_entry_id")
        ),
    )
    op.create_table(
        "alert_list_versions",
        sa.Column("list_name", sa.String(length=128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=128), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("withdrawn", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("malformed", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_name"],
            ["alert_lists.name"],
            name=op.f("fk_alert_list_versions_list_name_alert_lists"),
        ),
        sa.PrimaryKeyConstraint("list_name", "version", name=op.f("pk_alert_list_versions")),
    )
    op.create_table(
        "hits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raised_by", sa.String(length=128), nullable=False),
        sa.Column("host_state", sa.String(length=3), nullable=False),
        sa.Column("bcp_code", sa.String(length=64), nullable=True),
        sa.Column("check_id", sa.Uuid(), nullable=True),
        sa.Column("subject_key", sa.String(length=200), nullable=False),
        sa.Column("traveller_id", sa.Uuid(), nullable=True),
        sa.Column("traveller", sa.JSON(), nullable=False),
        sa.Column("traveller_hash", sa.String(length=64), nullable=False),
        sa.Column("list_name", sa.String(length=128), nullable=False),
        sa.Column("list_version", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.String(length=256), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("answer_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(length=128), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'escalated', 'confirmed', 'dismissed')", name=op.f("ck_hits_status")
        ),
        sa.ForeignKeyConstraint(["bcp_code"], ["bcps.code"], name=op.f("fk_hits_bcp_code_bcps")),
        sa.ForeignKeyConstraint(["check_id"], ["checks.id"], name=op.f("fk_hits_check_id_checks")),
        sa.ForeignKeyConstraint(
            ["list_name"], ["alert_lists.name"], name=op.f("fk_hits_list_name_alert_lists")
        ),
        sa.ForeignKeyConstraint(
            ["traveller_id"], ["travellers.id"], name=op.f("fk_hits_traveller_id_travellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hits")),
    )
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hits_host_state_status_raised_at"),
            ["host_state", "status", "raised_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_hits_subject_key_list_name_entry_id"),
            ["subject_key", "list_name", "entry_id"],
            unique=False,
        )

    op.create_table(
        "hit_decisions",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("hit_id", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('confirm', 'dismiss', 'escalate', 'answer')",
            name=op.f("ck_hit_decisions_decision"),
        ),
        sa.ForeignKeyConstraint(["hit_id"], ["hits.id"], name=op.f("fk_hit_decisions_hit_id_hits")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_hit_decisions")),
    )
    with op.batch_alter_table("hit_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hit_decisions_hit_id"), ["hit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hit_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hit_decisions_hit_id"))

    op.drop_table("hit_decisions")
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hits_subject_key_list_name_entry_id"))
        batch_op.drop_index(batch_op.f("ix_hits_host_state_status_raised_at"))

    op.drop_table("hits")
    op.drop_table("alert_list_versions")
    op.drop_table("alert_entries")
    op.drop_table("alert_lists")
