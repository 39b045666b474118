"""The agency's certificates: a list with download buttons (GET /agency/certificates).

Only agency accounts see the list (other roles: 403), and only their own agency's
certificates. A download of any other certificate — another agency's, a revoked one, an
unknown serial — answers 404; admins may download any issued certificate.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from kipp.documents import certificates, codes, storage
from kipp.documents.queries import agency_certificates
from kipp.permissions import can_create_entries, can_download_certificate

bp = Blueprint("agency_certificates", __name__, url_prefix="/agency/certificates")


@bp.get("")
@login_required
def index():
    if not can_create_entries(current_user):
        abort(403)
    rows = []
    for cert in agency_certificates(current_user.agency_id):
        info = certificates.verify_code(codes.public_code(cert.serial))
        rows.append({"cert": cert, "info": info})
    return render_template("certificates/index.html", rows=rows)


@bp.get("/<serial>/download")
@login_required
def download(serial: str):
    cert = certificates.find(serial)
    if cert is None or not can_download_certificate(current_user, cert):
        abort(404)
    return storage.pdf_response(cert.stored_name, f"{cert.serial}.pdf")
