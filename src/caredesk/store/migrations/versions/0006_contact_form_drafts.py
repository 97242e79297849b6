"""Contact form drafts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

What was typed in the chart's Contacts & minutes forms (Log contact, Log other time, Correct,
Void) is kept when an idle lock, Ctrl+L or quitting closes the form (SPEC §5), in a table of its
own: the call panel's one draft per patient (call_drafts) is never overwritten by it. One new
table; nothing in a 0005 store changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contact_form_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('record', sa.String(length=32), nullable=True),
    sa.Column('fields_json', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_contact_form_drafts_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_form_drafts'))
    )
    with op.batch_alter_table('contact_form_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_form_drafts_patient_id'), ['patient_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contact_form_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_form_drafts_patient_id'))
    op.drop_table('contact_form_drafts')
