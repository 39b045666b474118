"""The migrations build exactly the schema the models describe.

Alembic's autogenerate comparison runs against the database the suite migrated (PostgreSQL in
the first CI pass, SQLite in the second): a column, table, index, foreign key or type that a
model declares and no migration creates (or the reverse) is reported here, instead of failing
later as a confusing error in some feature's test. CHECK constraints and server defaults are
not compared by Alembic; the services' tests cover them.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kipp.extensions import db

# Differences Alembic reports although the schema is right; each needs a reason.
ACCEPTED: set[tuple] = {
    # SQLite: the directory's FTS5 index (migration 0011) is a virtual table with its shadow
    # tables, kept by triggers, which no model maps (kipp/directory/index.py).
    ("remove_table", None, name)
    for name in (
        "innovation_fts",
        "innovation_fts_config",
        "innovation_fts_content",
        "innovation_fts_data",
        "innovation_fts_docsize",
        "innovation_fts_idx",
    )
} | {
    # PostgreSQL: the flags' trigram index is on an expression (kipp_title_key(title), GIN,
    # migration 0015), which the models cannot declare portably.
    ("remove_index", "entries", "ix_entries_title_trgm"),
}


def describe(diff) -> tuple:
    if isinstance(diff, list):  # a modified column: [(op, schema, table, column, ...)]
        return tuple(diff[0][:4])
    op, *rest = diff
    name = getattr(rest[0], "name", rest[0]) if rest else None
    table = getattr(getattr(rest[0], "table", None), "name", None) if rest else None
    return (op, table, name)


def test_migrated_schema_matches_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        diffs = compare_metadata(context, db.metadata)
    found = {describe(d) for d in diffs} - ACCEPTED
    # Tables the tests themselves create (e.g. the worker tests' `test_render_log`) outlive a
    # test on PostgreSQL, whose tables are emptied between tests, not dropped.
    found = {d for d in found if not (d[0] == "remove_table" and str(d[2]).startswith("test_"))}
    assert not found, f"models and migrations disagree: {sorted(map(str, found))}"
