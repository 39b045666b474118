"""The secretariat's pages: agencies, users, competitions, stages and audit.

Every page here is admin-only (`admin_required`: anonymous → login redirect, other roles →
403) except a competition's audit page, which the panel chair may read too.
Views follow one pattern: parse the form, call one service, commit once, flash and redirect;
a `DomainError` rolls back and re-renders the form with what the user typed and the messages.
"""

from __future__ import annotations

from flask import Blueprint, request, url_for
from wtforms import Field, FieldList, FormField

from kipp.errors import DomainError
from kipp.extensions import db
from kipp.labels import ROLE_LABELS, STAGE_LABELS
from kipp.limits import PAGE_MAX
from kipp.permissions import is_admin
from kipp.web.gates import requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


def page_url(page: int) -> str:
    """This page's URL with its query arguments kept and `page` replaced."""
    args = request.args.to_dict() | {"page": page}
    return url_for(request.endpoint, **(request.view_args or {}), **args)


@bp.context_processor
def _helpers():
    return {
        "STAGE_LABELS": STAGE_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "page_url": page_url,
    }


admin_required = requires(is_admin)


def show_error(form, exc: DomainError) -> int:
    """Roll back, then attach the error to `form` and return the HTTP status to answer with.

    Messages for a plain field go on that field; others (e.g. a whole criteria table) go to
    `form.extra_errors[key]`; `form.detail` holds the summary. The form keeps the typed input.
    """
    db.session.rollback()
    form.detail = exc.detail
    form.extra_errors = {}
    for key, messages in (exc.errors or {}).items():
        msgs = [str(m) for m in (messages if isinstance(messages, list) else [messages])]
        field = getattr(form, key, None)
        if isinstance(field, Field) and not isinstance(field, FieldList | FormField):
            field.errors = list(field.errors or ()) + msgs
        else:
            form.extra_errors[key] = msgs
    return exc.status


def page_arg(request) -> int:
    try:
        return min(max(1, int(request.args.get("page", 1))), PAGE_MAX)
    except ValueError:
        return 1


from kipp.web.admin import accounts, audit, competitions  # noqa: E402, F401  (register routes)
