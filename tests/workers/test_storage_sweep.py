"""storage.sweep_partials removes only old temporary files of interrupted writes."""

from __future__ import annotations

import os
import time

from kipp.documents import storage


def test_only_old_temporary_files_are_removed(app):
    root = storage.storage_root()
    name, _sha = storage.store(b"%PDF-1.7 complete")
    old, fresh = root / ".a.part", root / ".b.part"
    old.write_bytes(b"%PDF-half")
    fresh.write_bytes(b"%PDF-being-written")
    then = time.time() - 601
    os.utime(old, (then, then))
    assert storage.sweep_partials(600) == [".a.part"]
    assert not old.exists() and fresh.exists()
    assert storage.read(name) == b"%PDF-1.7 complete"  # stored documents are never touched
    assert storage.sweep_partials(600) == []
