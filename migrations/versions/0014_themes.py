"""themes and innovation profiles

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 19:00:00

API v1.1 § Themes and data that stays true:
- `themes` (code, Indonesian and English labels), seeded with the initial controlled list;
- `entries.theme`, the entry's theme code (NULL for none). A plain column, no foreign key:
  on SQLite a foreign key would make Alembic recreate `entries` and lose the directory's
  triggers (migration 0011); the services only ever write a code that is in `themes`, and
  theme codes are never renamed or deleted. Added with ALTER TABLE (no recreation); the
  downgrade drops its index, then the column, with SQLite's own ALTER TABLE DROP COLUMN;
- `innovation_profiles` (the current profile of a directory innovation, one row per entry) and
  `innovation_profile_versions` (every validation kept).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

SEED = (
    ("poverty", "Penanggulangan kemiskinan", "Poverty alleviation"),
    ("investment", "Investasi", "Investment"),
    ("digital", "Administrasi digital", "Digital administration"),
    ("health", "Kesehatan", "Health"),
    ("education", "Pendidikan", "Education"),
    ("environment", "Lingkungan hidup", "Environment"),
    ("public_services", "Pelayanan publik", "Public services"),
)


def upgrade():
    themes = op.create_table(
        "themes",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("label_id", sa.String(100), nullable=False),
        sa.Column("label_en", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Stored as the models store UTC (naive on SQLite, timestamptz on PostgreSQL).
    at = datetime(2026, 12, 6, tzinfo=UTC)
    if op.get_bind().dialect.name == "sqlite":
        at = at.replace(tzinfo=None)
    op.bulk_insert(
        themes,
        [{"code": c, "label_id": i, "label_en": e, "created_at": at} for c, i, e in SEED],
    )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("theme", sa.String(40), nullable=True))
    op.create_index("ix_entries_theme", "entries", ["theme"])
    op.create_table(
        "innovation_profiles",
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("entries.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("impact", sa.Text(), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("validated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("validated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.CheckConstraint("status IN ('running','stopped')", name="profile_status"),
    )
    op.create_index("ix_innovation_profiles_validated_at", "innovation_profiles", ["validated_at"])
    op.create_table(
        "innovation_profile_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("entries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("impact", sa.Text(), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("validated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("validated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.UniqueConstraint("entry_id", "version", name="uq_profile_version"),
    )


def downgrade():
    op.drop_table("innovation_profile_versions")
    op.drop_index("ix_innovation_profiles_validated_at", table_name="innovation_profiles")
    op.drop_table("innovation_profiles")
    op.drop_index("ix_entries_theme", table_name="entries")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite >= 3.35; a batch drop would recreate the table and lose its triggers.
        op.execute("ALTER TABLE entries DROP COLUMN theme")
    else:
        with op.batch_alter_table("entries", schema=None) as batch_op:
            batch_op.drop_column("theme")
    op.drop_table("themes")
