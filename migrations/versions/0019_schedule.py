"""presentation schedule

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 21:00:00

The panel round's presentation schedule (`kipp.models.schedule`): one schedule per competition,
its rooms with their panelists, and one slot per shortlisted entry.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("competition_id", sa.Integer(), sa.ForeignKey("competitions.id"), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("day_start", sa.Time(), nullable=False),
        sa.Column("day_end", sa.Time(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("breaks", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("competition_id", name="uq_schedules_competition"),
        sa.CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="schedule_slot_minutes"),
        sa.CheckConstraint("day_start < day_end", name="schedule_day_window"),
    )
    op.create_table(
        "schedule_rooms",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "schedule_id",
            sa.Integer(),
            sa.ForeignKey("schedules.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("meeting_url", sa.String(500), nullable=True),
        sa.UniqueConstraint("schedule_id", "name", name="uq_schedule_rooms_name"),
    )
    op.create_table(
        "schedule_room_members",
        sa.Column(
            "room_id",
            sa.Integer(),
            sa.ForeignKey("schedule_rooms.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
    )
    op.create_table(
        "schedule_slots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "schedule_id",
            sa.Integer(),
            sa.ForeignKey("schedules.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("entries.id"), nullable=False),
        sa.Column("room_id", sa.Integer(), sa.ForeignKey("schedule_rooms.id"), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("schedule_id", "entry_id", name="uq_schedule_slots_entry"),
        sa.UniqueConstraint("room_id", "starts_at", name="uq_schedule_slots_room_start"),
        sa.CheckConstraint("ends_at > starts_at", name="schedule_slot_order"),
    )
    op.create_index(
        "ix_schedule_slots_schedule_start", "schedule_slots", ["schedule_id", "starts_at"]
    )


def downgrade():
    op.drop_index("ix_schedule_slots_schedule_start", table_name="schedule_slots")
    op.drop_table("schedule_slots")
    op.drop_table("schedule_room_members")
    op.drop_table("schedule_rooms")
    op.drop_table("schedules")
