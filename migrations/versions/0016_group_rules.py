"""group rules: criteria per group, invitation-only groups, invitations

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 21:00:00

API v1.1 § Competition rules:
- `competition_groups.invitation_only` (default false);
- `group_criteria`: a group's own evaluation criteria, going with their group row;
- `group_invitations`: agencies invited into an invitation-only group (by group code).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("competition_groups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("invitation_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "group_criteria",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "group_id",
            sa.Integer(),
            sa.ForeignKey("competition_groups.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("word_limit", sa.Integer(), nullable=True),
        sa.Column("guidance", sa.String(1000), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.UniqueConstraint("group_id", "code"),
        sa.CheckConstraint("weight >= 0 AND weight <= 100", name="group_weight_range"),
    )
    op.create_index("ix_group_criteria_group_id", "group_criteria", ["group_id"])
    op.create_table(
        "group_invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "competition_id",
            sa.Integer(),
            sa.ForeignKey("competitions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("group", sa.String(30), nullable=False),
        sa.Column(
            "agency_id",
            sa.Integer(),
            sa.ForeignKey("agencies.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "created_by_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("competition_id", "group", "agency_id"),
    )
    op.create_index("ix_group_invitations_competition_id", "group_invitations", ["competition_id"])


def downgrade():
    op.drop_index("ix_group_invitations_competition_id", table_name="group_invitations")
    op.drop_table("group_invitations")
    op.drop_index("ix_group_criteria_group_id", table_name="group_criteria")
    op.drop_table("group_criteria")
    with op.batch_alter_table("competition_groups", schema=None) as batch_op:
        batch_op.drop_column("invitation_only")
