"""Attachment files: checked by content, stored under a random name, never by user input.

Guarantees: only bytes that parse as a PDF are stored; the stored name is 32 random hex
characters plus `.pdf` under `<KIPP_STORAGE_DIR>/attachments/`, so a user-supplied filename
never reaches the filesystem; files are written to a temporary name and renamed, so a crash
leaves no partial file under a real name. The name shown and downloaded (`pdf_filename`) always
ends in `.pdf`, whatever extension the uploader's file had.

Files stored before names ended in `.pdf` (migration 0006 renamed their rows) are renamed on
disk the first time `path_of` is asked for them; `remove` deletes either name.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
import unicodedata
import warnings
from pathlib import Path

from flask import current_app
from pypdf import PdfReader
from pypdf.errors import PdfReadError

SUFFIX = ".pdf"
_NAME = re.compile(r"[0-9a-f]{32}(\.pdf)?")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")
FILENAME_MAX = 200


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


def pdf_filename(filename: str | None) -> str:
    """The name an upload is shown and downloaded under: the uploader's base name with its
    extension (any) replaced by `.pdf`, without control characters or path separators, at
    most FILENAME_MAX characters; `document.pdf` when nothing usable is left."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = _EXTENSION.sub("", name.strip()).strip(" .")
    return (name[: FILENAME_MAX - len(SUFFIX)].rstrip(" .") or "document") + SUFFIX


def store(data: bytes) -> tuple[str, str]:
    """Write `data`; return (stored_name, sha256). The stored name ends in `.pdf`."""
    name = secrets.token_hex(16) + SUFFIX
    root = storage_root()
    tmp = root / f".{name}.part"
    tmp.write_bytes(data)
    os.replace(tmp, root / name)
    return name, hashlib.sha256(data).hexdigest()


def path_of(stored_name: str) -> Path:
    """The file of `stored_name` (ValueError for a name `store` cannot have made). A file
    still under its name from before migration 0006 (no `.pdf`) is renamed first, atomically;
    concurrent callers all end with the new name."""
    if not isinstance(stored_name, str) or not _NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored attachment name: {stored_name!r}")
    path = storage_root() / stored_name
    legacy = path.with_name(stored_name.removesuffix(SUFFIX))
    if legacy != path and not path.exists():
        # No legacy file, or another request renamed it first: either way `path` is right.
        with contextlib.suppress(FileNotFoundError):
            os.replace(legacy, path)
    return path


def remove(stored_name: str) -> None:
    path = path_of(stored_name)
    path.unlink(missing_ok=True)
    path.with_name(stored_name.removesuffix(SUFFIX)).unlink(missing_ok=True)
