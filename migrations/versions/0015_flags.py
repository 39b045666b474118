"""entry flags: trigram title index

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 19:00:00

PostgreSQL only (SQLite computes the same similarity in Python, kipp/screening/flags.py):
- the `pg_trgm` extension (trusted since PostgreSQL 13: the database owner may create it);
- `kipp_title_key(text)`: the case- and accent-blind form of a title (NFKD, combining marks
  U+0300-U+036F removed, lower case), IMMUTABLE so that an index can be built on it; it must
  stay the twin of `kipp.screening.flags.fold` (tests/flags compares them);
- `ix_entries_title_trgm`: a GIN trigram index on `kipp_title_key(title)`, without GIN's
  pending list (`fastupdate = off`): a title written costs a few dozen index entries at once,
  and a lookup never has to scan an unmerged list (with the pending list, benchmarks/flags.py
  measured one entry's flags at 54 ms p95 right after its bulk load, 19 ms once vacuumed).
Downgrade drops the index and the function and keeps the extension (others may use it).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

TITLE_KEY = r"""
CREATE OR REPLACE FUNCTION kipp_title_key(title text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower(regexp_replace(normalize(title, NFKD), '[\u0300-\u036f]', '', 'g')) $$
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(TITLE_KEY)
    op.execute(
        "CREATE INDEX ix_entries_title_trgm ON entries "
        "USING gin (kipp_title_key(title) gin_trgm_ops) WITH (fastupdate = off)"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_entries_title_trgm")
    op.execute("DROP FUNCTION IF EXISTS kipp_title_key(text)")
