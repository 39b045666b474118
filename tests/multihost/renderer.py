"""The rehearsal workers' renderer (installed by `tests.workers.celery_entry`): the real one,
after a short pause (KIPP_MULTIHOST_DELAY seconds, so a kill lands mid-job), logging each
rendered entry as `<pid> <kind> <entry id>` to KIPP_MULTIHOST_LOG (the worker's own
directory), so the test sees which host rendered what."""

from __future__ import annotations

import os
import time

from tests.workers import renderers


def render(kind: str, entry_id: int):
    time.sleep(float(os.environ.get("KIPP_MULTIHOST_DELAY", "0")))
    result = renderers.real(kind)(entry_id)
    with open(os.environ["KIPP_MULTIHOST_LOG"], "a") as fh:
        fh.write(f"{os.getpid()} {kind} {entry_id}\n")
    return result
