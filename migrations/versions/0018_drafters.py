"""drafting units

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 21:00:00

API v1.1 § Competition rules, role `drafter` (a unit inside an agency):
- `users.role` may be `drafter`; a drafter, like an agency account, always names its agency
  (CHECK `agency_has_agency`). `users` has no triggers, so on SQLite Alembic may recreate it.
- `entries.drafted_by_id`: the account that created the entry (a drafter or the agency
  account); NULL for every entry that existed before (who typed it is not known). On SQLite a
  named foreign key needs `entries` to be recreated, and SQLite drops a table's triggers with
  it: the directory's triggers (migration 0011) are then created again from 0011's own
  statements, as `flask directory reindex` does; the search rows keep their entry ids, so
  nothing needs refilling. Downgrade refuses while drafter accounts exist.
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

OLD_ROLE = "role IN ('admin','agency','evaluator','panelist','chair')"
NEW_ROLE = "role IN ('admin','agency','evaluator','panelist','chair','drafter')"
OLD_AGENCY = "role <> 'agency' OR agency_id IS NOT NULL"
NEW_AGENCY = "role NOT IN ('agency','drafter') OR agency_id IS NOT NULL"
# The directory's SQLite triggers (migration 0011; the same list as kipp.directory.index).
TRIGGERS = (
    "entries_search_insert",
    "entries_search_update",
    "entries_search_delete",
    "agencies_search",
    "competitions_search",
)


def set_checks(role: str, agency: str) -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.drop_constraint(op.f("ck_users_agency_has_agency"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), role)
        batch_op.create_check_constraint(op.f("ck_users_agency_has_agency"), agency)


def drop_sqlite_triggers() -> None:
    """Before `entries` is recreated: SQLite refuses to rename a table into place while a
    trigger of another table (`agencies_search`) names a table that is missing."""
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def restore_sqlite_triggers() -> None:
    """Recreate the directory's SQLite triggers from migration 0011's own statements."""
    path = Path(__file__).with_name("0011_directory.py")
    spec = importlib.util.spec_from_file_location("kipp_migration_0011_for_0018", path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    for statement in m.SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade():
    set_checks(NEW_ROLE, NEW_AGENCY)
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        drop_sqlite_triggers()
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drafted_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_entries_drafted_by_id"), ["drafted_by_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_entries_drafted_by_id_users"),
            "users",
            ["drafted_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    if sqlite:
        restore_sqlite_triggers()


def downgrade():
    drafters = op.get_bind().scalar(sa.text("SELECT count(*) FROM users WHERE role = 'drafter'"))
    if drafters:
        raise RuntimeError(
            f"{drafters} drafter accounts exist: change their role or delete them first"
        )
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        drop_sqlite_triggers()
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_entries_drafted_by_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_entries_drafted_by_id"))
        batch_op.drop_column("drafted_by_id")
    if sqlite:
        restore_sqlite_triggers()
    set_checks(OLD_ROLE, OLD_AGENCY)
