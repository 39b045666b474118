"""GET /verify/<code>: the public, bilingual check of a certificate (no login).

A genuine code shows Sah / Valid or Dicabut / Revoked (with the reason) and the innovation,
agency, tier and date. An unknown, malformed or altered code answers 404 with a page that says
only Tidak ditemukan / Not found — the same for every failure, so it reveals nothing.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from kipp.documents.certificates import verify_code

bp = Blueprint("verify", __name__)


@bp.get("/verify/<code>")
def verify(code: str):
    found = verify_code(code)
    headers = {"Cache-Control": "no-cache", "X-Robots-Tag": "noindex"}
    if found is None:
        return render_template("verify/not_found.html"), 404, headers
    return render_template("verify/result.html", v=found), 200, headers
