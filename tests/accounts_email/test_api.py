"""API v1.1 § Accounts by e-mail: invitations and password resets through /api/v1."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from kipp.extensions import db
from kipp.models import User
from kipp.models.account_links import AccountLink
from kipp.models.mail import Mail
from tests.accounts_email.mailbox import last_token, mails
from tests.conftest import PASSWORD
from tests.helpers import assert_problem, count, token_for

A = "/api/v1"
NEW_PASSWORD = "lampu-hijau-di-simpang-lima"


def new_user(api, admin, email="rina@example.id", **extra):
    resp = api(admin).post(
        f"{A}/users", json={"email": email, "name": "Rina Wulandari", "role": "evaluator"} | extra
    )
    assert resp.status_code == 201, resp.get_json()
    return db.session.get(User, resp.get_json()["id"])


def test_post_users_without_password_invites_and_the_invitation_lets_log_in(api, client, make):
    admin = make.admin()
    user = new_user(api, admin, locale="en")
    [mail] = mails(user.email, "invitation")
    assert mail.language == "en" and mail.subject == "Your KIPP account: set your password"
    token = last_token(user.email, "invitation")
    # Nobody can log in before the password is set.
    resp = client.post(f"{A}/auth/tokens", json={"email": user.email, "password": PASSWORD})
    assert_problem(resp, 401, "unauthenticated")

    resp = api().post(f"{A}/auth/invitations/accept", json={"token": token, "password": "short"})
    body = assert_problem(resp, 422, "validation_error")
    assert list(body["errors"]) == ["password"]

    resp = api().post(
        f"{A}/auth/invitations/accept", json={"token": token, "password": NEW_PASSWORD}
    )
    assert resp.status_code == 204, resp.get_data(as_text=True)
    assert token_for(client, user, NEW_PASSWORD)

    resp = api().post(
        f"{A}/auth/invitations/accept", json={"token": token, "password": "other-long-password"}
    )
    assert_problem(resp, 422, "invalid_token")
    assert token_for(client, user, NEW_PASSWORD)


def test_post_users_with_a_password_mails_nothing(api, make):
    admin = make.admin()
    user = new_user(api, admin, email="budi@example.id", password=PASSWORD)
    assert mails(user.email) == [] and count(AccountLink) == 0


def test_unknown_or_malformed_tokens_answer_invalid_token_or_422(api, make):
    for token in ("not-a-token", "a" * 200):
        resp = api().post(
            f"{A}/auth/invitations/accept", json={"token": token, "password": NEW_PASSWORD}
        )
        assert_problem(resp, 422, "invalid_token")
        resp = api().post(
            f"{A}/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
        )
        assert_problem(resp, 422, "invalid_token")
    for body in ({"token": "a" * 201, "password": NEW_PASSWORD}, {"token": "x"}, {}):
        resp = api().post(f"{A}/auth/password-reset/confirm", json=body)
        assert_problem(resp, 422, "validation_error")


def test_reset_answers_the_same_for_unknown_addresses(api, make):
    user = make.user("agency")
    known = api().post(f"{A}/auth/password-reset", json={"email": user.email})
    unknown = api().post(f"{A}/auth/password-reset", json={"email": "nobody@example.id"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert known.headers.get("Content-Type") == unknown.headers.get("Content-Type")
    assert len(mails(user.email, "password_reset")) == 1
    assert count(Mail) == 1


def test_reset_confirm_kills_sessions_and_tokens(api, client, make):
    user = make.user("agency")
    old_token = token_for(client, user)
    browser = client.application.test_client()
    assert (
        browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    assert api().post(f"{A}/auth/password-reset", json={"email": user.email}).status_code == 202
    token = last_token(user.email, "password_reset")

    resp = api().post(
        f"{A}/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert resp.status_code == 204
    assert_problem(
        client.get(f"{A}/users/me", headers={"Authorization": f"Bearer {old_token}"}),
        401,
        "unauthenticated",
    )
    resp = browser.get("/agency/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    resp = client.post(f"{A}/auth/tokens", json={"email": user.email, "password": PASSWORD})
    assert_problem(resp, 401)
    assert token_for(client, user, NEW_PASSWORD)
    resp = api().post(
        f"{A}/auth/password-reset/confirm", json={"token": token, "password": "a-third-passphrase"}
    )
    assert_problem(resp, 422, "invalid_token")


def test_reset_is_throttled_per_email_and_refusals_mail_nothing(api, make):
    user = make.user("agency")
    for _ in range(5):
        assert api().post(f"{A}/auth/password-reset", json={"email": user.email}).status_code == 202
    resp = api().post(f"{A}/auth/password-reset", json={"email": user.email.upper()})
    assert_problem(resp, 429, "rate_limited")
    assert len(mails(user.email, "password_reset")) == 5


def test_reset_is_throttled_per_ip_address(api, make):
    for i in range(20):
        resp = api().post(f"{A}/auth/password-reset", json={"email": f"n{i}@example.id"})
        assert resp.status_code == 202
    resp = api().post(f"{A}/auth/password-reset", json={"email": "n99@example.id"})
    assert_problem(resp, 429, "rate_limited")
    other = api().client.post(
        f"{A}/auth/password-reset",
        json={"email": "n99@example.id"},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert other.status_code == 202


def test_a_disabled_user_gets_no_mail_and_cannot_reset(api, make):
    admin = make.admin()
    user = make.user("agency")
    assert api().post(f"{A}/auth/password-reset", json={"email": user.email}).status_code == 202
    token = last_token(user.email, "password_reset")
    resp = api(admin).patch(f"{A}/users/{user.id}", json={"active": False, "version": user.version})
    assert resp.status_code == 200
    assert api().post(f"{A}/auth/password-reset", json={"email": user.email}).status_code == 202
    assert len(mails(user.email, "password_reset")) == 1
    resp = api().post(
        f"{A}/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert_problem(resp, 422, "invalid_token")
    db.session.expire_all()
    assert db.session.scalar(select(AccountLink.used_at)) is None


def test_openapi_documents_the_answers(client):
    spec = client.get(f"{A}/openapi.json").get_json()
    paths = spec["paths"]
    accept = paths[f"{A}/auth/invitations/accept"]["post"]
    reset = paths[f"{A}/auth/password-reset"]["post"]
    confirm = paths[f"{A}/auth/password-reset/confirm"]["post"]
    assert {"204", "422"} <= set(accept["responses"]) and {"204", "422"} <= set(
        confirm["responses"]
    )
    assert {"202", "422", "429"} <= set(reset["responses"])
    assert accept["security"] == reset["security"] == confirm["security"] == []
    body = spec["components"]["schemas"]["NewUserIn"]
    assert "password" not in body.get("required", []) and "locale" in body["properties"]
    codes = spec["components"]["schemas"]["Problem422"]["properties"]["code"]["enum"]
    assert "invalid_token" in codes


def test_one_token_used_at_once_sets_one_password(app, api, make, is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")
    user = make.user("agency")
    assert api().post(f"{A}/auth/password-reset", json={"email": user.email}).status_code == 202
    token = last_token(user.email, "password_reset")
    passwords = [f"balapan-nomor-{i}-kata-sandi" for i in range(4)]
    barrier = threading.Barrier(len(passwords))
    results: list = [None] * len(passwords)

    def attempt(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        resp = client.post(
            f"{A}/auth/password-reset/confirm", json={"token": token, "password": passwords[i]}
        )
        results[i] = (resp.status_code, (resp.get_json(silent=True) or {}).get("code"))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(passwords))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    statuses = sorted(r[0] for r in results)
    assert statuses[0] == 204 and statuses.count(204) == 1, results
    assert all(code == "invalid_token" for s, code in results if s != 204), results
    winner = passwords[[r[0] for r in results].index(204)]
    db.session.expire_all()
    assert count(AccountLink, AccountLink.used_at.isnot(None)) == 1
    assert (
        api()
        .client.post(f"{A}/auth/tokens", json={"email": user.email, "password": winner})
        .status_code
        == 201
    )
