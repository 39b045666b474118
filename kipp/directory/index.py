"""`flask --app wsgi directory reindex`: rebuild the directory's search table and index.

Normally nothing needs this: database triggers (migration 0011) keep `innovation_search` and
the full-text index current when an entry is created or its title, summary, agency,
competition, status, group or `public` flag changes, when an agency is renamed or moved, and
when a competition's year changes, whatever code does it; the stage of a competition and the
publication of a selection are not copied at all (visibility reads them live). Run it after
restoring a backup that lacks the index, or on SQLite after a migration that recreated
`entries` (SQLite drops a table's triggers with it): it recreates the SQLite triggers and refills
both tables from the same statements as the migration. Idempotent; returns the number of
entries indexed.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from sqlalchemy import text

from kipp.extensions import db

VERSIONS = Path(__file__).resolve().parents[2] / "migrations/versions"
TRIGGERS = (
    "entries_search_insert",
    "entries_search_update",
    "entries_search_delete",
    "agencies_search",
    "competitions_search",
)


@cache
def _migration(name: str):
    spec = importlib.util.spec_from_file_location(f"kipp_migration_{name}", VERSIONS / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reindex() -> int:
    if db.engine.dialect.name == "postgresql":
        statements = ["SELECT kipp_index_entries(ARRAY(SELECT id FROM entries))"]
    else:
        m, v = _migration("0011_directory.py"), _migration("0020_directory_visibility.py")
        statements = [
            *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
            *(f"DROP TRIGGER IF EXISTS {name}" for name in v.SQLITE_TRIGGER_NAMES),
            *m.SQLITE_TRIGGERS,
            *v.SQLITE_TRIGGERS,
            "DELETE FROM innovation_search",
            "DELETE FROM innovation_fts",
            *m.SQLITE_FILL,  # the visibility triggers fill tier_rank and awarded as rows arrive
        ]
    for statement in statements:
        db.session.execute(text(statement))
    return db.session.scalar(text("SELECT count(*) FROM innovation_search"))
