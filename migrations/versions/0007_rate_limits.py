"""rate limits of public and e-mail operations

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 18:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rate_hits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bucket', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=254), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_hits')),
    )
    op.create_index('ix_rate_hits_bucket_key_at', 'rate_hits', ['bucket', 'key', 'at'])


def downgrade():
    op.drop_index('ix_rate_hits_bucket_key_at', table_name='rate_hits')
    op.drop_table('rate_hits')
