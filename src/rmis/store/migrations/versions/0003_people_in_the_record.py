"""people in the record

A traveller becomes a person who links their documents: documents gain what linking reads
(the MRZ's personal number, national-script names, the previous document's number) and how
they were linked; travellers can be merged into another; every link is kept with its reason
(person_links); the review queue (link_proposals); the linkage model in force (link_models);
border checks (checks). Documents recorded before are each the first of their own person.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_models",
        sa.Column(
            "version",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("automatic_threshold", sa.Float(), nullable=False),
        sa.Column("review_threshold", sa.Float(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_link_models")),
    )
    op.create_table(
        "checks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("principal", sa.String(length=128), nullable=False),
        sa.Column("bcp_code", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=5), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("traveller_id", sa.Uuid(), nullable=True),
        sa.Column("document_valid", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["bcp_code"], ["bcps.code"], name=op.f("fk_checks_bcp_code_bcps")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_checks_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["traveller_id"], ["travellers.id"], name=op.f("fk_checks_traveller_id_travellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checks")),
    )
    op.create_table(
        "link_proposals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'confirmed', 'rejected', 'withdrawn')",
            name=op.f("ck_link_proposals_status"),
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["documents.id"],
            name=op.f("fk_link_proposals_candidate_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_link_proposals_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_proposals")),
    )
    with op.batch_alter_table("link_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_link_proposals_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_link_proposals_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_link_proposals_status_proposed_at"),
            ["status", "proposed_at"],
            unique=False,
        )

    op.create_table(
        "person_links",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("traveller_id", sa.Uuid(), nullable=False),
        sa.Column("previous_traveller_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_person_links_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["previous_traveller_id"],
            ["travellers.id"],
            name=op.f("fk_person_links_previous_traveller_id_travellers"),
        ),
        sa.ForeignKeyConstraint(
            ["traveller_id"],
            ["travellers.id"],
            name=op.f("fk_person_links_traveller_id_travellers"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_person_links")),
    )
    with op.batch_alter_table("person_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_links_document_id"), ["document_id"], unique=False
        )

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("optional_data", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("national_surname", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("national_given_names", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("previous_document_number", sa.String(length=32), nullable=True)
        )
        batch_op.add_column(
            sa.Column("link", sa.String(length=10), server_default="first", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_documents_link"),
            "link IN ('first', 'certain', 'automatic', 'confirmed', 'pending')",
        )
        batch_op.create_index(batch_op.f("ix_documents_birth_date"), ["birth_date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_documents_issuing_state_optional_data"),
            ["issuing_state", "optional_data"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_documents_issuing_state_previous_document_number"),
            ["issuing_state", "previous_document_number"],
            unique=False,
        )

    with op.batch_alter_table("travellers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_travellers_merged_into_travellers"),
            "travellers",
            ["merged_into"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("travellers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_travellers_merged_into_travellers"), type_="foreignkey"
        )
        batch_op.drop_column("merged_at")
        batch_op.drop_column("merged_into")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_issuing_state_previous_document_number"))
        batch_op.drop_index(batch_op.f("ix_documents_issuing_state_optional_data"))
        batch_op.drop_index(batch_op.f("ix_documents_birth_date"))
        batch_op.drop_constraint(batch_op.f("ck_documents_link"), type_="check")
        batch_op.drop_column("link")
        batch_op.drop_column("previous_document_number")
        batch_op.drop_column("national_given_names")
        batch_op.drop_column("national_surname")
        batch_op.drop_column("optional_data")

    with op.batch_alter_table("person_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_links_document_id"))

    op.drop_table("person_links")
    with op.batch_alter_table("link_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_proposals_status_proposed_at"))
        batch_op.drop_index(batch_op.f("ix_link_proposals_document_id"))
        batch_op.drop_index(batch_op.f("ix_link_proposals_candidate_id"))

    op.drop_table("link_proposals")
    op.drop_table("checks")
    op.drop_table("link_models")
