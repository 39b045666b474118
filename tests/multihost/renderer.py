"""The rehearsal workers' renderer (KIPP_TEST_DOCUMENT_RENDERER): the real one, after a short
pause (KIPP_MULTIHOST_DELAY seconds, so a kill lands mid-job), logging each rendered entry as
`<pid> <kind> <entry id>` to KIPP_MULTIHOST_LOG (the worker's own directory), so the test sees
which host rendered what."""

from __future__ import annotations

import os
import time


def render(kind: str, entry_id: int):
    from workers import documents

    time.sleep(float(os.environ.get("KIPP_MULTIHOST_DELAY", "0")))
    result = documents.KINDS[kind].render_function()(entry_id)
    with open(os.environ["KIPP_MULTIHOST_LOG"], "a") as fh:
        fh.write(f"{os.getpid()} {kind} {entry_id}\n")
    return result
