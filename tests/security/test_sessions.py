"""Issue 10, finding 4: a browser session ends on the server (logout, password change, disable,
idle timeout, absolute lifetime), so a copied cookie stops working with it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from kipp.extensions import db
from kipp.models import UserSession
from tests.conftest import PASSWORD

PAGE = "/account/password"  # any page that needs a login
ME = "/api/v1/users/me"


def browser(app, user):
    """A fresh browser logged in as `user` through the login form."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return client


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def logged_in(client) -> bool:
    resp = client.get(PAGE)
    assert resp.status_code in (200, 302), resp.status_code
    return resp.status_code == 200


def rows() -> list[UserSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(UserSession).order_by(UserSession.id)))


def test_a_copied_cookie_stops_working_after_logout(app, make):
    user = make.user("evaluator")
    client = browser(app, user)
    thief = copy_of(app, client)
    assert logged_in(thief)  # the copy works while the session lives
    assert thief.get(ME).status_code == 200
    client.post("/logout")
    assert not logged_in(client)
    assert not logged_in(thief)
    assert thief.get(ME).status_code == 401
    assert rows()[0].revoked_at is not None


def test_the_cookie_holds_a_key_whose_hash_alone_is_stored(app, make):
    user = make.user("evaluator")
    client = browser(app, user)
    cookie = client.get_cookie("session").value
    data = app.session_interface.get_signing_serializer(app).loads(cookie)
    key = data["_user_id"]
    assert str(user.id) != key and len(key) >= 40
    (row,) = rows()
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in (row.key_hash, str(row.id))


def test_logging_in_twice_gives_two_independent_sessions(app, make):
    user = make.user("evaluator")
    laptop, phone = browser(app, user), browser(app, user)
    laptop.post("/logout")
    assert not logged_in(laptop)
    assert logged_in(phone)


def test_idle_timeout_ends_the_session(app, make):
    user = make.user("evaluator")
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client = browser(app, user)
    # Each request within the idle timeout (120 minutes) keeps the session going.
    for minutes in (100, 200, 300):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert logged_in(client)
    with time_machine.travel(start + timedelta(minutes=300 + 120), tick=False):
        assert not logged_in(client)
    # A later request does not bring it back.
    with time_machine.travel(start + timedelta(minutes=300 + 121), tick=False):
        assert not logged_in(client)


def test_idle_timeout_is_configurable(app, make):
    app.config["KIPP_SESSION_IDLE_MINUTES"] = 5
    user = make.user("evaluator")
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client = browser(app, user)
    with time_machine.travel(start + timedelta(minutes=4, seconds=59), tick=False):
        assert logged_in(client)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert not logged_in(client)


def test_absolute_lifetime_ends_even_an_active_session(app, make):
    user = make.user("evaluator")
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client = browser(app, user)
    minutes = 0
    while minutes < 12 * 60 - 30:
        minutes += 90
        with time_machine.travel(start + timedelta(minutes=minutes - 1), tick=False):
            assert logged_in(client), minutes
    with time_machine.travel(start + timedelta(hours=12), tick=False):
        assert not logged_in(client)
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert browser(app, user) is not None  # logging in again starts a new one


def test_last_seen_is_written_at_most_once_a_minute(app, make):
    user = make.user("evaluator")
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client = browser(app, user)
    for seconds in (10, 30, 59):
        with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
            assert logged_in(client)
    assert rows()[0].last_seen_at == start
    later = start + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        assert logged_in(client)
    assert rows()[0].last_seen_at == later


def test_password_change_ends_every_other_session(app, make):
    user = make.user("evaluator")
    mine, other = browser(app, user), browser(app, user)
    thief = copy_of(app, mine)
    resp = mine.post(
        PAGE,
        data={
            "current": PASSWORD,
            "password": "a-brand-new-passphrase",
            "confirm": "a-brand-new-passphrase",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert not logged_in(other)
    assert logged_in(mine)  # the browser that made the change stays in
    assert logged_in(thief)  # (a copy of it too, until it logs out)
    mine.post("/logout")
    assert not logged_in(thief)


def test_password_change_by_an_admin_ends_every_session(app, make, api):
    admin, user = make.admin(), make.user("evaluator")
    client = browser(app, user)
    resp = api(admin).patch(f"/api/v1/users/{user.id}", json={"password": "another-passphrase"})
    assert resp.status_code == 200, resp.get_json()
    assert not logged_in(client)


@pytest.mark.parametrize("how", ["api", "admin page"])
def test_disable_ends_every_session_for_good(app, make, api, web_login, how):
    admin, user = make.admin(), make.user("evaluator")
    client = browser(app, user)
    if how == "api":
        resp = api(admin).patch(f"/api/v1/users/{user.id}", json={"active": False})
        assert resp.status_code == 200, resp.get_json()
    else:
        page = web_login(admin)
        db.session.refresh(user)
        resp = page.post(
            f"/admin/users/{user.id}",
            data={"name": user.name, "role": user.role, "agency_id": "", "version": user.version},
        )
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert not logged_in(client)
    assert api(admin).patch(f"/api/v1/users/{user.id}", json={"active": True}).status_code == 200
    assert not logged_in(client)  # re-enabling does not bring old sessions back
    assert logged_in(browser(app, user))
