"""directory facet cells

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 08:00:00

The directory's facets count its rows per value of seven dimensions (year, tier, island,
province, kind, group, 3T). On PostgreSQL they are counted in two steps: the rows per
combination of all seven (a *cell*), then the cells summed per dimension. This migration gives
every combination an integer once, so that the first step groups one integer instead of seven
values:
- `directory_cells`: one row per combination seen (`tier` as the facet shows it: 2 final,
  1 shortlist, 0 none), never deleted (a combination no row has any more simply counts nothing);
- `innovation_search.cell`: the row's cell, set by the BEFORE trigger of 0020 whenever a search
  row is written (PostgreSQL);
- `innovation_documents.cell` and `.visible`: copies of the search row's cell and of the
  directory's visibility rule on it (`kipp_shown`, as `kipp.directory.visibility.visible_copy`
  states it), so that a text search reads the matches, their cells and whether they are shown
  from the one table its full-text index is on. A document takes them from its search row
  when written (a BEFORE trigger; `kipp_index_entries` now writes the search row first), and
  is rewritten when they change on the search row (an AFTER trigger there) — only then, so
  the wide rows are not rewritten by every touch.

SQLite keeps the columns empty: its facets are counted per dimension (`kipp.directory.facets`).
`tests/directory/test_visibility_copy.py` checks after every kind of change that the copies
agree with the rows.
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _load(name: str):
    spec = importlib.util.spec_from_file_location(
        f"kipp_migration_{name}", Path(__file__).parent / name
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_0020 = _load("0020_directory_visibility.py")
TIER_RANK, AWARDED = _0020.TIER_RANK, _0020.AWARDED
# 0020's kipp_index_entries with the search row written before the document, so that a new
# document takes its copies from its search row at once instead of being rewritten, and a
# document rewritten only when its text changes (a status change leaves it alone).
PG_INDEX = """CREATE OR REPLACE FUNCTION kipp_index_entries(ids integer[]) RETURNS void
    LANGUAGE sql AS $$
      INSERT INTO innovation_search (entry_id, competition_id, agency_id, status, public, year,
        "group", kind, province, island, is_3t, title)
      SELECT e.id, e.competition_id, e.agency_id, e.status, e.public, c.year, e."group",
             a.kind, a.province, kipp_island(a.province), a.is_3t, e.title
      FROM entries e
      JOIN agencies a ON a.id = e.agency_id
      JOIN competitions c ON c.id = e.competition_id
      WHERE e.id = ANY(ids)
      ON CONFLICT (entry_id) DO UPDATE SET
        competition_id = EXCLUDED.competition_id, agency_id = EXCLUDED.agency_id,
        status = EXCLUDED.status, public = EXCLUDED.public, year = EXCLUDED.year,
        "group" = EXCLUDED."group", kind = EXCLUDED.kind, province = EXCLUDED.province,
        island = EXCLUDED.island, is_3t = EXCLUDED.is_3t, title = EXCLUDED.title;
      INSERT INTO innovation_documents (entry_id, document, heading)
      SELECT e.id, kipp_document(e.title, a.name, e.summary), kipp_heading(e.title, a.name)
      FROM entries e JOIN agencies a ON a.id = e.agency_id
      WHERE e.id = ANY(ids)
      ON CONFLICT (entry_id) DO UPDATE SET
        document = EXCLUDED.document, heading = EXCLUDED.heading
      WHERE (innovation_documents.document, innovation_documents.heading)
        IS DISTINCT FROM (EXCLUDED.document, EXCLUDED.heading)
    $$"""
DIMENSIONS = ("year", "tier", "island", "province", "kind", '"group"', "is_3t")
_MATCH = " AND ".join(f"{d} = p_{d.strip(chr(34))}" for d in DIMENSIONS)
_ARGS = ", ".join(f"p_{d.strip(chr(34))}" for d in DIMENSIONS)

PG_UP = [
    # The directory's visibility rule on a search row's copies (`visible_copy`), once in SQL.
    """CREATE FUNCTION kipp_shown(p_status text, p_public boolean, p_tier_rank smallint,
        p_awarded boolean) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
      SELECT p_status <> 'disqualified'
        AND (p_tier_rank IS NOT NULL OR (p_awarded AND p_status = 'eligible' AND p_public))
    $$""",
    f"""CREATE FUNCTION kipp_cell(p_year integer, p_tier smallint, p_island text,
        p_province text, p_kind text, p_group text, p_is_3t boolean) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE found integer;
    BEGIN
      SELECT id INTO found FROM directory_cells WHERE {_MATCH};
      IF found IS NULL THEN
        INSERT INTO directory_cells ({", ".join(DIMENSIONS)}) VALUES ({_ARGS})
          ON CONFLICT DO NOTHING RETURNING id INTO found;
        IF found IS NULL THEN  -- written meanwhile by another transaction, now committed
          SELECT id INTO found FROM directory_cells WHERE {_MATCH};
        END IF;
      END IF;
      RETURN found;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION kipp_search_visibility() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.tier_rank := {TIER_RANK.format(entry="NEW.entry_id")};
      NEW.awarded := {AWARDED.format(competition="NEW.competition_id")};
      NEW.cell := kipp_cell(NEW.year,
        (CASE WHEN NEW.tier_rank IN (1, 2) THEN NEW.tier_rank ELSE 0 END)::smallint,
        NEW.island, NEW.province, NEW.kind, NEW."group", NEW.is_3t);
      RETURN NEW;
    END $$""",
    # A document row takes its copies from the search row when it is written...
    """CREATE FUNCTION kipp_documents_copy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      SELECT s.cell, kipp_shown(s.status, s.public, s.tier_rank, s.awarded)
        INTO NEW.cell, NEW.visible
        FROM innovation_search s WHERE s.entry_id = NEW.entry_id;
      NEW.visible := coalesce(NEW.visible, false);
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER innovation_documents_copy BEFORE INSERT OR UPDATE ON innovation_documents
    FOR EACH ROW EXECUTE FUNCTION kipp_documents_copy()""",
    # ... and is rewritten (only) when a search row's copies change afterwards.
    """CREATE FUNCTION kipp_search_documents() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE innovation_documents SET visible = visible
      WHERE entry_id = NEW.entry_id AND (cell, visible) IS DISTINCT FROM
        (NEW.cell, kipp_shown(NEW.status, NEW.public, NEW.tier_rank, NEW.awarded));
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER innovation_search_documents AFTER INSERT OR UPDATE ON innovation_search
    FOR EACH ROW EXECUTE FUNCTION kipp_search_documents()""",
    PG_INDEX,
    "UPDATE innovation_search SET tier_rank = tier_rank",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS innovation_search_documents ON innovation_search",
    "DROP TRIGGER IF EXISTS innovation_documents_copy ON innovation_documents",
    "DROP FUNCTION IF EXISTS kipp_search_documents()",
    "DROP FUNCTION IF EXISTS kipp_documents_copy()",
    _0020.PG_UP[0].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1),
    _0020.PG_INDEX,
    "DROP FUNCTION IF EXISTS kipp_cell(integer, smallint, text, text, text, text, boolean)",
    "DROP FUNCTION IF EXISTS kipp_shown(text, boolean, smallint, boolean)",
]


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "directory_cells",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("tier", sa.SmallInteger(), nullable=False),
        sa.Column("island", sa.String(30), nullable=False),
        sa.Column("province", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("group", sa.String(30), nullable=False),
        sa.Column("is_3t", sa.Boolean(), nullable=False),
        sa.UniqueConstraint(
            "year",
            "tier",
            "island",
            "province",
            "kind",
            "group",
            "is_3t",
            name=op.f("uq_directory_cells_dimensions"),
        ),
    )
    # Plain ALTER TABLE on SQLite too: a batch copy would drop 0011's and 0020's triggers.
    op.add_column("innovation_search", sa.Column("cell", sa.Integer(), nullable=True))
    op.add_column("innovation_documents", sa.Column("cell", sa.Integer(), nullable=True))
    op.add_column(
        "innovation_documents",
        sa.Column("visible", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    if postgres:
        for statement in PG_UP:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_DOWN:
            op.execute(statement)
    op.execute("ALTER TABLE innovation_documents DROP COLUMN visible")
    op.execute("ALTER TABLE innovation_documents DROP COLUMN cell")
    op.execute("ALTER TABLE innovation_search DROP COLUMN cell")
    op.drop_table("directory_cells")
