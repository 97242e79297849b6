"""assessments and safety

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Screens are scored from their answers, never typed (issue 10): the typed score and band
columns go, a screen records whether it is complete (answers may hold nulls) and whether
its answers raised the safety flag; safety checks record who checked a flagged screen,
when and what was done. Every row of a 0002 store is kept: PHQ-9s with item 9 above 0 are
flagged (no safety check was ever recorded for them); the old social-needs screens, one
yes/no per domain, keep their answers under the name "social needs y/n" (their answers
are not the AHC items), flagged when their safety answer is yes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complete', sa.Boolean(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('safety', sa.Boolean(), server_default='0', nullable=False))

    # Before 0003 every screen was complete; its flag is read from its answers, as the
    # domain reads them (caredesk.domain.assessments).
    op.execute("UPDATE assessments SET instrument = 'social needs y/n' WHERE instrument = 'social needs'")
    op.execute(
        "UPDATE assessments SET safety = 1 WHERE "
        "(instrument = 'PHQ-9' AND json_extract(answers_json, '$[8]') > 0) OR "
        "(instrument = 'social needs y/n' AND json_extract(answers_json, '$[4]') = 1)"
    )
    # SQLite drops a column in place (3.35+); a batch copy of assessments would be one more
    # full copy for nothing.
    op.execute('ALTER TABLE assessments DROP COLUMN score')
    op.execute('ALTER TABLE assessments DROP COLUMN band')

    op.create_table('safety_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.String(length=32), nullable=False),
    sa.Column('by', sa.String(length=120), nullable=False),
    sa.Column('actions_json', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_safety_checks_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_safety_checks_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_checks'))
    )
    with op.batch_alter_table('safety_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_checks_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_checks_patient_id'), ['patient_id'], unique=False)


def downgrade() -> None:
    # 0002 holds neither safety checks, nor incomplete screens, nor the AHC items' answers:
    # those go; the yes/no social-needs screens get their old name back.
    with op.batch_alter_table('safety_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_checks_patient_id'))
        batch_op.drop_index(batch_op.f('ix_safety_checks_assessment_id'))
    op.drop_table('safety_checks')
    op.execute("DELETE FROM assessments WHERE complete = 0 OR instrument = 'social needs'")
    op.execute("UPDATE assessments SET instrument = 'social needs' WHERE instrument = 'social needs y/n'")
    op.execute("ALTER TABLE assessments ADD COLUMN score INTEGER NOT NULL DEFAULT 0")
    op.execute("ALTER TABLE assessments ADD COLUMN band VARCHAR(32) NOT NULL DEFAULT ''")
    op.execute("UPDATE assessments SET score = (SELECT COALESCE(SUM(value), 0) FROM json_each(assessments.answers_json))")
    op.execute(
        "UPDATE assessments SET band = CASE instrument "
        "WHEN 'PHQ-9' THEN CASE WHEN score <= 4 THEN 'minimal' WHEN score <= 9 THEN 'mild' "
        "WHEN score <= 14 THEN 'moderate' WHEN score <= 19 THEN 'moderately severe' ELSE 'severe' END "
        "WHEN 'GAD-7' THEN CASE WHEN score <= 4 THEN 'minimal' WHEN score <= 9 THEN 'mild' "
        "WHEN score <= 14 THEN 'moderate' ELSE 'severe' END "
        "WHEN 'PHQ-2' THEN CASE WHEN score >= 3 THEN 'positive' ELSE 'negative' END "
        "ELSE CASE WHEN score >= 1 THEN 'positive' ELSE 'negative' END END"
    )
    op.execute('ALTER TABLE assessments DROP COLUMN safety')
    op.execute('ALTER TABLE assessments DROP COLUMN complete')
