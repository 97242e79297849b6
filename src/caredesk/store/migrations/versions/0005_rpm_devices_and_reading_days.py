"""RPM devices and their reading days

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

RPM device codes (99453 set-up, 99454 / 99445 device supply, issue 12) read a patient's
devices (kind, set-up day, end day) and the distinct days each transmitted readings. Two new
tables; nothing in a 0004 store changes, so every row is kept as it is.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rpm_devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('set_up_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_rpm_devices_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rpm_devices'))
    )
    with op.batch_alter_table('rpm_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rpm_devices_patient_id'), ['patient_id'], unique=False)

    op.create_table('rpm_reading_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['rpm_devices.id'], name=op.f('fk_rpm_reading_days_device_id_rpm_devices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rpm_reading_days')),
    sa.UniqueConstraint('device_id', 'on', name='device_day')
    )
    with op.batch_alter_table('rpm_reading_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rpm_reading_days_device_id'), ['device_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rpm_reading_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rpm_reading_days_device_id'))
    op.drop_table('rpm_reading_days')
    with op.batch_alter_table('rpm_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rpm_devices_patient_id'))
    op.drop_table('rpm_devices')
