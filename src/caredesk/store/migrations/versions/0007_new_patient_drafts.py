"""New patient drafts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

What was typed in Add patient is kept when an idle lock, Ctrl+L or quitting closes the form
(SPEC §5). It has no patient yet, so it cannot be a row of contact_form_drafts (whose patient is
required): a table of its own. One new table; nothing in a 0006 store changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "new_patient_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fields_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_new_patient_drafts")),
    )


def downgrade() -> None:
    op.drop_table("new_patient_drafts")
