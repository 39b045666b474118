"""The account-link part of the permission matrices (tests/web/matrix_extensions.py).

The set-password and "forgot password" pages and the three API operations are public: every
role, anonymous included, gets the same answer. The API rows send a fresh token for each
role (a new invited or reset account per request), so each one succeeds; the page rows send a
complete form with a password the policy refuses, which shows the gate is open (the form comes
back, 422) while nothing changes. Sending an invitation again is the secretariat's.

World `mail_accounts_world`: the base world plus an invited account that has not set its
password, with one valid invitation link and one valid reset link of another account.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from kipp.accounts import links
from kipp.accounts.services import create_user
from kipp.extensions import db
from kipp.models.account_links import AccountLink
from tests.accounts_email.mailbox import last_token
from tests.web.matrix_extensions import LOGIN, api_expect, web_expect

A = "/api/v1"
WORLD = "mail_accounts_world"
NEW_PASSWORD = "lampu-hijau-di-simpang-lima"
_serial = itertools.count(1)

EVERYONE_204 = api_expect(204, anonymous=204)

API_ROWS = [
    {
        "method": "POST",
        "rule": f"{A}/auth/invitations/accept",
        "expected": EVERYONE_204,
        "body": "mail_accounts_accept",
    },
    {
        "method": "POST",
        "rule": f"{A}/auth/password-reset",
        "expected": api_expect(202, anonymous=202),
        "body": "mail_accounts_reset_request",
    },
    {
        "method": "POST",
        "rule": f"{A}/auth/password-reset/confirm",
        "expected": EVERYONE_204,
        "body": "mail_accounts_reset_confirm",
    },
]

PUBLIC_PAGE = web_expect(200, anonymous=200)
REFUSED_PASSWORD = web_expect(422, anonymous=422)
WEB_ROWS = [
    {"method": "GET", "rule": "/account/forgot", "expected": PUBLIC_PAGE},
    {
        "method": "POST",
        "rule": "/account/forgot",
        "expected": PUBLIC_PAGE,
        "form": "mail_accounts_forgot",
    },
    {
        "method": "GET",
        "rule": "/account/setup/<token>",
        "expected": PUBLIC_PAGE,
        "params": {"token": "invitation_token"},
        "world": WORLD,
    },
    {
        "method": "POST",
        "rule": "/account/setup/<token>",
        "expected": REFUSED_PASSWORD,
        "params": {"token": "invitation_token"},
        "form": "mail_accounts_common_password",
        "world": WORLD,
    },
    {
        "method": "GET",
        "rule": "/account/reset/<token>",
        "expected": PUBLIC_PAGE,
        "params": {"token": "reset_token"},
        "world": WORLD,
    },
    {
        "method": "POST",
        "rule": "/account/reset/<token>",
        "expected": REFUSED_PASSWORD,
        "params": {"token": "reset_token"},
        "form": "mail_accounts_common_password",
        "world": WORLD,
    },
    {
        "method": "POST",
        "rule": "/admin/users/<int:user_id>/invitation",
        "expected": web_expect(403, anonymous=LOGIN, admin=302),
        "params": {"user_id": "invited_id"},
        "world": WORLD,
    },
]


def _fresh_token(purpose: str) -> str:
    """A valid token of a new account (invited, or with a password for a reset)."""
    n = next(_serial)
    user = create_user(None, f"matrix-link-{n}@example.id", f"Orang Baru {n}", "evaluator", None)
    token = links.issue(None, user, purpose) if purpose == "reset" else None
    db.session.commit()
    return token if token is not None else last_token(user.email, "invitation")


def api_body(name: str, world: dict, role: str) -> dict | None:
    if name == "mail_accounts_accept":
        return {"token": _fresh_token("invitation"), "password": NEW_PASSWORD}
    if name == "mail_accounts_reset_confirm":
        return {"token": _fresh_token("reset"), "password": NEW_PASSWORD}
    if name == "mail_accounts_reset_request":
        return {"email": f"reset-{next(_serial)}-{role}@example.id"}
    return None


def web_form(name: str, ids: dict) -> dict | None:
    if name == "mail_accounts_forgot":
        return {"email": f"forgot-{next(_serial)}@example.id"}
    if name == "mail_accounts_common_password":
        return {"password": "password1234", "confirm": "password1234"}
    return None


def state() -> tuple:
    """Account links, used or not: a refused request spends none and adds none."""
    return tuple(db.session.execute(select(AccountLink.id, AccountLink.used_at)).all())


@pytest.fixture
def mail_accounts_world(world) -> dict:
    invited = create_user(None, "invited@example.id", "Orang Diundang", "evaluator", None)
    db.session.commit()
    invitation = last_token(invited.email, "invitation")
    reset = links.issue(None, world["users"]["owner"], "reset")
    db.session.commit()
    return world | {"invited_id": invited.id, "invitation_token": invitation, "reset_token": reset}
