"""conflicts declared after assignment

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


CONFLICTED_CHECK = (
    "(NOT conflicted AND conflicted_at IS NULL) OR "
    "(conflicted AND conflicted_at IS NOT NULL AND status = 'submitted')"
)


def upgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('conflicted', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column('conflicted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f('ck_assignments_conflicted'), CONFLICTED_CHECK)


def downgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_assignments_conflicted'), type_='check')
        batch_op.drop_column('conflicted_at')
        batch_op.drop_column('conflicted')
