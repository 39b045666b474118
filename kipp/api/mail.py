"""The mail outbox (admin): GET /mail, POST /mail/{id}/retry (API v1.1 § Accounts by e-mail).

Every mail is a row of the outbox; the workers send it with retries (kipp.mail.sending). The
secretariat lists mails by status, kind and address and retries a failed one (202: the workers
send it after the commit). Everybody but an admin is answered 403.
"""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp.api import serializers as out
from kipp.api.auth import require, visible_or_404
from kipp.api.responses_base import Int, Items, Out, Paged, Str, Time, problems
from kipp.api.schemas import PageArgs, Text
from kipp.extensions import db
from kipp.limits import EMAIL_MAX
from kipp.mail import queries, services
from kipp.models.mail import MAIL_STATUSES, MAX_KIND, Mail
from kipp.permissions import can_manage_mail

blp = Blueprint("api_mail", __name__, url_prefix="/api/v1", description="The mail outbox")


class MailArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(MAIL_STATUSES))
    kind = Text(MAX_KIND)
    to = Text(EMAIL_MAX)


class MailOut(Out):
    """One mail of the outbox. `status`: queued (waiting or retrying), sent, failed (refused
    for good or retries spent; `last_error` says why)."""

    id = Int()
    to = Str()
    kind = Str()
    subject = Str()
    status = Str(validate=validate.OneOf(MAIL_STATUSES))
    attempts = Int()
    created_at = Time()
    sent_at = Time()
    last_error = fields.String(required=True, allow_none=True)


class MailPage(Paged):
    items = Items(MailOut)


def mail_json(mail: Mail) -> dict:
    return {
        "id": mail.id,
        "to": mail.to,
        "kind": mail.kind,
        "subject": mail.subject,
        "status": mail.status,
        "attempts": mail.attempts,
        "created_at": out.iso(mail.created_at),
        "sent_at": out.iso(mail.sent_at),
        "last_error": mail.last_error,
    }


@blp.get("/mail")
@blp.arguments(MailArgs, location="query")
@blp.response(200, MailPage)
@blp.doc(responses=problems(403, 422))
def list_mail(args):
    """The outbox, newest first; `to` matches any part of the address."""
    require(can_manage_mail)
    query = queries.mail_query(args.get("status"), args.get("kind"), args.get("to"))
    return out.page(query, args["page"], args["per_page"], mail_json)


@blp.post("/mail/<int:mail_id>/retry")
@blp.response(202, MailOut)
@blp.doc(responses=problems(403, 409))
def retry_mail(mail_id):
    """Send a queued or failed mail again now (409 invalid_stage for a sent one)."""
    actor = require(can_manage_mail)
    mail = visible_or_404(db.session.get(Mail, mail_id), True)
    services.retry(actor, mail)
    db.session.commit()
    return mail_json(mail)
