"""The outbox: how the app sends mail. Nothing here talks to an SMTP server.

Usage (in a service, inside the transaction of the change the mail reports)::

    from kipp.mail.outbox import enqueue

    enqueue(
        "password_reset",                 # mail/password_reset.subject.txt, .txt and .html
        to=user.email, user_id=user.id,
        language=user.locale or "id",     # rendered under force_locale(language)
        context={"name": user.name, "link": f"/account/reset/{token}"},
        key=f"password_reset:{token_id}", # optional: a second enqueue with it adds nothing
    )

The templates see `context` plus `public_url(path)` (absolute links) and `language`; they may
extend `mail/_base.txt` / `mail/_base.html`. The subject template's text is folded to one line.

Guarantees
- The row is added and flushed in the caller's transaction: a rollback leaves no mail, a commit
  leaves a `queued` mail that the workers send (kipp.dispatch.after_commit hands its id to the
  mail queue; if the broker is down, the reconciler in workers.mail sends it later).
- An invalid address raises ValidationFailed (422, field `email`) before anything is written.
- `key` is unique in the table: with a key already used — even by a transaction committing at
  the same moment — enqueue adds nothing and returns None (the insert runs in a savepoint, so
  the caller's transaction goes on).
"""

from __future__ import annotations

import re
import uuid
import warnings

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kipp import queues
from kipp.clock import now
from kipp.dispatch import after_commit
from kipp.errors import ValidationFailed, is_unique_violation
from kipp.extensions import db
from kipp.mail import addresses
from kipp.mail.links import public_url
from kipp.mail.sending import patience
from kipp.models.mail import MAX_KEY, MAX_KIND, MAX_SUBJECT, Mail

SEND_MAIL = "workers.mail.send_mail"
_KIND = re.compile(r"^[a-z][a-z0-9_]*$")


def mail_queue(app=None) -> str:
    """The Celery queue of mail tasks: `<KIPP_CELERY_QUEUE>.mail` (`kipp.queues`)."""
    return queues.mail(app)


def language_of(language: str | None) -> str:
    """`language` if the app speaks it, else the default language."""
    config = current_app.config
    return language if language in config["KIPP_LOCALES"] else config["BABEL_DEFAULT_LOCALE"]


def render(kind: str, language: str, context: dict) -> tuple[str, str, str]:
    """(subject, text body, html body) of a mail of `kind` in `language`."""
    values = {**context, "public_url": public_url, "language": language}
    with force_locale(language):
        subject = render_template(f"mail/{kind}.subject.txt", **values)
        text = render_template(f"mail/{kind}.txt", **values)
        html = render_template(f"mail/{kind}.html", **values)
    subject = " ".join(subject.split())  # one line: no CR, LF or tab can reach the header
    if len(subject) > MAX_SUBJECT:
        subject = subject[: MAX_SUBJECT - 1] + "…"
    return subject, text.strip() + "\n", html


def message_id() -> str:
    sender = current_app.config.get("KIPP_MAIL_FROM") or "kipp@localhost"
    domain = sender.rpartition("@")[2].strip(" >") or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def enqueue(
    kind: str,
    *,
    to: str,
    language: str,
    context: dict,
    user_id: int | None = None,
    key: str | None = None,
) -> Mail | None:
    """Add a queued mail of `kind` to `to` (see the module docstring); None if `key` was used."""
    if not _KIND.match(kind) or len(kind) > MAX_KIND:
        raise ValueError(f"bad mail kind: {kind!r}")
    if key is not None and not 0 < len(key) <= MAX_KEY:
        raise ValueError(f"mail key must have 1 to {MAX_KEY} characters: {key!r}")
    to = addresses.normalise(to or "")
    if not addresses.is_valid(to):
        message = _("Enter a valid e-mail address.")
        raise ValidationFailed(message, errors={"email": [message]})
    if key is not None and db.session.scalar(select(Mail.id).where(Mail.key == key)):
        return None
    language = language_of(language)
    subject, text, html = render(kind, language, context)
    t = now()
    mail = Mail(
        to=to,
        user_id=user_id,
        kind=kind,
        language=language,
        subject=subject,
        text_body=text,
        html_body=html,
        message_id=message_id(),
        status="queued",
        attempts=0,
        created_at=t,
        next_attempt_at=t,
        lease_until=t + patience(),  # the broker message's pickup deadline, see sending.py
        key=key,
    )
    _begin_sqlite()
    try:
        with db.session.begin_nested():
            db.session.add(mail)
            db.session.flush()
    except IntegrityError as exc:
        if key is None or not is_unique_violation(exc):
            raise
        return None  # a concurrent transaction took the key first
    after_commit(db.session, send_later, mail.id, current_app._get_current_object())
    return mail


def _begin_sqlite() -> None:
    """pysqlite opens a transaction only at the first INSERT/UPDATE/DELETE, so a SAVEPOINT
    issued before one would be the outermost transaction and its RELEASE would commit the mail
    whatever the caller does next. Begin the transaction first (a no-op elsewhere)."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        if not raw.in_transaction:
            raw.execute("BEGIN")


def send_later(mail_id: int, app) -> None:
    """Hand a committed mail to the mail queue. A broker failure is logged, never raised: the
    row stays queued and workers.mail.reconcile_once sends it."""
    try:
        celery = app.extensions["celery"]
        with warnings.catch_warnings():
            # kombu's SQLAlchemy transport: see kipp.documents.celery_app_factory.
            warnings.filterwarnings(
                "ignore", message=r"The ``noload`` loader strategy is deprecated", category=Warning
            )
            celery.send_task(SEND_MAIL, args=[mail_id], queue=mail_queue(app))
    except Exception as exc:  # noqa: BLE001 - the reconciler makes up for it
        app.logger.warning("mail %s not handed to the workers yet: %s", mail_id, exc)
