"""Where files live: one interface, two back ends (the local directory, S3-compatible storage).

Every stored file — an uploaded attachment, a rendered certificate or score sheet, a signed
decree — is bytes under a key `<area>/<name>` (e.g. `attachments/<32 hex>.pdf`); the areas'
own modules (`kipp.entries.storage`, `kipp.documents.storage`) choose the names and never let
user input reach a key. `backend()` is the store configured by `KIPP_STORAGE_URL`:

- `file://<dir>` (default: `KIPP_STORAGE_DIR`, i.e. `instance/storage`): files in a directory.
  A write goes to a hidden temporary file, is flushed to disk and renamed, so no reader ever
  sees half a file under a real name.
- `s3://<bucket>/<prefix>`: an S3-compatible object store through boto3 (AWS S3, MinIO, …);
  endpoint from `KIPP_S3_ENDPOINT_URL` (or boto3's `AWS_ENDPOINT_URL`), region and credentials
  from boto3's usual environment. A PUT is atomic on S3: a reader sees the old object, or none,
  or the whole new one.

Guarantees of every back end: `read` raises FileNotFoundError for a missing key;
`delete` of a missing key is no error; a store that cannot be reached raises
`StorageUnavailable`, which the app answers with 503 (problem+json under /api/v1), never 500.
"""

from __future__ import annotations

from flask import current_app

from kipp.storage.base import Backend, StorageUnavailable
from kipp.storage.local import LocalBackend

__all__ = ["Backend", "StorageUnavailable", "backend", "backend_for"]


def backend_for(url: str) -> Backend:
    """The back end that `url` names (see the module docstring); ValueError otherwise."""
    if url.startswith("file://"):
        return LocalBackend(url.removeprefix("file://"))
    if url.startswith("s3://"):
        from kipp.storage.s3 import S3Backend

        return S3Backend.from_url(url)
    raise ValueError(f"KIPP_STORAGE_URL must start with file:// or s3://, not {url!r}")


def backend() -> Backend:
    """The app's store, built once per app and configuration."""
    url = current_app.config.get("KIPP_STORAGE_URL") or (
        "file://" + str(current_app.config["KIPP_STORAGE_DIR"])
    )
    cache = current_app.extensions.setdefault("kipp_storage", {})
    if url not in cache:
        cache.clear()
        cache[url] = backend_for(url)
    return cache[url]
