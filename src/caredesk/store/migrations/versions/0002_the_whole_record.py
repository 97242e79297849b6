"""the whole record

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Everything issue 9 lets a care manager enter: date of death, APCM's QMB flag, a stopped
medication's reason and its adherence checks, target bands, appointments, the channel of a
TCM interactive contact, voided contacts and minutes (kept as they were), call drafts.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('call_drafts',
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('content_json', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_call_drafts_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('patient_id', name=op.f('pk_call_drafts'))
    )
    op.create_table('observation_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('low', sa.Float(), nullable=True),
    sa.Column('high', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_observation_targets_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation_targets')),
    sa.UniqueConstraint('patient_id', 'kind', name='patient_kind')
    )
    op.create_table('voided_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.Date(), nullable=True),
    sa.Column('voided_at', sa.String(length=32), nullable=False),
    sa.Column('voided_by', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_voided_contacts_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voided_contacts'))
    )
    with op.batch_alter_table('voided_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voided_contacts_patient_id'), ['patient_id'], unique=False)

    op.create_table('voided_time_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('activity', sa.String(length=32), nullable=False),
    sa.Column('staff_type', sa.String(length=16), nullable=False),
    sa.Column('program', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.String(length=32), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('voided_at', sa.String(length=32), nullable=False),
    sa.Column('voided_by', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_voided_time_entries_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voided_time_entries'))
    )
    with op.batch_alter_table('voided_time_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voided_time_entries_patient_id'), ['patient_id'], unique=False)

    op.create_table('adherence_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('medication_id', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('answer', sa.String(length=24), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['medication_id'], ['medications.id'], name=op.f('fk_adherence_checks_medication_id_medications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_adherence_checks_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adherence_checks'))
    )
    with op.batch_alter_table('adherence_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adherence_checks_medication_id'), ['medication_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adherence_checks_patient_id'), ['patient_id'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('with_whom', sa.String(length=120), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('transition_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_appointments_patient_id_patients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['transition_id'], ['transitions.id'], name=op.f('fk_appointments_transition_id_transitions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments'))
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointments_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_appointments_status_at', ['status', 'at'], unique=False)

    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('qmb', sa.Boolean(), server_default='0', nullable=False))

    with op.batch_alter_table('medications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stop_reason', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('died_on', sa.Date(), nullable=True))

    with op.batch_alter_table('transitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_channel', sa.String(length=16), nullable=True))



def downgrade() -> None:
    # SQLite drops a column in place (3.35+); a batch copy would DROP TABLE patients and
    # cascade-delete every record that points at it.
    op.execute('ALTER TABLE transitions DROP COLUMN contact_channel')

    op.execute('ALTER TABLE patients DROP COLUMN died_on')

    op.execute('ALTER TABLE medications DROP COLUMN stop_reason')

    op.execute('ALTER TABLE enrollments DROP COLUMN qmb')

    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_status_at')
        batch_op.drop_index(batch_op.f('ix_appointments_patient_id'))

    op.drop_table('appointments')
    with op.batch_alter_table('adherence_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adherence_checks_patient_id'))
        batch_op.drop_index(batch_op.f('ix_adherence_checks_medication_id'))

    op.drop_table('adherence_checks')
    with op.batch_alter_table('voided_time_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voided_time_entries_patient_id'))

    op.drop_table('voided_time_entries')
    with op.batch_alter_table('voided_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voided_contacts_patient_id'))

    op.drop_table('voided_contacts')
    op.drop_table('observation_targets')
    op.drop_table('call_drafts')
