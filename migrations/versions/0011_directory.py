"""directory

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 18:00:00

The innovation directory (API v1.1 § Public data, § Replication lineage):
- `entries.public` (the agency's consent to list a non-winning eligible entry once the year is
  awarded), `entries.replicates_entry_id` (the public innovation it replicates) and
  `entries.replication_notes`;
- `innovation_search`, a narrow copy of each entry's directory facts (status, public flag,
  year, group, agency kind, province, island group, 3T, title) and, on PostgreSQL, its
  tsvector `heading` (title A, agency B) for ranking; `innovation_documents`, on PostgreSQL the
  tsvector `document` (title A, agency B, summary C) under a GIN index for matching, apart so
  that listing without a query never reads it; both under two text search configurations,
  `kipp_id` (unaccent + the Snowball Indonesian stemmer: pelayanan, melayani, layanan → layan)
  and `kipp_en` (unaccent + the English stemmer: services → servic);
- on SQLite, the FTS5 table `innovation_fts(title, agency, summary)` (tokenizer `porter
  unicode61 remove_diacritics 2`, rowid = the entry's id).
Triggers keep both current whatever code changes an entry, its agency or its competition's year.
They are created after the batch operation on `entries`: on SQLite a batch operation recreates
the table and drops its triggers (a later migration that batch-alters `entries` must run
`flask --app wsgi directory reindex`, which recreates them). Province → island group is frozen
here as `kipp.judging.distribution` had it (lower-cased names and aliases; anything else
`other`).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

ISLANDS = {
    'sumatera': (
        'aceh',
        'sumatera utara',
        'sumatera barat',
        'riau',
        'kepulauan riau',
        'jambi',
        'sumatera selatan',
        'kepulauan bangka belitung',
        'bengkulu',
        'lampung',
        'nanggroe aceh darussalam',
        'nad',
        'sumut',
        'sumbar',
        'sumsel',
        'kepri',
        'bangka belitung',
        'babel',
    ),
    'jawa': (
        'dki jakarta',
        'jawa barat',
        'banten',
        'jawa tengah',
        'di yogyakarta',
        'jawa timur',
        'jakarta',
        'dki',
        'daerah khusus ibukota jakarta',
        'daerah khusus jakarta',
        'dk jakarta',
        'jabar',
        'jateng',
        'jatim',
        'yogyakarta',
        'diy',
        'daerah istimewa yogyakarta',
    ),
    'kalimantan': (
        'kalimantan barat',
        'kalimantan tengah',
        'kalimantan selatan',
        'kalimantan timur',
        'kalimantan utara',
        'kalbar',
        'kalteng',
        'kalsel',
        'kaltim',
        'kaltara',
    ),
    'sulawesi': (
        'sulawesi utara',
        'gorontalo',
        'sulawesi tengah',
        'sulawesi barat',
        'sulawesi selatan',
        'sulawesi tenggara',
        'sulut',
        'sulteng',
        'sulbar',
        'sulsel',
        'sultra',
    ),
    'bali_nusa_tenggara': (
        'bali',
        'nusa tenggara barat',
        'nusa tenggara timur',
        'ntb',
        'ntt',
    ),
    'maluku': (
        'maluku',
        'maluku utara',
        'malut',
    ),
    'papua': (
        'papua',
        'papua barat',
        'papua barat daya',
        'papua tengah',
        'papua pegunungan',
        'papua selatan',
        'pabar',
        'pbd',
    ),
}


def island_case(expr):
    whens = " ".join(
        f"WHEN '{name}' THEN '{group}'" for group, names in ISLANDS.items() for name in names
    )
    return f"CASE lower(trim({expr})) {whens} ELSE 'other' END"


COLUMNS = (
    "entry_id, competition_id, agency_id, status, public, year, \"group\", kind, province, "
    "island, is_3t, title"
)
PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION kipp_id (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION kipp_id ALTER MAPPING FOR asciiword, asciihword, "
    "hword_asciipart WITH indonesian_stem",
    "ALTER TEXT SEARCH CONFIGURATION kipp_id ALTER MAPPING FOR word, hword, hword_part "
    "WITH unaccent, indonesian_stem",
    "CREATE TEXT SEARCH CONFIGURATION kipp_en (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION kipp_en ALTER MAPPING FOR word, hword, hword_part "
    "WITH unaccent, english_stem",
    f"""CREATE FUNCTION kipp_island(p text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT {island_case('p')}
    $$""",
    """CREATE FUNCTION kipp_heading(t text, a text) RETURNS tsvector LANGUAGE sql STABLE AS $$
      SELECT setweight(to_tsvector('kipp_id', coalesce(t, '')), 'A')
          || setweight(to_tsvector('kipp_id', coalesce(a, '')), 'B')
          || setweight(to_tsvector('kipp_en', coalesce(t, '')), 'A')
          || setweight(to_tsvector('kipp_en', coalesce(a, '')), 'B')
    $$""",
    """CREATE FUNCTION kipp_document(t text, a text, s text) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
      SELECT kipp_heading(t, a)
          || setweight(to_tsvector('kipp_id', coalesce(s, '')), 'C')
          || setweight(to_tsvector('kipp_en', coalesce(s, '')), 'C')
    $$""",
    f"""CREATE FUNCTION kipp_index_entries(ids integer[]) RETURNS void LANGUAGE sql AS $$
      INSERT INTO innovation_documents (entry_id, document)
      SELECT e.id, kipp_document(e.title, a.name, e.summary)
      FROM entries e JOIN agencies a ON a.id = e.agency_id
      WHERE e.id = ANY(ids)
      ON CONFLICT (entry_id) DO UPDATE SET document = EXCLUDED.document;
      INSERT INTO innovation_search ({COLUMNS}, heading)
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
    $$""",
    """CREATE FUNCTION kipp_entries_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM kipp_index_entries(ARRAY[NEW.id]); RETURN NULL; END $$""",
    """CREATE TRIGGER entries_search AFTER INSERT OR UPDATE OF title, summary, agency_id,
    competition_id, status, public, "group" ON entries
    FOR EACH ROW EXECUTE FUNCTION kipp_entries_search()""",
    """CREATE FUNCTION kipp_agencies_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM kipp_index_entries(ARRAY(SELECT id FROM entries WHERE agency_id = NEW.id));
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER agencies_search AFTER UPDATE OF name, kind, province, is_3t ON agencies
    FOR EACH ROW EXECUTE FUNCTION kipp_agencies_search()""",
    """CREATE FUNCTION kipp_competitions_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE innovation_search SET year = NEW.year WHERE competition_id = NEW.id;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER competitions_search AFTER UPDATE OF year ON competitions
    FOR EACH ROW EXECUTE FUNCTION kipp_competitions_search()""",
    "SELECT kipp_index_entries(ARRAY(SELECT id FROM entries))",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS competitions_search ON competitions",
    "DROP TRIGGER IF EXISTS agencies_search ON agencies",
    "DROP TRIGGER IF EXISTS entries_search ON entries",
    "DROP FUNCTION IF EXISTS kipp_competitions_search()",
    "DROP FUNCTION IF EXISTS kipp_agencies_search()",
    "DROP FUNCTION IF EXISTS kipp_entries_search()",
    "DROP FUNCTION IF EXISTS kipp_index_entries(integer[])",
    "DROP FUNCTION IF EXISTS kipp_document(text, text, text)",
    "DROP FUNCTION IF EXISTS kipp_heading(text, text)",
    "DROP FUNCTION IF EXISTS kipp_island(text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS kipp_en",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS kipp_id",
]
SQLITE_ROW = f"""INSERT OR REPLACE INTO innovation_search ({COLUMNS})
      SELECT NEW.id, NEW.competition_id, NEW.agency_id, NEW.status, NEW.public, c.year,
             NEW."group", a.kind, a.province, {island_case('a.province')}, a.is_3t, NEW.title
      FROM agencies a JOIN competitions c ON c.id = NEW.competition_id
      WHERE a.id = NEW.agency_id;"""
SQLITE_FTS = """INSERT INTO innovation_fts (rowid, title, agency, summary)
      SELECT NEW.id, NEW.title, a.name, NEW.summary FROM agencies a WHERE a.id = NEW.agency_id;"""
# The same statements are in kipp.directory.index (which `directory reindex` runs).
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER entries_search_insert AFTER INSERT ON entries BEGIN
      {SQLITE_ROW}
      {SQLITE_FTS}
    END""",
    f"""CREATE TRIGGER entries_search_update AFTER UPDATE OF title, summary, agency_id,
    competition_id, status, public, "group" ON entries BEGIN
      {SQLITE_ROW}
      DELETE FROM innovation_fts WHERE rowid = OLD.id;
      {SQLITE_FTS}
    END""",
    """CREATE TRIGGER entries_search_delete AFTER DELETE ON entries BEGIN
      DELETE FROM innovation_search WHERE entry_id = OLD.id;
      DELETE FROM innovation_fts WHERE rowid = OLD.id;
    END""",
    f"""CREATE TRIGGER agencies_search AFTER UPDATE OF name, kind, province, is_3t ON agencies
    BEGIN
      UPDATE innovation_search SET kind = NEW.kind, province = NEW.province,
        island = {island_case('NEW.province')}, is_3t = NEW.is_3t
      WHERE agency_id = NEW.id;
      DELETE FROM innovation_fts WHERE rowid IN (SELECT id FROM entries WHERE agency_id = NEW.id);
      INSERT INTO innovation_fts (rowid, title, agency, summary)
      SELECT e.id, e.title, NEW.name, e.summary FROM entries e WHERE e.agency_id = NEW.id;
    END""",
    """CREATE TRIGGER competitions_search AFTER UPDATE OF year ON competitions BEGIN
      UPDATE innovation_search SET year = NEW.year WHERE competition_id = NEW.id;
    END""",
]
SQLITE_FILL = [
    f"""INSERT OR REPLACE INTO innovation_search ({COLUMNS})
    SELECT e.id, e.competition_id, e.agency_id, e.status, e.public, c.year, e."group", a.kind,
           a.province, {island_case('a.province')}, a.is_3t, e.title
    FROM entries e JOIN agencies a ON a.id = e.agency_id
    JOIN competitions c ON c.id = e.competition_id""",
    """INSERT INTO innovation_fts (rowid, title, agency, summary)
    SELECT e.id, e.title, a.name, e.summary FROM entries e JOIN agencies a ON a.id = e.agency_id""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS competitions_search",
    "DROP TRIGGER IF EXISTS agencies_search",
    "DROP TRIGGER IF EXISTS entries_search_delete",
    "DROP TRIGGER IF EXISTS entries_search_update",
    "DROP TRIGGER IF EXISTS entries_search_insert",
    "DROP TABLE IF EXISTS innovation_fts",
]


def upgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('public', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('replicates_entry_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('replication_notes', sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_entries_replicates_entry_id'), ['replicates_entry_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_entries_replicates_entry_id_entries'),
            'entries',
            ['replicates_entry_id'],
            ['id'],
            ondelete='SET NULL',
        )
    vector = sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql')
    op.create_table(
        'innovation_search',
        sa.Column('entry_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('competition_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('group', sa.String(length=30), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('province', sa.String(length=80), nullable=False),
        sa.Column('island', sa.String(length=30), nullable=False),
        sa.Column('is_3t', sa.Boolean(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('heading', vector, nullable=True),
        sa.ForeignKeyConstraint(
            ['entry_id'], ['entries.id'],
            name=op.f('fk_innovation_search_entry_id_entries'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_innovation_search')),
    )
    op.create_index('ix_innovation_search_year', 'innovation_search', ['year'])
    op.create_table(
        'innovation_documents',
        sa.Column('entry_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('document', vector, nullable=True),
        sa.ForeignKeyConstraint(
            ['entry_id'], ['entries.id'],
            name=op.f('fk_innovation_documents_entry_id_entries'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_innovation_documents')),
    )
    op.create_index(
        'ix_innovation_documents_document', 'innovation_documents', ['document'],
        postgresql_using='gin',
    )
    if op.get_bind().dialect.name == 'postgresql':
        statements = PG_UP
    else:
        statements = [
            "CREATE VIRTUAL TABLE innovation_fts USING fts5("
            "title, agency, summary, tokenize = 'porter unicode61 remove_diacritics 2')",
            *SQLITE_TRIGGERS,
            *SQLITE_FILL,
        ]
    for statement in statements:
        op.execute(statement)


def downgrade():
    statements = PG_DOWN if op.get_bind().dialect.name == 'postgresql' else SQLITE_DOWN
    for statement in statements:
        op.execute(statement)
    op.drop_index('ix_innovation_documents_document', table_name='innovation_documents')
    op.drop_table('innovation_documents')
    op.drop_index('ix_innovation_search_year', table_name='innovation_search')
    op.drop_table('innovation_search')
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_entries_replicates_entry_id_entries'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_entries_replicates_entry_id'))
        batch_op.drop_column('replication_notes')
        batch_op.drop_column('replicates_entry_id')
        batch_op.drop_column('public')
