"""crossings without the index on document_id

No read looks crossings up by document: a document's history goes through its traveller
(ix_crossings_traveller_id_host_state_occurred_at), and joins to documents go by the
documents' own key. The index cost every crossing recorded an insert into it, at a random place
for documents seen before. Documents are never deleted, so the foreign key does not need it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_crossings_document_id", table_name="crossings")


def downgrade() -> None:
    op.create_index("ix_crossings_document_id", "crossings", ["document_id"], unique=False)
