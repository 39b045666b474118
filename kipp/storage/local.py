"""The local-directory back end (the embedded default; see `kipp.storage`)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

from kipp.storage.base import StorageUnavailable

PARTIAL = ".part"


class LocalBackend:
    name = "local"

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """The file of `key` (keys are made by the area modules, never from user input)."""
        return self.root / key

    def write(self, key: str, data: bytes) -> None:
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}{PARTIAL}")
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            raise StorageUnavailable(f"cannot write {key}: {exc}") from exc

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self, prefix: str) -> Iterator[str]:
        folder, _, start = prefix.rpartition("/")
        base = self.root / folder if folder else self.root
        if not base.is_dir():
            return
        for path in sorted(base.iterdir()):
            if path.is_file() and path.name.startswith(start) and not path.name.startswith("."):
                yield f"{folder}/{path.name}" if folder else path.name

    def sweep_partials(self, folder: str, max_age_seconds: float) -> list[str]:
        """Remove temporary files of interrupted writes under `folder` older than
        `max_age_seconds`; returns their names. (S3 has no partial objects to sweep.)"""
        base, cutoff, removed = self.root / folder, time.time() - max_age_seconds, []
        for path in base.glob(f".*{PARTIAL}") if base.is_dir() else ():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed.append(path.name)
            except FileNotFoundError:  # another sweeper was faster
                continue
        return removed

    def ping(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc
