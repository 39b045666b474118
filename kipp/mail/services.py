"""Changes the secretariat makes to the outbox: retrying a mail.

Guarantees
- `retry` puts a `failed` or `queued` mail back in the queue, due now, with its attempts
  counted afresh (the earlier ones stay in the audit log), and hands it to the mail queue after
  the commit. The rendered subject and bodies are kept: the resend is the same mail.
- A mail a worker is sending right now is left to that worker (nothing changes).
- A `sent` mail is not sent again (409 `invalid_stage`): the server accepted it.
- Audited as `mail.retry` with the status, attempts and last error before.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from kipp.audit.chain import record
from kipp.clock import now
from kipp.dispatch import after_commit
from kipp.errors import InvalidStage
from kipp.extensions import db
from kipp.mail.outbox import send_later
from kipp.mail.sending import patience
from kipp.models.mail import Mail
from kipp.models.users import User


def retry(actor: User, mail: Mail) -> Mail:
    """Queue `mail` again (see the module's guarantees); flushes, the caller commits."""
    db.session.refresh(mail, with_for_update=True)
    if mail.status == "sent":
        raise InvalidStage(_("This mail was already sent; it is not sent twice."))
    t = now()
    if mail.status == "queued" and mail.worker is not None and mail.lease_until > t:
        return mail  # being sent right now
    before = {"status": mail.status, "attempts": mail.attempts, "last_error": mail.last_error}
    mail.status, mail.attempts, mail.worker = "queued", 0, None
    mail.next_attempt_at, mail.lease_until = t, t + patience()
    db.session.flush()
    record(actor, "mail.retry", f"mail:{mail.id}", before=before, after={"status": "queued"})
    after_commit(db.session, send_later, mail.id, current_app._get_current_object())
    return mail
