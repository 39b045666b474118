"""Certificates and their public verification (API § Documents).

`GET /certificates/<code>` needs no login: the public verifies certificates. An unknown,
malformed or altered code answers the same 404 as any missing resource, so it reveals nothing.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp.api.auth import caller, require, visible_or_404
from kipp.api.responses import CertificateOut, RevokedOut
from kipp.api.responses_base import BINARY, PDF, problems
from kipp.api.schemas import In
from kipp.documents import certificates, codes, storage
from kipp.errors import NotFound
from kipp.extensions import db
from kipp.models import Entry
from kipp.permissions import can_download_certificate, can_revoke_certificate

blp = Blueprint(
    "api_certificates",
    __name__,
    url_prefix="/api/v1",
    description="Certificates and their public verification",
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
    actor = require(can_revoke_certificate)
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
