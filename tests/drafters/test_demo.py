"""The demo has two drafters under the demo agency, with drafts of their own in KIPP 2027."""

from __future__ import annotations

from sqlalchemy import select

from kipp.demo import seed
from kipp.demo.people import DEMO_AGENCY, DEMO_PASSWORD
from kipp.extensions import db
from kipp.models import Competition, Entry, User
from tests.helpers import count


def test_demo_drafters_with_their_drafts_and_in_the_login_summary(app, client):
    first = seed()
    db.session.commit()
    assert f"2 drafter accounts of {DEMO_AGENCY} with 3 drafts in KIPP 2027" in first
    comp = db.session.scalar(select(Competition).where(Competition.name == "KIPP 2027"))
    for email, drafts in (("drafter1@kipp.demo", 2), ("drafter2@kipp.demo", 1)):
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.role == "drafter" and user.agency.name == DEMO_AGENCY
        assert count(Entry, Entry.drafted_by_id == user.id, Entry.competition_id == comp.id) == (
            drafts
        )
        assert any(line.startswith("drafter") and email in line for line in first.splitlines())
    resp = client.post(
        "/api/v1/auth/tokens", json={"email": "drafter1@kipp.demo", "password": DEMO_PASSWORD}
    )
    assert resp.status_code == 201
    before = count(Entry)
    again = seed()
    db.session.commit()
    assert "drafter accounts" not in again and count(Entry) == before
    assert "drafter2@kipp.demo" in again
