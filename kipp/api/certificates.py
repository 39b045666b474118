"""Certificates, their public verification, and score-sheet / recap PDFs (API § Documents).

`GET /certificates/<code>` needs no login: the public verifies certificates. An unknown,
malformed or altered code answers the same 404 as any missing resource, so it reveals nothing.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp.api.auth import caller, require_role, visible_or_404
from kipp.api.responses import CertificateOut, RevokedOut
from kipp.api.responses_base import BINARY, PDF, problems
from kipp.api.schemas import In
from kipp.documents import certificates, codes, score_sheets, storage
from kipp.errors import NotFound
from kipp.extensions import db
from kipp.models import Entry, Selection
from kipp.permissions import can_download_certificate, can_read_score_sheet, can_view_ranking

blp = Blueprint(
    "api_certificates",
    __name__,
    url_prefix="/api/v1",
    description="Certificates, public verification, score sheets and selection recaps",
)


class RevokeIn(In):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


def public(found: dict) -> dict:
    """The JSON body: everything `verify_code` says but the page's pre-formatted dates."""
    return {k: v for k, v in found.items() if k != "issued_on"}


@blp.get("/certificates/<code>")
@blp.response(
    200,
    CertificateOut,
    description="Public, no login. `valid` is false when revoked (with `reason`); an unknown "
    "or altered code is a 404.",
)
def verify(code):
    found = certificates.verify_code(code)
    if found is None:
        raise NotFound(_("Not found."))
    return public(found), 200, {"Cache-Control": "no-cache"}


@blp.post("/certificates/<serial>/revoke")
@blp.arguments(RevokeIn)
@blp.response(200, RevokedOut, description="Admin. Audited. A revoked certificate → 409 `locked`.")
@blp.doc(responses=problems(409))
def revoke(data, serial):
    actor = require_role("admin")
    cert = certificates.revoke(actor, serial, data["reason"])
    db.session.commit()
    found = certificates.verify_code(codes.public_code(cert.serial))
    return public(found) | {"revoked_by": actor.email}


@blp.get("/entries/<int:entry_id>/certificate")
@blp.response(
    200,
    BINARY,
    content_type=PDF,
    description="application/pdf: the entry's agency and admins; 404 otherwise.",
)
def certificate_pdf(entry_id):
    user = caller()
    entry = db.session.get(Entry, entry_id)
    cert = certificates.for_entry(entry) if entry is not None else None
    visible_or_404(cert, cert is not None and can_download_certificate(user, cert))
    return storage.pdf_response(cert.stored_name, f"{cert.serial}.pdf")


@blp.get("/entries/<int:entry_id>/score-sheet")
@blp.response(
    200,
    BINARY,
    content_type=PDF,
    description="application/pdf (admin, chair, panelists who may read the entry); rendered on "
    "demand unless a current copy is cached. No submitted sheet yet → 409 `invalid_stage`.",
)
@blp.doc(responses=problems(409))
def score_sheet_pdf(entry_id):
    user = caller()
    entry = db.session.get(Entry, entry_id)
    visible_or_404(entry, entry is not None and can_read_score_sheet(user, entry))
    doc = score_sheets.render_score_sheet(entry.id)
    db.session.commit()
    return storage.pdf_response(doc.stored_name, f"score-sheet-{entry.id}.pdf")


@blp.get("/selections/<int:selection_id>/recap")
@blp.response(
    200,
    BINARY,
    content_type=PDF,
    description="application/pdf: the berita acara of a finalised selection (admin, chair, "
    "panelists). A proposed selection → 409 `invalid_stage`.",
)
@blp.doc(responses=problems(409))
def recap_pdf(selection_id):
    user = caller()
    sel = db.session.get(Selection, selection_id)
    visible_or_404(sel, sel is not None and can_view_ranking(user))
    doc = score_sheets.render_selection_recap(sel.id)
    db.session.commit()
    return storage.pdf_response(doc.stored_name, f"selection-{sel.id}-{sel.tier}.pdf")
