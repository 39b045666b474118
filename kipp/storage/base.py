"""The storage interface every back end implements (see `kipp.storage`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class StorageUnavailable(RuntimeError):
    """The store could not be reached or refused the operation; nothing was written."""


class Backend(Protocol):
    name: str  # "local" or "s3", for /healthz and `storage check`

    def write(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, replacing what was there; readers never see part of it."""

    def read(self, key: str) -> bytes:
        """The bytes under `key`; FileNotFoundError when there are none."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove `key`; no error when it is already gone."""

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key that starts with `prefix` (temporary files of the local store excluded)."""

    def ping(self) -> None:
        """Raise StorageUnavailable when the store cannot be reached."""
