"""blind review

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 18:35:00

`competitions.blind_review` (API v1.1 § Blind review): false for every existing competition.
The server default is the plain string '0' (a boolean literal on both databases), not a SQL
expression: on SQLite Alembic then adds the column with ALTER TABLE instead of recreating the
table, which would drop the directory's `competitions_search` trigger (migration 0011).
Downgrade drops the column with SQLite's own ALTER TABLE DROP COLUMN for the same reason.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('competitions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('blind_review', sa.Boolean(), nullable=False, server_default='0')
        )


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite >= 3.35; a batch drop would recreate the table and lose its triggers.
        op.execute('ALTER TABLE competitions DROP COLUMN blind_review')
        return
    with op.batch_alter_table('competitions', schema=None) as batch_op:
        batch_op.drop_column('blind_review')
