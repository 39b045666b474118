"""The entry flags' row of the permission matrix (tests/web/matrix_extensions.py).

`GET /entries/{id}/flags` on the base world's entry (the owner's draft): the secretariat reads
its flags; the owning agency may read the entry but not its flags (403); everyone else may not
even read the entry (404). The route only reads, so no state snapshot is added.
"""

from __future__ import annotations

from tests.web.matrix_extensions import api_expect

API_ROWS = [
    {
        "method": "GET",
        "rule": "/api/v1/entries/<int:entry_id>/flags",
        "expected": api_expect(404, admin=200, owner=403),
    },
]
