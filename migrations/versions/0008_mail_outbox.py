"""mail outbox

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 18:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('text_body', sa.Text(), nullable=False),
        sa.Column('html_body', sa.Text(), nullable=False),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('worker', sa.String(length=200), nullable=True),
        sa.Column('key', sa.String(length=200), nullable=True),
        sa.CheckConstraint("status IN ('queued','sent','failed')", name=op.f('ck_mails_status')),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_mails_user_id_users'), ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mails')),
        sa.UniqueConstraint('key', name=op.f('uq_mails_key')),
    )
    with op.batch_alter_table('mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mails_to_address'), ['to_address'], unique=False)
        batch_op.create_index(batch_op.f('ix_mails_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mails_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_mails_status_next_attempt', ['status', 'next_attempt_at'])
        batch_op.create_index('ix_mails_created_at', ['created_at'])


def downgrade():
    with op.batch_alter_table('mails', schema=None) as batch_op:
        batch_op.drop_index('ix_mails_created_at')
        batch_op.drop_index('ix_mails_status_next_attempt')
        batch_op.drop_index(batch_op.f('ix_mails_kind'))
        batch_op.drop_index(batch_op.f('ix_mails_user_id'))
        batch_op.drop_index(batch_op.f('ix_mails_to_address'))
    op.drop_table('mails')
