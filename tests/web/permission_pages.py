"""The page-matrix rows of the secretariat's certificate pages (tests/web/matrix_extensions.py).

World: `document_world` (tests/web/permission_documents.py), an awarded competition with the
owner's certificate issued. Only the admin lists and revokes certificates: every other role gets
403, the anonymous visitor the login page, and a refused revocation changes nothing (the
certificates' revocation columns are in the documents module's `state()`).
"""

from __future__ import annotations

from tests.web.matrix_extensions import web_expect

DOCS = "document_world"
SERIAL = {"serial": "certificate_serial"}
REVOKE_REASON = "Data inovasi terbukti tidak benar setelah pemeriksaan lapangan."

WEB_ROWS = [
    {
        "method": "GET",
        "rule": "/admin/documents/<int:competition_id>/certificates",
        "expected": web_expect(403, admin=200),
        "params": {"competition_id": "awarded_comp_id"},
        "world": DOCS,
    },
    {
        "method": "GET",
        "rule": "/admin/documents/certificates/<serial>/revoke",
        "expected": web_expect(403, admin=200),
        "params": SERIAL,
        "world": DOCS,
    },
    {
        "method": "POST",
        "rule": "/admin/documents/certificates/<serial>/revoke",
        "expected": web_expect(403, admin=302),
        "params": SERIAL,
        "form": "pages_revoke",
        "world": DOCS,
    },
]


def web_form(name: str, ids: dict) -> dict | None:
    if name == "pages_revoke":
        return {"reason": REVOKE_REASON, "confirm": "y"}
    return None
