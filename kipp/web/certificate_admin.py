"""The secretariat's certificate pages and the document links of the other pages (issue 15,
item 1: everything in the browser). Routes of the `documents_web` blueprint, admin only
(anonymous → login, other roles → 403).

- GET /admin/documents/<competition_id>/certificates: every issued certificate of the
  competition with its status (valid, or revoked with the date, reason and who revoked it),
  a download link and, while valid, a link to revoke it.
- GET /admin/documents/certificates/<serial>/revoke: the confirmation page (the certificate,
  a reason field, a confirmation box). POST revokes through `kipp.documents.certificates.
  revoke` (audited) and redirects to the list; a missing reason or an unticked box comes back
  with 422 and the message under its field, an already revoked certificate with 409; an unknown
  or malformed serial is a 404. A refused request changes nothing.

Template globals for the entry, ranking, proposal and competition pages:
`score_sheet_url(entry)` (the PDF download if the caller may read it and a submitted sheet
exists, else None), `score_sheet_entries(competition_id)` (see
`kipp.documents.page_queries`) and `can_export_results`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import InputRequired, Length

from kipp.documents import certificates, codes, page_queries
from kipp.errors import DomainError
from kipp.extensions import db
from kipp.models import Competition, Entry
from kipp.permissions import can_export_results, can_read_score_sheet
from kipp.web.admin import admin_required
from kipp.web.documents import bp

REASON_MAX = 2000  # as the API's RevokeIn


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[
            InputRequired(_l("Write why the certificate is revoked.")),
            Length(max=REASON_MAX, message=_l("At most %(max)s characters.")),
        ],
    )
    confirm = BooleanField(
        _l("I understand that the certificate stops being valid for good."),
        validators=[InputRequired(_l("Tick the box to confirm."))],
    )


@bp.get("/<int:competition_id>/certificates")
@admin_required
def certificate_list(competition_id: int):
    comp = db.get_or_404(Competition, competition_id)
    rows = page_queries.competition_certificates(comp.id)
    return render_template(
        "admin_documents/certificates.html",
        comp=comp,
        rows=[(cert, codes.public_code(cert.serial)) for cert in rows],
    )


def _certificate(serial: str):
    cert = certificates.find(serial) if codes.SERIAL.fullmatch(serial) else None
    if cert is None or not cert.stored_name:
        abort(404)
    return cert


def _revoke_page(cert, form: RevokeForm, status: int = 200, detail: str = ""):
    comp = db.session.get(Competition, cert.competition_id)
    return render_template(
        "admin_documents/revoke.html", cert=cert, comp=comp, form=form, detail=detail
    ), status


@bp.get("/certificates/<serial>/revoke")
@admin_required
def revoke_form(serial: str):
    cert = _certificate(serial)
    return _revoke_page(cert, RevokeForm(formdata=None))


@bp.post("/certificates/<serial>/revoke")
@admin_required
def revoke(serial: str):
    cert = _certificate(serial)
    form = RevokeForm()
    if cert.revoked_at is not None:
        return _revoke_page(cert, form, 409, _("This certificate is already revoked."))
    if not form.validate_on_submit():
        return _revoke_page(cert, form, 422)
    try:
        certificates.revoke(current_user._get_current_object(), cert.serial, form.reason.data)
    except DomainError as exc:
        db.session.rollback()
        form.reason.errors = list((exc.errors or {}).get("reason", []))
        return _revoke_page(_certificate(serial), form, exc.status, exc.detail)
    db.session.commit()
    flash(_("Certificate %(serial)s revoked.", serial=cert.serial), "ok")
    return redirect(url_for("documents_web.certificate_list", competition_id=cert.competition_id))


# ----------------------------------------------------------------- links on other pages
@bp.app_template_global()
def score_sheet_url(entry: Entry) -> str | None:
    """The score-sheet PDF of `entry` for the caller, or None (not theirs to read, or no
    submitted sheet yet)."""
    if not can_read_score_sheet(current_user, entry):
        return None
    if not page_queries.has_submitted_sheet(entry.id):
        return None
    return url_for("api_documents.score_sheet_pdf", entry_id=entry.id)


@bp.app_template_global()
def score_sheet_entries(competition_id: int):
    """None (every entry) or the frozenset of entry ids whose score sheet the caller reads."""
    return page_queries.score_sheet_entries(current_user, competition_id)


bp.add_app_template_global(can_export_results, "can_export_results")
