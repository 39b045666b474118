"""Rendered PDFs on disk under `<KIPP_STORAGE_DIR>/documents/`.

Guarantees: a stored name is 32 random hex characters chosen here, never derived from user
input, and `path_of` accepts nothing else (no path traversal); bytes are written to a hidden
temporary file, flushed to disk and renamed, so a crash never leaves a partial file under a
real name; `store` returns the SHA-256 of exactly the bytes written.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

from flask import Response, current_app

_NAME = re.compile(r"[0-9a-f]{32}")


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


def pdf_response(stored_name: str | None, filename: str) -> Response:
    """The stored PDF as a download (never sniffed, never cached by shared caches).

    Raises kipp.errors.NotFound when the file is gone; `filename` must be plain ASCII.
    """
    from flask_babel import gettext as _

    from kipp.errors import NotFound

    if not exists(stored_name):
        raise NotFound(_("Not found."))
    resp = Response(read(stored_name), mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
