"""A per-process store of values that each expire a fixed time after they were built.

Used for the public answers (`kipp.pagecache`) and the directory's search results
(`kipp.directory.queries.search`). Guarantees: a value is never returned more than its
`max_age` seconds after it was built; at most `max_entries` values are kept (the least
recently used dropped first); thread-safe; two threads missing the same key at once may both
build it (the later one is kept), so `build` must be safe to run twice. Nothing depends on a
value being kept or shared: each process has its own store.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app


def enabled() -> bool:
    """The process caches are on unless `KIPP_PAGE_CACHE` is off (off under tests unless a
    test turns it on)."""
    return bool(current_app.config.get("KIPP_PAGE_CACHE", not current_app.testing))


class TTLStore:
    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[float, Any] | None:
        """(seconds since it was built, value) while fresh, else None."""
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            built, expires, value = hit
            if expires <= now:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return now - built, value

    def put(self, key: Hashable, value: Any, max_age: float) -> None:
        now = time.monotonic()
        with self._lock:
            self._items[key] = (now, now + max_age, value)
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def get_or_build(self, key: Hashable, build: Callable[[], Any], max_age: float) -> Any:
        hit = self.get(key)
        if hit is not None:
            return hit[1]
        value = build()
        self.put(key, value, max_age)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
