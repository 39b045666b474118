"""Drafting units in the permission matrices (tests/web/matrix_extensions.py).

The base world has a drafter of the owner's agency (`drafter_id`) with a draft of its own.
The drafters' API and page are the agency accounts': each lists and invites drafters of its own
agency (so "other" succeeds too, for its agency); switching a drafter off or on is the owner's,
and the drafter is invisible to the other agency (404). Every other role, the drafter included,
is refused with 403: the secretariat manages accounts at /users.
"""

from __future__ import annotations

import itertools

from kipp.extensions import db
from kipp.models import User
from tests.web.matrix_extensions import api_expect, web_expect

A = "/api/v1"
DRAFTER = {"user_id": "drafter_id"}
_emails = itertools.count(1)

API_ROWS = [
    {
        "method": "GET",
        "rule": f"{A}/agency/drafters",
        "expected": api_expect(403, owner=200, other=200),
    },
    {
        "method": "POST",
        "rule": f"{A}/agency/drafters",
        "expected": api_expect(403, owner=201, other=201),
        "body": "drafter_invite",
    },
    {
        "method": "PATCH",
        "rule": f"{A}/agency/drafters/<int:user_id>",
        "expected": api_expect(403, owner=200, other=404),
        "body": "drafter_active",
        "params": DRAFTER,
    },
]

WEB_ROWS = [
    {
        "method": "GET",
        "rule": "/agency/drafters/",
        "expected": web_expect(403, owner=200, other=200),
    },
    {
        "method": "POST",
        "rule": "/agency/drafters/",
        "expected": web_expect(403, owner=302, other=302),
        "form": "drafter_invite",
    },
    {
        "method": "POST",
        "rule": "/agency/drafters/<int:user_id>/active",
        "expected": web_expect(403, owner=302, other=404),
        "form": "drafter_active",
        "params": DRAFTER,
    },
]


def invite_body() -> dict:
    return {"email": f"unit{next(_emails)}@drafters.example.id", "name": "Unit Pelayanan"}


def api_body(name: str, world: dict, role: str) -> dict | None:
    if name == "drafter_invite":
        return invite_body()
    if name == "drafter_active":
        return {"active": True}
    return None


def web_form(name: str, ids: dict) -> dict | None:
    if name == "drafter_invite":
        return invite_body() | {"locale": "id"}
    if name == "drafter_active":
        db.session.expire_all()
        drafter = db.session.get(User, ids["drafter_id"])
        return {"active": "1", "version": str(drafter.version)}
    return None
