"""The mail-outbox part of the permission matrices (tests/web/matrix_extensions.py).

The outbox is the secretariat's: every other role is answered 403 (API) or 403 (pages), an
anonymous caller 401 (API) or the login redirect (pages). World `mail_outbox_world`: the base
world plus one failed mail (a refused recipient), which the admin's retry queues again (202,
or a redirect back to the list on the page); a refused retry leaves it failed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kipp.clock import now
from kipp.extensions import db
from kipp.models.mail import Mail
from tests.web.matrix_extensions import LOGIN, api_expect, web_expect

A = "/api/v1"
WORLD = "mail_outbox_world"

API_ROWS = [
    {"method": "GET", "rule": f"{A}/mail", "expected": api_expect(403, admin=200)},
    {
        "method": "POST",
        "rule": f"{A}/mail/<int:mail_id>/retry",
        "expected": api_expect(403, admin=202),
        "params": {"mail_id": "failed_mail_id"},
        "world": WORLD,
    },
]

WEB_ROWS = [
    {
        "method": "GET",
        "rule": "/admin/mail",
        "expected": web_expect(403, anonymous=LOGIN, admin=200),
    },
    {
        "method": "POST",
        "rule": "/admin/mail/<int:mail_id>/retry",
        "expected": web_expect(403, anonymous=LOGIN, admin=302),
        "params": {"mail_id": "failed_mail_id"},
        "world": WORLD,
    },
]


def state() -> tuple:
    """Every mail's status and attempts: a refused request changes none."""
    return tuple(db.session.execute(select(Mail.id, Mail.status, Mail.attempts)).all())


@pytest.fixture
def mail_outbox_world(world) -> dict:
    t = now()
    mail = Mail(
        to="refused@example.id",
        kind="invitation",
        language="id",
        subject="Undangan KIPP",
        text_body="Halo\n",
        html_body="<p>Halo</p>",
        message_id="<matrix@kipp.example>",
        status="failed",
        attempts=8,
        last_error="recipient refused: 550 5.1.1 User unknown",
        created_at=t,
        next_attempt_at=t,
    )
    db.session.add(mail)
    db.session.commit()
    return world | {"failed_mail_id": mail.id}
