"""community resources and referral steps

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

The resource directory and the closed referral loop (issue 10). A resource meets one or
more needs (the AHC core domains plus "other") and gains hours, eligibility, notes and an
active flag; its old one-word category becomes its need (a category outside the AHC
domains becomes "other" and is kept in the notes). A referral names the need it answers
and, optionally, the screen that prompted it, and keeps its dated steps in
referral_steps. Every row of a 0003 store is kept: an existing referral gets the steps
its dates tell (proposed on its opening day, with its old reason as the note; then its
status on its closing day, or on its opening day when it has none) and the need its
resource meets.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_DOMAINS = "('housing', 'food', 'transportation', 'utilities', 'safety')"


def upgrade() -> None:
    # Columns are added in place (ALTER TABLE ... ADD COLUMN): a batch copy of
    # community_resources would delete rows that referrals reference.
    with op.batch_alter_table('community_resources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_json', sa.Text(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('hours', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('eligibility', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('notes', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default='1', nullable=False))
    op.execute(
        "UPDATE community_resources SET "
        f"needs_json = CASE WHEN lower(trim(category)) IN {_DOMAINS} THEN json_array(lower(trim(category))) "
        "WHEN lower(trim(category)) = 'interpersonal safety' THEN json_array('safety') ELSE json_array('other') END, "
        f"notes = CASE WHEN lower(trim(category)) IN {_DOMAINS} OR lower(trim(category)) = 'interpersonal safety' "
        "THEN '' ELSE trim(category) END"
    )
    op.execute('ALTER TABLE community_resources DROP COLUMN category')

    # referrals is copied once to gain its screen link (SQLite adds a named foreign key only
    # by rebuilding the table); nothing references it yet, so the copy deletes nothing.
    with op.batch_alter_table('referrals', schema=None, recreate='always') as batch_op:
        batch_op.add_column(sa.Column('need', sa.String(length=20), server_default='other', nullable=False))
        batch_op.add_column(sa.Column('assessment_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_referrals_assessment_id_assessments'), 'assessments', ['assessment_id'], ['id'],
            ondelete='SET NULL',
        )
    op.execute(
        "UPDATE referrals SET need = COALESCE((SELECT json_extract(c.needs_json, '$[0]') "
        "FROM community_resources c WHERE c.id = referrals.resource_id), 'other')"
    )

    op.create_table('referral_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_steps_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_steps'))
    )
    with op.batch_alter_table('referral_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_steps_referral_id'), ['referral_id'], unique=False)
    op.execute(
        'INSERT INTO referral_steps (referral_id, status, "on", note) '
        "SELECT id, 'proposed', opened_on, reason FROM referrals ORDER BY id"
    )
    op.execute(
        'INSERT INTO referral_steps (referral_id, status, "on", note) '
        "SELECT id, status, COALESCE(closed_on, opened_on), '' FROM referrals WHERE status != 'proposed' ORDER BY id"
    )
    # The closed date is the closing step's: an open referral has none.
    op.execute("UPDATE referrals SET closed_on = NULL WHERE status IN ('proposed', 'sent', 'accepted')")
    op.execute("UPDATE referrals SET closed_on = opened_on WHERE closed_on IS NULL AND status NOT IN ('proposed', 'sent', 'accepted')")
    op.execute('ALTER TABLE referrals DROP COLUMN reason')


def downgrade() -> None:
    # 0003 holds no steps, no screen link, no hours, eligibility, notes or active flag: those
    # go. A referral's reason is its first step's note (else "<need> referral"); a resource's
    # category is its first need.
    op.execute("ALTER TABLE referrals ADD COLUMN reason VARCHAR(200) NOT NULL DEFAULT ''")
    op.execute(
        "UPDATE referrals SET reason = COALESCE(NULLIF(substr((SELECT s.note FROM referral_steps s "
        "WHERE s.referral_id = referrals.id ORDER BY s.\"on\", s.id LIMIT 1), 1, 200), ''), need || ' referral')"
    )
    with op.batch_alter_table('referral_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_steps_referral_id'))
    op.drop_table('referral_steps')
    # SQLite cannot drop a column that references another table in place; referrals is
    # copied (nothing references it once referral_steps is gone).
    with op.batch_alter_table('referrals', schema=None, recreate='always') as batch_op:
        batch_op.drop_column('assessment_id')
        batch_op.drop_column('need')

    op.execute("ALTER TABLE community_resources ADD COLUMN category VARCHAR(40) NOT NULL DEFAULT ''")
    op.execute("UPDATE community_resources SET category = COALESCE(json_extract(needs_json, '$[0]'), 'other')")
    for column in ('active', 'notes', 'eligibility', 'hours', 'needs_json'):
        op.execute(f'ALTER TABLE community_resources DROP COLUMN {column}')
