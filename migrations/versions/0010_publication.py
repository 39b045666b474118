"""publication

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 18:00:00

Published selections (masa sanggah): the publication and decree columns of `selections`, entry
status `disqualified`, the objections and the amendment history.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OLD_STATUS = "status IN ('draft','submitted','eligible','ineligible')"
NEW_STATUS = "status IN ('draft','submitted','eligible','ineligible','disqualified')"
DECIDED_CHECK = (
    "(status = 'received' AND decided_at IS NULL) OR "
    "(status IN ('upheld','dismissed') AND decided_at IS NOT NULL AND answer IS NOT NULL)"
)


def upgrade():
    with op.batch_alter_table('selections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('objection_closes_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('decree_number', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('decree_signed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('decree_file', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('decree_sha256', sa.String(length=64), nullable=True))

    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_entries_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_entries_status'), NEW_STATUS)

    op.create_table(
        'objections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=32), nullable=False),
        sa.Column('selection_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('statement', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=True),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.CheckConstraint(
            "status IN ('received','upheld','dismissed')", name=op.f('ck_objections_status')
        ),
        sa.CheckConstraint(DECIDED_CHECK, name=op.f('ck_objections_decided')),
        sa.ForeignKeyConstraint(
            ['selection_id'], ['selections.id'],
            name=op.f('fk_objections_selection_id_selections'),
        ),
        sa.ForeignKeyConstraint(
            ['entry_id'], ['entries.id'], name=op.f('fk_objections_entry_id_entries')
        ),
        sa.ForeignKeyConstraint(
            ['decided_by_id'], ['users.id'], name=op.f('fk_objections_decided_by_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_objections')),
        sa.UniqueConstraint('reference', name=op.f('uq_objections_reference')),
    )
    op.create_index(
        'ix_objections_selection_status', 'objections', ['selection_id', 'status']
    )

    op.create_table(
        'selection_amendments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('selection_id', sa.Integer(), nullable=False),
        sa.Column('removed', sa.JSON(), nullable=False),
        sa.Column('added', sa.JSON(), nullable=False),
        sa.Column('justifications', sa.JSON(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('snapshot_sha256', sa.String(length=64), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['selection_id'], ['selections.id'],
            name=op.f('fk_selection_amendments_selection_id_selections'),
        ),
        sa.ForeignKeyConstraint(
            ['by_id'], ['users.id'], name=op.f('fk_selection_amendments_by_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_amendments')),
    )
    op.create_index(
        'ix_selection_amendments_selection', 'selection_amendments', ['selection_id', 'id']
    )


def downgrade():
    op.drop_index('ix_selection_amendments_selection', table_name='selection_amendments')
    op.drop_table('selection_amendments')
    op.drop_index('ix_objections_selection_status', table_name='objections')
    op.drop_table('objections')
    op.execute("UPDATE entries SET status = 'eligible' WHERE status = 'disqualified'")
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_entries_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_entries_status'), OLD_STATUS)
    with op.batch_alter_table('selections', schema=None) as batch_op:
        batch_op.drop_column('decree_sha256')
        batch_op.drop_column('decree_file')
        batch_op.drop_column('decree_signed_on')
        batch_op.drop_column('decree_number')
        batch_op.drop_column('objection_closes_at')
        batch_op.drop_column('published_at')
