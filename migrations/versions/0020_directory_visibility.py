"""directory visibility kept in the search table

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 01:00:00

`innovation_search` gains what the directory's visibility rule reads besides the entry's own
status and consent, so that listing, counting and searching read that one narrow table:
- `tier_rank`: the entry's best tier among the *published* selections listing it (2 final,
  1 shortlist, 0 another award), NULL when no published selection lists it;
- `awarded`: its competition's stage is `awarded`.
The ranking vector `heading` moves to `innovation_documents` beside the matching vector, so a
scan that does not search reads rows a third as wide.

Both columns are computed by the database from the source tables whenever a search row is
written (PostgreSQL: a BEFORE trigger on `innovation_search`; SQLite: AFTER triggers that update
the new row), and recomputed when a competition's stage, a selection's publication or tier, or
a selection's entries change, whatever code does it. `kipp.directory.queries.visible` states
the rule on `entries` (the source of truth); tests check both readings agree.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TIER_RANK = """(SELECT max(CASE s.tier WHEN 'final' THEN 2 WHEN 'shortlist' THEN 1 ELSE 0 END)
        FROM selection_entries se JOIN selections s ON s.id = se.selection_id
        WHERE se.entry_id = {entry} AND s.published_at IS NOT NULL)"""
AWARDED = """EXISTS (SELECT 1 FROM competitions c
        WHERE c.id = {competition} AND c.stage = 'awarded')"""

# kipp_index_entries as in 0011, with the heading written beside the document.
PG_INDEX = """CREATE OR REPLACE FUNCTION kipp_index_entries(ids integer[]) RETURNS void
    LANGUAGE sql AS $$
      INSERT INTO innovation_documents (entry_id, document, heading)
      SELECT e.id, kipp_document(e.title, a.name, e.summary), kipp_heading(e.title, a.name)
      FROM entries e JOIN agencies a ON a.id = e.agency_id
      WHERE e.id = ANY(ids)
      ON CONFLICT (entry_id) DO UPDATE SET
        document = EXCLUDED.document, heading = EXCLUDED.heading;
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
        island = EXCLUDED.island, is_3t = EXCLUDED.is_3t, title = EXCLUDED.title
    $$"""
PG_INDEX_0011 = """CREATE OR REPLACE FUNCTION kipp_index_entries(ids integer[]) RETURNS void
    LANGUAGE sql AS $$
      INSERT INTO innovation_documents (entry_id, document)
      SELECT e.id, kipp_document(e.title, a.name, e.summary)
      FROM entries e JOIN agencies a ON a.id = e.agency_id
      WHERE e.id = ANY(ids)
      ON CONFLICT (entry_id) DO UPDATE SET document = EXCLUDED.document;
      INSERT INTO innovation_search (entry_id, competition_id, agency_id, status, public, year,
        "group", kind, province, island, is_3t, title, heading)
      SELECT e.id, e.competition_id, e.agency_id, e.status, e.public, c.year, e."group",
             a.kind, a.province, kipp_island(a.province), a.is_3t, e.title,
             kipp_heading(e.title, a.name)
      FROM entries e
      JOIN agencies a ON a.id = e.agency_id
      JOIN competitions c ON c.id = e.competition_id
      WHERE e.id = ANY(ids)
      ON CONFLICT (entry_id) DO UPDATE SET
        competition_id = EXCLUDED.competition_id, agency_id = EXCLUDED.agency_id,
        status = EXCLUDED.status, public = EXCLUDED.public, year = EXCLUDED.year,
        "group" = EXCLUDED."group", kind = EXCLUDED.kind, province = EXCLUDED.province,
        island = EXCLUDED.island, is_3t = EXCLUDED.is_3t, title = EXCLUDED.title,
        heading = EXCLUDED.heading
    $$"""

# Touching a search row (an UPDATE that changes nothing by itself) makes the BEFORE trigger
# recompute both columns.
IN_SELECTION = "entry_id IN (SELECT entry_id FROM selection_entries WHERE selection_id = NEW.id)"
_TOUCH = "UPDATE innovation_search SET tier_rank = tier_rank WHERE {where};"
PG_UP = [
    f"""CREATE FUNCTION kipp_search_visibility() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.tier_rank := {TIER_RANK.format(entry="NEW.entry_id")};
      NEW.awarded := {AWARDED.format(competition="NEW.competition_id")};
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER innovation_search_visibility BEFORE INSERT OR UPDATE ON innovation_search
    FOR EACH ROW EXECUTE FUNCTION kipp_search_visibility()""",
    f"""CREATE FUNCTION kipp_competitions_visibility() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_TOUCH.format(where="competition_id = NEW.id")} RETURN NULL; END $$""",
    """CREATE TRIGGER competitions_visibility AFTER UPDATE OF stage ON competitions
    FOR EACH ROW WHEN (OLD.stage IS DISTINCT FROM NEW.stage)
    EXECUTE FUNCTION kipp_competitions_visibility()""",
    f"""CREATE FUNCTION kipp_selections_visibility() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      {_TOUCH.format(where=IN_SELECTION)}
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER selections_visibility AFTER UPDATE OF published_at, tier ON selections
    FOR EACH ROW EXECUTE FUNCTION kipp_selections_visibility()""",
    f"""CREATE FUNCTION kipp_selection_entries_visibility() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN {_TOUCH.format(where="entry_id = OLD.entry_id")} END IF;
      IF TG_OP <> 'DELETE' THEN {_TOUCH.format(where="entry_id = NEW.entry_id")} END IF;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER selection_entries_visibility
    AFTER INSERT OR UPDATE OF entry_id, selection_id OR DELETE ON selection_entries
    FOR EACH ROW EXECUTE FUNCTION kipp_selection_entries_visibility()""",
    PG_INDEX,
    "SELECT kipp_index_entries(ARRAY(SELECT id FROM entries))",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS selection_entries_visibility ON selection_entries",
    "DROP TRIGGER IF EXISTS selections_visibility ON selections",
    "DROP TRIGGER IF EXISTS competitions_visibility ON competitions",
    "DROP TRIGGER IF EXISTS innovation_search_visibility ON innovation_search",
    "DROP FUNCTION IF EXISTS kipp_selection_entries_visibility()",
    "DROP FUNCTION IF EXISTS kipp_selections_visibility()",
    "DROP FUNCTION IF EXISTS kipp_competitions_visibility()",
    "DROP FUNCTION IF EXISTS kipp_search_visibility()",
]


def _sqlite_set(where: str) -> str:
    return (
        f"UPDATE innovation_search SET "
        f"tier_rank = {TIER_RANK.format(entry='innovation_search.entry_id')}, "
        f"awarded = {AWARDED.format(competition='innovation_search.competition_id')} "
        f"WHERE {where};"
    )


# The same statements are run by kipp.directory.index (`directory reindex`).
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER innovation_search_visibility_insert AFTER INSERT ON innovation_search
    BEGIN {_sqlite_set("entry_id = NEW.entry_id")} END""",
    f"""CREATE TRIGGER innovation_search_visibility_update
    AFTER UPDATE OF competition_id ON innovation_search
    BEGIN {_sqlite_set("entry_id = NEW.entry_id")} END""",
    f"""CREATE TRIGGER competitions_visibility AFTER UPDATE OF stage ON competitions
    BEGIN {_sqlite_set("competition_id = NEW.id")} END""",
    f"""CREATE TRIGGER selections_visibility AFTER UPDATE OF published_at, tier ON selections
    BEGIN {_sqlite_set(IN_SELECTION)} END""",
    f"""CREATE TRIGGER selection_entries_visibility_insert AFTER INSERT ON selection_entries
    BEGIN {_sqlite_set("entry_id = NEW.entry_id")} END""",
    f"""CREATE TRIGGER selection_entries_visibility_update
    AFTER UPDATE OF entry_id, selection_id ON selection_entries
    BEGIN {_sqlite_set("entry_id IN (OLD.entry_id, NEW.entry_id)")} END""",
    f"""CREATE TRIGGER selection_entries_visibility_delete AFTER DELETE ON selection_entries
    BEGIN {_sqlite_set("entry_id = OLD.entry_id")} END""",
]
SQLITE_TRIGGER_NAMES = [s.split()[2] for s in SQLITE_TRIGGERS]
SQLITE_FILL = [_sqlite_set("1 = 1")]


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    vector = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")
    op.add_column("innovation_documents", sa.Column("heading", vector, nullable=True))
    # Plain ALTER TABLE on SQLite too (3.35+): a batch copy would rename the table under the
    # triggers of 0011 that name it, which SQLite refuses.
    op.add_column("innovation_search", sa.Column("tier_rank", sa.SmallInteger(), nullable=True))
    op.add_column(
        "innovation_search",
        sa.Column("awarded", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute("ALTER TABLE innovation_search DROP COLUMN heading")
    statements = PG_UP if postgres else [*SQLITE_TRIGGERS, *SQLITE_FILL]
    for statement in statements:
        op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for statement in PG_DOWN:
            op.execute(statement)
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    vector = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")
    op.add_column("innovation_search", sa.Column("heading", vector, nullable=True))
    op.execute("ALTER TABLE innovation_search DROP COLUMN awarded")
    op.execute("ALTER TABLE innovation_search DROP COLUMN tier_rank")
    if postgres:  # 0011's function writes the heading back into innovation_search
        op.execute(PG_INDEX_0011)
        op.execute("SELECT kipp_index_entries(ARRAY(SELECT id FROM entries))")
    op.execute("ALTER TABLE innovation_documents DROP COLUMN heading")
