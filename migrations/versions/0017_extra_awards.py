"""extra awards

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 21:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('extra_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=15), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('group', sa.String(length=30), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_extra_awards_size_positive')),
    sa.ForeignKeyConstraint(['competition_id'], ['competitions.id'], name=op.f('fk_extra_awards_competition_id_competitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extra_awards')),
    sa.UniqueConstraint('competition_id', 'code', name=op.f('uq_extra_awards_competition_id_code'))
    )
    if op.get_bind().dialect.name == 'sqlite':
        # A batch alter would recreate the table and lose the directory's triggers on it.
        op.execute(
            'ALTER TABLE competitions ADD COLUMN pass_mark NUMERIC(5, 2) '
            'CONSTRAINT ck_competitions_pass_mark_range CHECK (pass_mark >= 0 AND pass_mark <= 100)'
        )
    else:
        op.add_column('competitions', sa.Column('pass_mark', sa.Numeric(precision=5, scale=2), nullable=True))
        op.create_check_constraint(
            op.f('ck_competitions_pass_mark_range'), 'competitions', 'pass_mark >= 0 AND pass_mark <= 100'
        )
    with op.batch_alter_table('selections', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_selections_tier'), type_='check')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label', sa.String(length=200), nullable=True))
        batch_op.drop_constraint(op.f('ck_certificates_award'), type_='check')
        batch_op.drop_constraint(op.f('uq_certificates_competition_id_entry_id'), type_='unique')
        batch_op.create_unique_constraint(
            op.f('uq_certificates_competition_id_entry_id_award'),
            ['competition_id', 'entry_id', 'award'],
        )


def downgrade():
    op.execute("DELETE FROM certificates WHERE award NOT IN ('shortlist','final')")
    op.execute(
        "DELETE FROM selection_entries WHERE selection_id IN "
        "(SELECT id FROM selections WHERE tier NOT IN ('shortlist','final'))"
    )
    op.execute("DELETE FROM selections WHERE tier NOT IN ('shortlist','final')")
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f('uq_certificates_competition_id_entry_id_award'), type_='unique'
        )
        batch_op.create_unique_constraint(
            op.f('uq_certificates_competition_id_entry_id'), ['competition_id', 'entry_id']
        )
        batch_op.create_check_constraint(
            op.f('ck_certificates_award'), "award IN ('shortlist','final')"
        )
        batch_op.drop_column('label')
    with op.batch_alter_table('selections', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_selections_tier'), "tier IN ('shortlist','final')")
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE competitions DROP COLUMN pass_mark')  # SQLite >= 3.35
    else:
        op.drop_constraint(op.f('ck_competitions_pass_mark_range'), 'competitions', type_='check')
        op.drop_column('competitions', 'pass_mark')
    op.drop_table('extra_awards')
