"""The reset answer's time floor (kipp.accounts.links.answer_floor) is 0 in these tests, so
they do not wait 0.3 s per request; tests/accounts_email/test_timing.py checks it with its own."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_reset_floor(app):
    app.config["KIPP_RESET_ANSWER_SECONDS"] = 0
