"""A short-lived, per-process cache of public anonymous answers (announcement day).

The public pages and answers (home, results, directory) may already be kept `max_age` seconds
by any cache in front of the app (`Cache-Control: public, max-age`, `kipp.caching`); this keeps
them as long in each app process, so a burst of visitors asking for the same page costs one
rendering per process per `max_age` instead of one per request, with or without a proxy.
Guarantees: only for a visitor without a login and without a session cookie (answers
`kipp.caching` marks public); off under `TESTING` unless `KIPP_PAGE_CACHE` is set; keyed by
the full path with its query string and the answer's language; at most `MAX_ENTRIES` answers
per process (least recently used dropped first); an answer is never served older than
`max_age` seconds, the staleness the HTTP headers already allow, so nothing depends on it
being shared or kept (each process has its own).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user

MAX_ENTRIES = 512

_store: OrderedDict = OrderedDict()
_lock = threading.Lock()


def _key() -> tuple | None:
    if current_user.is_authenticated:
        return None
    if request.cookies:  # a session, a language choice: the answer may be personal
        return None
    return (request.full_path, str(get_locale()))


def cached(build: Callable, max_age: int):
    """`build()`'s answer, reused for `max_age` seconds for anonymous visitors (see above)."""
    key = _key()
    enabled = current_app.config.get("KIPP_PAGE_CACHE", not current_app.testing)
    if key is None or not enabled:
        return build()
    now = time.monotonic()
    with _lock:
        hit = _store.get(key)
        if hit is not None and hit[0] > now:
            _store.move_to_end(key)
            return hit[1]
    answer = build()
    with _lock:
        _store[key] = (now + max_age, answer)
        _store.move_to_end(key)
        while len(_store) > MAX_ENTRIES:
            _store.popitem(last=False)
    return answer


def clear() -> None:
    with _lock:
        _store.clear()
