"""hardening: stored names, misc

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 20:30:00

Attachments: every stored name and every display (download) name ends in `.pdf`.

- `stored_name`: `<32 hex>` becomes `<32 hex>.pdf`. The files themselves are not touched here:
  the database may be migrated from a machine that does not hold the storage directory (and
  `alembic upgrade --sql` touches nothing), so `kipp.entries.storage.path_of` renames a file
  still under its old name, atomically, the first time it is read or deleted.
- `filename`: the uploader's extension, whatever it was, is replaced by `.pdf` (the rule of
  `kipp.entries.storage.pdf_filename`, frozen here as it was when this revision was written).

Downgrade keeps the new names: the code before this revision treats `stored_name` as an opaque
file name, so it reads `<hex>.pdf` files as well (files renamed meanwhile stay reachable).
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SUFFIX = ".pdf"
FILENAME_MAX = 200
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")

attachments = sa.table(
    'attachments',
    sa.column('id', sa.Integer),
    sa.column('filename', sa.String),
    sa.column('stored_name', sa.String),
)


def pdf_filename(filename):
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = _EXTENSION.sub("", name.strip()).strip(" .")
    return (name[: FILENAME_MAX - len(SUFFIX)].rstrip(" .") or "document") + SUFFIX


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(attachments.c.id, attachments.c.filename, attachments.c.stored_name)
    ).all()
    changes = []
    for id_, filename, stored_name in rows:
        new_filename = pdf_filename(filename)
        new_stored = stored_name if stored_name.endswith(SUFFIX) else stored_name + SUFFIX
        if (new_filename, new_stored) != (filename, stored_name):
            changes.append({"b_id": id_, "b_filename": new_filename, "b_stored": new_stored})
    if changes:
        conn.execute(
            attachments.update()
            .where(attachments.c.id == sa.bindparam("b_id"))
            .values(filename=sa.bindparam("b_filename"), stored_name=sa.bindparam("b_stored")),
            changes,
        )


def downgrade():
    pass  # see the module docstring: the `.pdf` names work with the previous code too
