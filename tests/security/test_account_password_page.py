"""/account/password: a user changes their own password (issue 10, tests found missing)."""

from __future__ import annotations

import re

from kipp.auth.passwords import verify_password
from kipp.extensions import db
from kipp.models import AuditEvent, User
from tests.conftest import PASSWORD

PAGE = "/account/password"
NEW = "a-brand-new-passphrase"


def form(current=PASSWORD, password=NEW, confirm=None) -> dict:
    return {
        "current": current,
        "password": password,
        "confirm": password if confirm is None else confirm,
    }


def stored_hash(user) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).password_hash


def token_status(client, user, password) -> int:
    resp = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": password})
    return resp.status_code


def test_anonymous_visitors_are_sent_to_the_login(client):
    resp = client.get(PAGE)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_success_changes_the_password_and_is_audited(make, web_login, api):
    user = make.user("agency")
    token = api(user).token
    client = web_login(user)
    resp = client.post(PAGE, data=form())
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert verify_password(stored_hash(user), NEW)
    assert token_status(client, user, NEW) == 201
    assert token_status(client, user, PASSWORD) == 401
    # The old API token died with the old password; this browser is still logged in.
    assert (
        client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    page = client.get(PAGE)
    assert page.status_code == 200
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "user.password")
    ).all()
    assert [e.object for e in events] == [f"user:{user.id}"]


def test_wrong_current_password_changes_nothing(make, web_login):
    user = make.user("evaluator")
    before = stored_hash(user)
    resp = web_login(user).post(PAGE, data=form(current="not-my-password"))
    assert resp.status_code == 422
    assert "The current password is wrong." in resp.get_data(as_text=True)
    assert stored_hash(user) == before


def test_policy_refusal_is_shown_on_the_field(make, web_login):
    user = make.user("evaluator", name="Ratna Wulandari")
    before = stored_hash(user)
    client = web_login(user)
    for password, message in (
        ("qwertyuiop", "This password is too common."),
        ("ratna-wulandari-99", "The password must not contain your name or e-mail address."),
        ("short", "Use at least 10 characters."),
    ):
        resp = client.post(PAGE, data=form(password=password))
        assert resp.status_code == 422, password
        assert message in resp.get_data(as_text=True), password
    assert stored_hash(user) == before


def test_confirmation_must_match(make, web_login):
    user = make.user("evaluator")
    before = stored_hash(user)
    resp = web_login(user).post(PAGE, data=form(confirm="a-different-passphrase"))
    assert resp.status_code == 422
    assert "The passwords differ." in resp.get_data(as_text=True)
    assert stored_hash(user) == before


def test_the_form_carries_a_csrf_token_and_needs_it(app, make, web_login):
    user = make.user("evaluator")
    client = web_login(user)
    before = stored_hash(user)
    app.config["WTF_CSRF_ENABLED"] = True  # as in production (the fixture restores it)
    html = client.get(PAGE).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token, html
    resp = client.post(PAGE, data=form())
    assert resp.status_code in (400, 422)
    assert stored_hash(user) == before
    resp = client.post(PAGE, data=form() | {"csrf_token": token[1]})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert verify_password(stored_hash(user), NEW)


def test_other_sessions_are_logged_out(app, make, web_login):
    user = make.user("evaluator")
    other = app.test_client()
    assert other.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert other.get(PAGE).status_code == 200
    client = web_login(user)
    resp = client.post(PAGE, data=form(), follow_redirects=True)
    assert resp.status_code == 200
    assert "Other sessions were logged out." in resp.get_data(as_text=True)
    assert other.get(PAGE).status_code == 302  # back to the login
    assert client.get(PAGE).status_code == 200
