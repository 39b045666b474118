"""The charts' rows of the permission matrices (tests/web/matrix_extensions.py).

/reports (the stage funnel of every year) is the secretariat's: admins read it, every other
role gets 403 and the anonymous visitor the login page. The charts on the assignments and
ranking pages add no route (those pages keep their own rows).
"""

from __future__ import annotations

from tests.web.matrix_extensions import web_expect

WEB_ROWS = [
    {"method": "GET", "rule": "/reports", "expected": web_expect(403, admin=200)},
]
