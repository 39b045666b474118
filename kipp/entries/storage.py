"""Attachment files: checked by content, stored under a random name, never by user input.

Guarantees: only bytes that parse as a PDF are stored; the stored name is 32 random hex
characters under `<KIPP_STORAGE_DIR>/attachments/`, so a user-supplied filename never reaches
the filesystem; files are written to a temporary name and renamed, so a crash leaves no partial
file under a real name.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import warnings
from pathlib import Path

from flask import current_app
from pypdf import PdfReader
from pypdf.errors import PdfReadError


def storage_root() -> Path:
    root = Path(current_app.config["KIPP_STORAGE_DIR"]) / "attachments"
    root.mkdir(parents=True, exist_ok=True)
    return root


def looks_like_pdf(data: bytes) -> bool:
    """The bytes start with a PDF header and pypdf can read at least one page."""
    if data.lstrip()[:5] != b"%PDF-":
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return len(PdfReader(io.BytesIO(data), strict=False).pages) > 0
    except (PdfReadError, Exception):  # pypdf raises assorted errors on hostile input
        return False


def store(data: bytes) -> tuple[str, str]:
    """Write `data`; return (stored_name, sha256)."""
    name = secrets.token_hex(16)
    root = storage_root()
    tmp = root / f".{name}.part"
    tmp.write_bytes(data)
    os.replace(tmp, root / name)
    return name, hashlib.sha256(data).hexdigest()


def path_of(stored_name: str) -> Path:
    return storage_root() / stored_name


def remove(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)
