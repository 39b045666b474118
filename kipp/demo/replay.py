"""A clock the demo sets, so that a finished year is played through the services at its dates.

`replayed(at)` is a context manager for the seed command only: while it is open, the clock of
the modules the finished year's services read (`MODULES`, each imports `kipp.clock.now` by
name) returns the time last given (`at`, then whatever `Replay.set` moved it to), so
publications, objections, decisions, amendments, decrees, certificates and their audit events
carry the dates of that year instead of the seed's. Guarantees:
- Every patched name is restored when the block ends, also on an error.
- The replayed time never goes backwards (`set` refuses an earlier time): audit events of one
  chain stay in time order.
- Nothing else changes: column defaults (`created_at` of rows) and the mail outbox keep the
  real clock. Not for threads or requests: the seed command is one thread.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

MODULES = (
    "kipp.audit.chain",
    "kipp.documents.certificates",
    "kipp.judging.selections",
    "kipp.publication.decree",
    "kipp.publication.objections",
    "kipp.publication.queries",
    "kipp.publication.services",
    "kipp.ratelimit",
)


class Replay:
    """The replayed time: call it for the time, `set` it forward."""

    def __init__(self, at: datetime):
        self.at = at.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> datetime:
        at = at.astimezone(UTC)
        if at < self.at:
            raise ValueError(f"the replayed clock cannot go back from {self.at} to {at}")
        self.at = at
        return at


@contextmanager
def replayed(at: datetime) -> Iterator[Replay]:
    """Run the block with `MODULES` reading the replayed clock (see the module guarantees)."""
    clock = Replay(at)
    modules = [importlib.import_module(name) for name in MODULES]
    saved = [(m, m.now) for m in modules]
    try:
        for m in modules:
            m.now = clock
        yield clock
    finally:
        for m, original in saved:
            m.now = original
