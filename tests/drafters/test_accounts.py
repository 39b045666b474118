"""Drafter accounts: created by the secretariat like any user, or invited by the agency account
for its own agency through the mail outbox (API and page); switched off and on by the agency."""

from __future__ import annotations

from sqlalchemy import func, select

from kipp.extensions import db
from kipp.models import AuditEvent, User
from tests.accounts_email.mailbox import last_token, mails
from tests.conftest import PASSWORD
from tests.helpers import assert_problem, token_for

A = "/api/v1"
NEW_PASSWORD = "kopi-tubruk-di-pagi-hari-2026"


def users_and_events() -> tuple:
    db.session.expire_all()
    users = sorted(db.session.execute(select(User.id, User.role, User.active, User.version)))
    return users, db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_the_secretariat_creates_a_drafter_only_with_its_agency(api, make):
    admin, owner = make.admin(), make.user("agency")
    client = api(admin)
    body = {"email": "unit@example.id", "name": "UPP", "role": "drafter", "password": PASSWORD}
    before = users_and_events()
    body_errors = assert_problem(client.post(f"{A}/users", json=body), 422, "validation_error")
    assert "agency_id" in body_errors["errors"]
    assert users_and_events() == before
    resp = client.post(f"{A}/users", json=body | {"agency_id": owner.agency_id})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["role"] == "drafter"


def test_the_agency_invites_a_drafter_who_sets_a_password_and_drafts(api, make, client):
    owner = make.user("agency")
    resp = api(owner).post(
        f"{A}/agency/drafters", json={"email": "Unit@Example.id", "name": "UPP Dukcapil"}
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["email"] == "unit@example.id" and body["invited"] is True
    assert body["drafts"] == 0 and body["active"] is True
    user = db.session.get(User, body["id"])
    assert user.role == "drafter" and user.agency_id == owner.agency_id
    assert len(mails("unit@example.id", "invitation")) == 1
    token = last_token("unit@example.id", "invitation")
    resp = api().post(
        f"{A}/auth/invitations/accept", json={"token": token, "password": NEW_PASSWORD}
    )
    assert resp.status_code == 204
    assert token_for(client, user, NEW_PASSWORD)
    listed = api(owner).get(f"{A}/agency/drafters").get_json()
    assert [(d["id"], d["invited"]) for d in listed["items"]] == [(user.id, False)]


def test_inviting_an_address_already_registered_is_409_and_changes_nothing(api, make):
    owner, taken = make.user("agency"), make.user("evaluator")
    client = api(owner)  # logging in is audited: before the snapshot
    before = users_and_events()
    resp = client.post(f"{A}/agency/drafters", json={"email": taken.email, "name": "X"})
    assert_problem(resp, 409, "conflict")
    assert users_and_events() == before


def test_bad_invitations_are_422(api, make):
    client = api(make.user("agency"))
    for body in (
        {"email": "no-at-sign", "name": "X"},
        {"email": "a@example.id", "name": ""},
        {"email": "a@example.id", "name": "x" * 201},
        {"email": "a@example.id", "name": "X", "locale": "fr"},
        {"email": "a\x00@example.id", "name": "X"},
    ):
        before = users_and_events()
        assert_problem(client.post(f"{A}/agency/drafters", json=body), 422, "validation_error")
        assert users_and_events() == before


def test_the_agency_switches_its_drafter_off_and_on(api, make, drafting):
    owner, first = drafting["owner"], drafting["first"]
    drafter_client = api(first)
    client = api(owner)
    resp = client.patch(f"{A}/agency/drafters/{first.id}", json={"active": False})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["active"] is False and resp.get_json()["drafts"] == 1
    # its token died with the switch; its draft stays with the agency
    assert_problem(drafter_client.get(f"{A}/users/me"), 401, "unauthenticated")
    assert client.get(f"{A}/entries/{drafting['first_entry'].id}").status_code == 200
    stale = resp.get_json()["version"] - 1
    resp = client.patch(f"{A}/agency/drafters/{first.id}", json={"active": True, "version": stale})
    assert_problem(resp, 409, "stale_version")
    resp = client.patch(f"{A}/agency/drafters/{first.id}", json={"active": True})
    assert resp.get_json()["active"] is True


def test_other_agencies_and_other_accounts_are_404(api, make, drafting):
    other, mine = api(drafting["other"]), api(drafting["owner"])
    before = users_and_events()
    resp = other.patch(f"{A}/agency/drafters/{drafting['first'].id}", json={"active": False})
    assert_problem(resp, 404, "not_found")
    resp = mine.patch(f"{A}/agency/drafters/{drafting['owner'].id}", json={"active": False})
    assert_problem(resp, 404, "not_found")
    assert users_and_events() == before
    assert other.get(f"{A}/agency/drafters").get_json() == {"items": [], "total": 0}
