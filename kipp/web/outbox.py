"""The mail outbox for the secretariat: filters, status, last error, retry.

GET /admin/mail lists the outbox newest first (filters: status, kind, any part of the
address; 50 per page), each mail with its attempts, times and last error. POST
/admin/mail/<id>/retry (a CSRF-protected button) queues a failed or queued mail again and
redirects back to the list with the filters kept; a sent mail is refused with a message and
nothing changes. Admin only (kipp.web.gates): anonymous → login, other roles → 403.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kipp.errors import DomainError
from kipp.extensions import db
from kipp.limits import EMAIL_MAX, PAGE_MAX
from kipp.mail import queries, services
from kipp.models.mail import MAIL_STATUSES, MAX_KIND, Mail
from kipp.permissions import can_manage_mail
from kipp.web.gates import guard_blueprint

bp = Blueprint("outbox", __name__, url_prefix="/admin/mail")
guard_blueprint(bp, can_manage_mail)

PER_PAGE = 50
STATUS_LABELS = {"queued": _l("Queued"), "sent": _l("Sent"), "failed": _l("Failed")}
FILTERS = ("status", "kind", "to")


def _filters(args) -> dict[str, str]:
    """The list's filters from `args`; values that cannot match anything are dropped."""
    status = args.get("status", "")
    kind = args.get("kind", "")[:MAX_KIND]
    to = args.get("to", "").strip()[:EMAIL_MAX]
    return {"status": status if status in MAIL_STATUSES else "", "kind": kind, "to": to}


def _page_number(args) -> int:
    try:
        return min(max(1, int(args.get("page", 1))), PAGE_MAX)
    except ValueError:
        return 1


@bp.get("")
def index():
    filters = _filters(request.args)
    query = queries.mail_query(filters["status"], filters["kind"], filters["to"])
    pagination = db.paginate(
        query, page=_page_number(request.args), per_page=PER_PAGE, error_out=False
    )

    def page_url(page: int) -> str:
        return url_for("outbox.index", **{k: v for k, v in filters.items() if v}, page=page)

    return render_template(
        "outbox/index.html",
        pagination=pagination,
        filters=filters,
        kinds=queries.kinds(),
        statuses=MAIL_STATUSES,
        STATUS_LABELS=STATUS_LABELS,
        page_url=page_url,
    )


@bp.post("/<int:mail_id>/retry")
def retry(mail_id: int):
    mail = db.get_or_404(Mail, mail_id)
    try:
        services.retry(current_user._get_current_object(), mail)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.detail, "error")
    else:
        db.session.commit()
        flash(_("Mail #%(id)d to %(to)s is queued again.", id=mail_id, to=mail.to), "ok")
    back = {k: v for k, v in _filters(request.form).items() if v}
    return redirect(url_for("outbox.index", **back))
