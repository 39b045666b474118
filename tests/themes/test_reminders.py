"""The yearly reminder to keep a directory innovation's profile current."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from kipp.extensions import db
from kipp.models.mail import Mail
from kipp.themes.reminders import KIND, send_due
from kipp.themes.services import save_profile

T = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _public_base(app):
    app.config["KIPP_PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"


def due_at(at: datetime) -> int:
    with time_machine.travel(at, tick=False):
        n = send_due()
        db.session.commit()
    return n


def reminded() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Mail.to, Mail.key).where(Mail.kind == KIND)).all()
    return sorted((to, key) for to, key in rows)


def test_stale_innovations_are_reminded_once_a_year(w, make):
    second = make.user("agency", agency=w.owner.agency)
    with time_machine.travel(T, tick=False):
        save_profile(w.owner, w.pub, {"status": "running"})
        db.session.commit()
    # `pub` is fresh; `other` (never validated) is stale: its agency's one account is mailed.
    assert due_at(T + timedelta(days=1)) == 1
    assert due_at(T + timedelta(days=2)) == 0  # once a year
    assert reminded()[0][0] == w.stranger.email
    mail = db.session.scalar(select(Mail).where(Mail.kind == KIND))
    assert f"/profiles/entries/{w.other.id}" in mail.text_body
    assert w.hidden.id not in {int(k.split(":")[1]) for _, k in reminded()}  # not public
    # A year and a second later (a new year) `pub` is stale too: both of its agency's
    # accounts hear of it, and `other` is reminded again for the new year.
    later = T + timedelta(days=365, seconds=1)
    assert due_at(later) == 3
    assert {to for to, key in reminded() if f":{w.pub.id}:" in key} == {
        w.owner.email,
        second.email,
    }
    assert due_at(later + timedelta(hours=1)) == 0
    assert all(key.endswith(":2027") for _, key in reminded() if f":{w.pub.id}:" in key)
