"""API contract § Conventions: tokens, expiry, revocation, throttling, session + CSRF."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select, text

from kipp import create_app
from kipp.extensions import db
from kipp.models import Agency, ApiToken, LoginFailure, User
from tests.conftest import PASSWORD
from tests.helpers import assert_problem

TOKENS = "/api/v1/auth/tokens"
ME = "/api/v1/users/me"


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def login(client, email, password=PASSWORD, ip="10.0.0.1"):
    return client.post(
        TOKENS, json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# ------------------------------------------------------------------ tokens
def test_token_created_with_expiry_in_twelve_hours(client, make):
    user = make.user("evaluator")
    before = datetime.now(UTC)
    resp = login(client, user.email)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert set(body) >= {"token", "expires_at"}
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires.utcoffset() == timedelta(hours=7)  # WIB
    assert timedelta(hours=11, minutes=59) < expires - before <= timedelta(hours=12, minutes=1)
    assert count(ApiToken) == 1


def test_email_is_case_insensitive(client, make):
    user = make.user("evaluator")
    assert login(client, user.email.upper()).status_code == 201


def test_bad_credentials_are_401_and_issue_nothing(client, make, subtests):
    user = make.user("evaluator")
    cases = [(user.email, "wrong-password-123"), ("no@x.id", PASSWORD), (user.email, "")]
    for n, (email, password) in enumerate(cases, start=1):
        with subtests.test(email=email, password=password):
            resp = login(client, email, password)
            body = assert_problem(resp, 401, "unauthenticated")
            assert "token" not in body
            # The same answer whether or not the account exists.
            assert body["detail"] == login(client, "nobody@x.id", "x").get_json()["detail"]
            assert count(ApiToken) == 0
            assert count(LoginFailure) == 2 * n


def test_token_request_without_fields_is_422(client):
    body = assert_problem(client.post(TOKENS, json={}), 422, "validation_error")
    assert set(body["errors"]) == {"email", "password"}
    assert count(ApiToken) == 0


def test_token_authenticates_requests(client, make):
    user = make.user("panelist")
    token = login(client, user.email).get_json()["token"]
    resp = client.get(ME, headers=bearer(token))
    assert resp.status_code == 200
    assert resp.get_json()["email"] == user.email


def test_missing_or_unknown_token_is_401(client, subtests):
    for headers in (
        {},
        {"Authorization": "Bearer not-a-real-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ):
        with subtests.test(headers=headers):
            assert_problem(client.get(ME, headers=headers), 401, "unauthenticated")


def test_delete_current_token_revokes_it(client, make):
    user = make.user("agency")
    token = login(client, user.email).get_json()["token"]
    other = login(client, user.email).get_json()["token"]
    resp = client.delete(f"{TOKENS}/current", headers=bearer(token))
    assert resp.status_code == 204
    assert resp.get_data() == b""
    assert_problem(client.get(ME, headers=bearer(token)), 401, "unauthenticated")
    assert_problem(
        client.delete(f"{TOKENS}/current", headers=bearer(token)), 401, "unauthenticated"
    )
    # Only the token in use dies.
    assert client.get(ME, headers=bearer(other)).status_code == 200
    revoked = db.session.scalars(select(ApiToken).where(ApiToken.revoked_at.is_not(None))).all()
    assert len(revoked) == 1


def test_delete_current_token_without_token_is_401(client):
    assert_problem(client.delete(f"{TOKENS}/current"), 401, "unauthenticated")


def test_token_expires_after_twelve_hours(client, make):
    user = make.user("evaluator")
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        token = login(client, user.email).get_json()["token"]
    with time_machine.travel(start + timedelta(hours=11, minutes=59), tick=False):
        assert client.get(ME, headers=bearer(token)).status_code == 200
    with time_machine.travel(start + timedelta(hours=12), tick=False):
        assert_problem(client.get(ME, headers=bearer(token)), 401, "unauthenticated")
    with time_machine.travel(start + timedelta(days=3), tick=False):
        assert_problem(client.get(ME, headers=bearer(token)), 401, "unauthenticated")


def test_password_change_kills_every_token(client, make, api):
    admin = make.admin()
    user = make.user("evaluator")
    t1 = login(client, user.email).get_json()["token"]
    t2 = login(client, user.email).get_json()["token"]
    resp = api(admin).patch(f"/api/v1/users/{user.id}", json={"password": "a-brand-new-secret"})
    assert resp.status_code == 200, resp.get_json()
    for token in (t1, t2):
        assert_problem(client.get(ME, headers=bearer(token)), 401, "unauthenticated")
    assert_problem(login(client, user.email), 401, "unauthenticated")
    fresh = login(client, user.email, "a-brand-new-secret")
    assert fresh.status_code == 201
    assert client.get(ME, headers=bearer(fresh.get_json()["token"])).status_code == 200


def test_disabled_user_token_dies_and_stays_dead_after_reenable(client, make, api):
    admin = make.admin()
    user = make.user("agency")
    token = login(client, user.email).get_json()["token"]
    a = api(admin)
    assert a.patch(f"/api/v1/users/{user.id}", json={"active": False}).status_code == 200
    assert_problem(client.get(ME, headers=bearer(token)), 401, "unauthenticated")
    assert_problem(login(client, user.email), 401, "unauthenticated")
    assert a.patch(f"/api/v1/users/{user.id}", json={"active": True}).status_code == 200
    assert_problem(client.get(ME, headers=bearer(token)), 401, "unauthenticated")
    assert login(client, user.email).status_code == 201


def test_tokens_are_stored_only_as_sha256(client, make):
    user = make.user("evaluator")
    token = login(client, user.email).get_json()["token"]
    row = db.session.scalar(select(ApiToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    raw_rows = db.session.execute(text("SELECT * FROM api_tokens")).all()
    dumped = repr([tuple(r) for r in raw_rows])
    assert token not in dumped


# --------------------------------------------------------------- throttling
def test_ten_failures_lock_the_account_for_fifteen_minutes(client, make):
    user = make.user("evaluator")
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            assert_problem(login(client, user.email, "wrong-password-1"), 401, "unauthenticated")
        # Even the right password is refused now, and no token is issued.
        body = assert_problem(login(client, user.email), 429, "rate_limited")
        assert body["detail"]
        assert count(ApiToken) == 0
        # The lock is per account: someone else from the same address logs in.
        other = make.user("evaluator")
        assert login(client, other.email).status_code == 201
    with time_machine.travel(start + timedelta(minutes=14, seconds=59), tick=False):
        assert_problem(login(client, user.email), 429, "rate_limited")
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert login(client, user.email).status_code == 201


def test_account_lock_ignores_email_case_and_address(client, make):
    user = make.user("evaluator")
    for n in range(10):
        email = user.email.upper() if n % 2 else user.email
        login(client, email, "wrong-password-1", ip=f"10.0.1.{n}")
    assert_problem(login(client, user.email, ip="10.9.9.9"), 429, "rate_limited")


def test_nine_failures_do_not_lock(client, make):
    user = make.user("evaluator")
    for _ in range(9):
        login(client, user.email, "wrong-password-1")
    assert login(client, user.email).status_code == 201


def test_successful_logins_are_not_counted(client, make):
    user = make.user("evaluator")
    for _ in range(9):
        login(client, user.email, "wrong-password-1")
    for _ in range(5):
        assert login(client, user.email).status_code == 201
    assert count(LoginFailure) == 9
    assert login(client, user.email).status_code == 201


def test_ordinary_api_calls_are_not_throttled(client, make):
    user = make.user("evaluator")
    token = login(client, user.email).get_json()["token"]
    for _ in range(10):
        login(client, user.email, "wrong-password-1")
    assert_problem(login(client, user.email), 429, "rate_limited")
    for _ in range(60):
        assert client.get(ME, headers=bearer(token)).status_code == 200


def test_one_address_gets_at_most_fifty_failures(client, make):
    user = make.user("evaluator")
    for n in range(50):
        resp = login(client, f"guess{n}@example.id", "wrong-password-1", ip="10.6.6.6")
        assert_problem(resp, 401, "unauthenticated")
    # Further failures from that address are refused, whichever account they try...
    assert_problem(login(client, "guess99@example.id", "x", ip="10.6.6.6"), 429, "rate_limited")
    resp = login(client, user.email, "wrong-password-1", ip="10.6.6.6")
    assert_problem(resp, 429, "rate_limited")
    assert count(ApiToken) == 0
    # ...but a correct password is not: the address limit alone never locks anyone out.
    assert login(client, user.email, ip="10.6.6.6").status_code == 201
    # Another address is unaffected.
    assert login(client, user.email, ip="10.7.7.7").status_code == 201


def test_address_limit_resets_after_fifteen_minutes(client, make):
    user = make.user("evaluator")
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        for n in range(50):
            login(client, f"guess{n}@example.id", "wrong-password-1", ip="10.6.6.6")
        resp = login(client, user.email, "wrong-password-1", ip="10.6.6.6")
        assert_problem(resp, 429, "rate_limited")
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        resp = login(client, user.email, "wrong-password-1", ip="10.6.6.6")
        assert_problem(resp, 401, "unauthenticated")


# ------------------------------------------------------------ session + CSRF
@pytest.fixture
def csrf_app(app):
    """A second app on the same database with CSRF protection switched on."""
    other = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        KIPP_STORAGE_DIR=app.config["KIPP_STORAGE_DIR"],
        CELERY_BROKER_URL=app.config["CELERY_BROKER_URL"],
        WTF_CSRF_ENABLED=True,
    )
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _csrf_token(csrf_app, client) -> str:
    """Put a CSRF secret in the client's session and return the matching signed token."""
    raw = "raw-csrf-secret-for-tests"
    with client.session_transaction() as sess:
        sess["csrf_token"] = raw
    return URLSafeTimedSerializer(csrf_app.secret_key, salt="wtf-csrf-token").dumps(raw)


def _session_client(csrf_app, user):
    client = csrf_app.test_client()
    token = _csrf_token(csrf_app, client)
    resp = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return client


AGENCY = {"name": "Kota Contoh", "kind": "kota", "province": "Bali"}


def test_session_write_without_csrf_token_is_refused(csrf_app, make):
    admin = make.admin()
    client = _session_client(csrf_app, admin)
    assert client.get("/api/v1/users/me").get_json()["email"] == admin.email  # reads need none
    before = count(Agency)
    resp = client.post("/api/v1/agencies", json=AGENCY)
    assert_problem(resp, 403, "forbidden")
    assert count(Agency) == before


def test_session_write_with_csrf_header_is_accepted(csrf_app, make):
    admin = make.admin()
    client = _session_client(csrf_app, admin)
    token = _csrf_token(csrf_app, client)
    resp = client.post("/api/v1/agencies", json=AGENCY, headers={"X-CSRFToken": token})
    assert resp.status_code == 201, resp.get_json()
    assert db.session.scalar(select(Agency).where(Agency.name == "Kota Contoh")) is not None


def test_session_write_with_a_wrong_csrf_header_is_refused(csrf_app, make):
    admin = make.admin()
    client = _session_client(csrf_app, admin)
    _csrf_token(csrf_app, client)
    resp = client.post("/api/v1/agencies", json=AGENCY, headers={"X-CSRFToken": "forged"})
    assert_problem(resp, 403, "forbidden")
    assert count(Agency) == 0


def test_bearer_token_writes_need_no_csrf(csrf_app, make):
    admin = make.admin()
    client = csrf_app.test_client()
    resp = client.post(TOKENS, json={"email": admin.email, "password": PASSWORD})
    assert resp.status_code == 201, resp.get_json()
    token = resp.get_json()["token"]
    resp = client.post("/api/v1/agencies", json=AGENCY, headers=bearer(token))
    assert resp.status_code == 201, resp.get_json()
    assert count(Agency) == 1


def test_session_of_a_user_whose_password_changed_is_dead(csrf_app, make, api):
    admin = make.admin()
    user = make.user("evaluator")
    client = _session_client(csrf_app, user)
    assert client.get(ME).status_code == 200
    api(admin).patch(f"/api/v1/users/{user.id}", json={"password": "another-long-secret"})
    assert_problem(client.get(ME), 401, "unauthenticated")
    assert db.session.get(User, user.id) is not None
