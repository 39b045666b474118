"""Keep the garbage collector off the objects a process builds at start-up.

A KIPP process imports Flask, SQLAlchemy, Celery, WeasyPrint and the app's own modules and
mappers: some 160,000 long-lived container objects. CPython's cyclic collector rescans all of
them on every full collection, and a request that builds many objects (the ranking of 3,500
entries makes ~50,000: rows, sheets, standings, JSON dicts) triggers such collections: they
added 40–90 ms of CPU to a 110 ms ranking request on the benchmark machine.

`settle()` collects once and then freezes what is left (`gc.freeze`), moving it to a
permanent generation the collector never scans; objects created later are collected as
usual, so nothing leaks and cycles made by requests are still freed. Call it once, after the
app is built and before serving (`wsgi.py`; a forking server runs it before forking, which
also keeps the frozen pages shared between workers).
"""

from __future__ import annotations

import gc


def settle() -> int:
    """Collect, then freeze every object alive now; returns how many are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
