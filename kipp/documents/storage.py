"""Rendered PDFs in the store (`kipp.storage`), under keys `documents/<32 hex>`.

Guarantees: a stored name is 32 random hex characters chosen here, never derived from user
input, and every function refuses anything else (ValueError: no path traversal); a write is
atomic (`kipp.storage`: a crash never leaves a partial file under a real name); `store`
returns the SHA-256 of exactly the bytes written.

Replacing a document leaves no orphan: a caller that stores a new file for a row marks it with
`discard_unless_committed` (removed if the transaction rolls back) and marks the file the row
named before with `remove_after_commit` (removed only once the new name is committed, so a
rollback never loses the file the row still names). Only a process killed between writing a
file and committing its row can leave a file no row names. A process killed while writing to
the local store leaves its hidden temporary file, which `sweep_partials` (run by the workers'
reconciler) removes once it is older than any write could take; S3 keeps no partial objects.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path

from flask import Response
from sqlalchemy import event
from sqlalchemy.orm import Session

from kipp.dispatch import after_commit
from kipp.extensions import db
from kipp.storage import StorageUnavailable, backend
from kipp.storage.local import LocalBackend
from kipp.storage.responses import pdf_download

AREA = "documents"
_NAME = re.compile(r"[0-9a-f]{32}")
_UNCOMMITTED = "kipp.documents.uncommitted"


def key_of(stored_name: str) -> str:
    """The store key of `stored_name`; ValueError for anything `store` cannot have made."""
    if not isinstance(stored_name, str) or not _NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored document name: {stored_name!r}")
    return f"{AREA}/{stored_name}"


def _local() -> LocalBackend:
    store_ = backend()
    if not isinstance(store_, LocalBackend):
        raise RuntimeError("only the local store has files on this machine")
    return store_


def storage_root() -> Path:
    """The local store's folder of documents (local back end only: tests, diagnostics)."""
    root = _local().path(AREA)
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_of(stored_name: str) -> Path:
    """The local file of `stored_name` (local back end only)."""
    key = key_of(stored_name)  # ValueError first, with or without an app
    return _local().path(key)


def store(data: bytes) -> tuple[str, str]:
    """Write `data` atomically under a new random name; return (stored_name, sha256 hex)."""
    name = secrets.token_hex(16)
    backend().write(key_of(name), data)
    return name, hashlib.sha256(data).hexdigest()


def sweep_partials(max_age_seconds: float) -> list[str]:
    """Remove the temporary files of interrupted local writes older than `max_age_seconds` (a
    live write lasts milliseconds; callers pass minutes); returns the names removed."""
    store_ = backend()
    if not isinstance(store_, LocalBackend):
        return []
    return store_.sweep_partials(AREA, max_age_seconds)


def exists(stored_name: str | None) -> bool:
    if not stored_name:
        return False
    try:
        return backend().exists(key_of(stored_name))
    except ValueError:
        return False


def read(stored_name: str) -> bytes:
    """The stored bytes; FileNotFoundError when the file is gone."""
    return backend().read(key_of(stored_name))


def remove(stored_name: str) -> None:
    backend().delete(key_of(stored_name))


def remove_after_commit(stored_name: str | None) -> None:
    """Remove the file of `stored_name` once db.session's transaction commits (nothing on a
    rollback). For the name a row held before it was given a new one."""
    if stored_name and _NAME.fullmatch(stored_name):
        after_commit(db.session, _delete, backend(), key_of(stored_name))


def discard_unless_committed(stored_name: str) -> None:
    """Remove the file of `stored_name` if db.session's transaction rolls back instead of
    committing. For a file just stored for a row that is not committed yet."""
    session = db.session()
    session.info.setdefault(_UNCOMMITTED, []).append((backend(), key_of(stored_name)))


def _delete(store_, key: str) -> None:
    store_.delete(key)


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_UNCOMMITTED, None)


@event.listens_for(Session, "after_soft_rollback")
def _discard_uncommitted(session: Session, previous_transaction) -> None:
    # Only the outermost transaction: a savepoint rolled back inside it (a lost insert race)
    # still ends with the file in use.
    if previous_transaction.parent is None:
        for store_, key in session.info.pop(_UNCOMMITTED, []):
            try:
                _delete(store_, key)
            except StorageUnavailable:  # an orphan `storage check` lists; never undo more
                continue


def pdf_response(stored_name: str | None, filename: str) -> Response:
    """The stored PDF as a download (`kipp.storage.responses.pdf_download`); 404 when the
    file is gone, also when a re-render replaced it between reading the row and the file."""
    return pdf_download(lambda: read(stored_name), filename)
