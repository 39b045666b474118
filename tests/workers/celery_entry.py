"""The test workers' entry point: `celery -A tests.workers.celery_entry worker`.

The production worker (`workers.celery_app`), with the documents made by the test renderer
that KIPP_TEST_RENDERER names ("tests.<module>:<function>", called as f(kind, entry_id); see
`tests.workers.renderers`). Unset or empty: the real renderers. The renderer is installed on
the registry of kinds before the app is built, so the pool processes forked from this one
inherit it.
"""

from __future__ import annotations

import os

from tests.workers import renderers

renderers.install_named(os.environ.get("KIPP_TEST_RENDERER", ""))

from workers.celery_app import celery  # noqa: E402

__all__ = ["celery"]
