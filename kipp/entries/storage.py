"""Attachment files: checked by content, stored under a random name, never by user input.

Guarantees: only bytes that parse as a PDF are stored; the stored name is 32 random hex
characters plus `.pdf` under the store's key `attachments/` (`kipp.storage`: the local
directory or S3), so a user-supplied filename never reaches a path or a key; writes are atomic,
so a crash leaves no partial file under a real name. The name shown and downloaded
(`pdf_filename`) always ends in `.pdf`, whatever extension the uploader's file had.

Files stored before names ended in `.pdf` (migration 0006 renamed their rows) are renamed in
the local store the first time they are read; `remove` deletes either name.
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

from flask import Response
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from kipp.storage import backend
from kipp.storage.local import LocalBackend
from kipp.storage.responses import pdf_download

AREA = "attachments"
SUFFIX = ".pdf"
_NAME = re.compile(r"[0-9a-f]{32}(\.pdf)?")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")
FILENAME_MAX = 200


def storage_root() -> Path:
    """The local store's folder of attachments (local back end only: tests, diagnostics)."""
    root = _local().path(AREA)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _local() -> LocalBackend:
    store_ = backend()
    if not isinstance(store_, LocalBackend):
        raise RuntimeError("only the local store has files on this machine")
    return store_


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
    backend().write(f"{AREA}/{name}", data)
    return name, hashlib.sha256(data).hexdigest()


def key_of(stored_name: str) -> str:
    """The store key of `stored_name` (ValueError for a name `store` cannot have made). In the
    local store a file still under its name from before migration 0006 (no `.pdf`) is renamed
    first, atomically; concurrent callers all end with the new name."""
    if not isinstance(stored_name, str) or not _NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored attachment name: {stored_name!r}")
    key = f"{AREA}/{stored_name}"
    store_ = backend()
    legacy = key.removesuffix(SUFFIX)
    if legacy != key and isinstance(store_, LocalBackend) and not store_.exists(key):
        # No legacy file, or another request renamed it first: either way `key` is right.
        with contextlib.suppress(FileNotFoundError):
            os.replace(store_.path(legacy), store_.path(key))
    return key


def path_of(stored_name: str) -> Path:
    """The local file of `stored_name` (local back end only)."""
    key = key_of(stored_name)  # ValueError first, with or without an app
    return _local().path(key)


def read(stored_name: str) -> bytes:
    """The stored bytes; FileNotFoundError when the file is gone."""
    return backend().read(key_of(stored_name))


def remove(stored_name: str) -> None:
    key = key_of(stored_name)
    backend().delete(key)
    backend().delete(key.removesuffix(SUFFIX))


def attachment_response(stored_name: str, filename: str) -> Response:
    """The attachment as a download (`kipp.storage.responses.pdf_download`); 404 when gone."""
    return pdf_download(lambda: read(stored_name), filename)
