"""documents found by their names as written

Linking compares a new document with those of its issuing state and names as written whose
birth date is a digit off its own, or has day and month swapped: a birth date an officer
mistyped where the document was first seen (a row typed by hand, the MRZ not read) otherwise
takes it out of blocking, and its person is split without ever being proposed for review
(docs/linkage.md, "Blocking"). The candidates are found by this index, one probe per date.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEX = "ix_documents_issuing_state_surname_given_names_birth_date"


def upgrade() -> None:
    op.create_index(
        INDEX, "documents", ["issuing_state", "surname", "given_names", "birth_date"], unique=False
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="documents")
