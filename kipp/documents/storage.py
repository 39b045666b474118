"""Rendered PDFs on disk under `<KIPP_STORAGE_DIR>/documents/`.

Guarantees: a stored name is 32 random hex characters chosen here, never derived from user
input, and `path_of` accepts nothing else (no path traversal); bytes are written to a hidden
temporary file, flushed to disk and renamed, so a crash never leaves a partial file under a
real name; `store` returns the SHA-256 of exactly the bytes written.

Replacing a document leaves no orphan: a caller that stores a new file for a row marks it with
`discard_unless_committed` (removed if the transaction rolls back) and marks the file the row
named before with `remove_after_commit` (removed only once the new name is committed, so a
rollback never loses the file the row still names). Only a process killed between writing a
file and committing its row can leave a file no row names. A process killed while writing
leaves its hidden temporary file, which `sweep_partials` (run by the workers' reconciler)
removes once it is older than any write could take.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from pathlib import Path

from flask import Response, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from kipp.dispatch import after_commit
from kipp.extensions import db

_NAME = re.compile(r"[0-9a-f]{32}")
_UNCOMMITTED = "kipp.documents.uncommitted"


def storage_root() -> Path:
    root = Path(current_app.config["KIPP_STORAGE_DIR"]) / "documents"
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_of(stored_name: str) -> Path:
    """The file of `stored_name`; ValueError for anything that is not a name made by `store`."""
    if not isinstance(stored_name, str) or not _NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored document name: {stored_name!r}")
    return storage_root() / stored_name


def store(data: bytes) -> tuple[str, str]:
    """Write `data` atomically under a new random name; return (stored_name, sha256 hex)."""
    name = secrets.token_hex(16)
    root = storage_root()
    tmp = root / f".{name}.part"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / name)
    return name, hashlib.sha256(data).hexdigest()


def sweep_partials(max_age_seconds: float) -> list[str]:
    """Remove the temporary files of interrupted writes older than `max_age_seconds` (a live
    write lasts milliseconds; callers pass minutes); returns the names removed."""
    root, cutoff, removed = storage_root(), time.time() - max_age_seconds, []
    for path in root.glob(".*.part"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path.name)
        except FileNotFoundError:  # another sweeper was faster
            continue
    return removed


def exists(stored_name: str | None) -> bool:
    if not stored_name:
        return False
    try:
        return path_of(stored_name).is_file()
    except ValueError:
        return False


def read(stored_name: str) -> bytes:
    """The stored bytes; FileNotFoundError when the file is gone."""
    return path_of(stored_name).read_bytes()


def remove(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)


def remove_after_commit(stored_name: str | None) -> None:
    """Remove the file of `stored_name` once db.session's transaction commits (nothing on a
    rollback). For the name a row held before it was given a new one."""
    if stored_name and _NAME.fullmatch(stored_name):
        after_commit(db.session, _unlink, path_of(stored_name))


def discard_unless_committed(stored_name: str) -> None:
    """Remove the file of `stored_name` if db.session's transaction rolls back instead of
    committing. For a file just stored for a row that is not committed yet."""
    session = db.session()
    session.info.setdefault(_UNCOMMITTED, []).append(path_of(stored_name))


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_UNCOMMITTED, None)


@event.listens_for(Session, "after_soft_rollback")
def _discard_uncommitted(session: Session, previous_transaction) -> None:
    # Only the outermost transaction: a savepoint rolled back inside it (a lost insert race)
    # still ends with the file in use.
    if previous_transaction.parent is None:
        for path in session.info.pop(_UNCOMMITTED, []):
            path.unlink(missing_ok=True)


def pdf_response(stored_name: str | None, filename: str) -> Response:
    """The stored PDF as a download (never sniffed, never cached by shared caches).

    Raises kipp.errors.NotFound when the file is gone; `filename` must be plain ASCII.
    """
    from flask_babel import gettext as _

    from kipp.errors import NotFound

    try:
        # Also when a re-render replaced the file between reading the row and reading it.
        data = read(stored_name) if exists(stored_name) else None
    except FileNotFoundError:
        data = None
    if data is None:
        raise NotFound(_("Not found."))
    resp = Response(data, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
