"""The public results' rows of the permission matrices (tests/web/matrix_extensions.py).

Everything here is public: every role, the anonymous visitor included, reads the public data
API, the results pages, the objection form and a published decree. The world adds the public
test world (tests/public/fixtures.py): a published shortlist with its window open, an
unpublished final tier, a competition in draft, and an older list fixed by a decree with its
signed PDF. The objection POST row sends an incomplete form (a statement far too short): each
role reaches the form (422, shown again) and nothing is stored.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kipp.extensions import db
from kipp.models import Selection
from kipp.models.publication import Objection
from kipp.models.ratelimit import RateHit
from tests.public.fixtures import public_world
from tests.web.matrix_extensions import api_expect, web_expect

A = "/api/v1/public"
WORLD = "public_results_world"
EVERYONE = api_expect(200, anonymous=200)
EVERY_PAGE = web_expect(200, anonymous=200)
SHORTLIST = {"selection_id": "public_selection_id"}

API_ROWS = [
    {"method": "GET", "rule": f"{A}/competitions", "expected": EVERYONE, "world": WORLD},
    {
        "method": "GET",
        "rule": f"{A}/selections/<int:selection_id>",
        "expected": EVERYONE,
        "params": SHORTLIST,
        "world": WORLD,
    },
    {"method": "GET", "rule": f"{A}/results.csv", "expected": EVERYONE, "world": WORLD},
]

WEB_ROWS = [
    {
        "method": "GET",
        "rule": "/results/<int:competition_id>",
        "expected": EVERY_PAGE,
        "params": {"competition_id": "public_competition_id"},
        "world": WORLD,
    },
    {
        # a published list's lasting address: to its place on the results page
        "method": "GET",
        "rule": "/results/selections/<int:selection_id>",
        "expected": web_expect(302, anonymous=302),
        "params": SHORTLIST,
        "world": WORLD,
    },
    {
        "method": "GET",
        "rule": "/results/selections/<int:selection_id>/objection",
        "expected": EVERY_PAGE,
        "params": SHORTLIST,
        "world": WORLD,
    },
    {
        "method": "POST",
        "rule": "/results/selections/<int:selection_id>/objection",
        "expected": web_expect(422, anonymous=422),
        "params": SHORTLIST,
        "form": "objection_too_short",
        "world": WORLD,
    },
    {
        # without a reference just sent, back to the form
        "method": "GET",
        "rule": "/results/selections/<int:selection_id>/objection/sent",
        "expected": web_expect(302, anonymous=302),
        "params": SHORTLIST,
        "world": WORLD,
    },
    {
        "method": "GET",
        "rule": "/results/selections/<int:selection_id>/decree.pdf",
        "expected": EVERY_PAGE,
        "params": {"selection_id": "decree_selection_id"},
        "world": WORLD,
    },
]


@pytest.fixture
def public_results_world(world, make):
    found = public_world(make)
    return world | {
        "public_competition_id": found.comp.id,
        "public_selection_id": found.shortlist.id,
        "public_entry_id": found.entries[0].id,
        "decree_selection_id": found.fixed.id,
    }


def web_form(name: str, ids: dict) -> dict | None:
    if name == "objection_too_short":
        return {
            "entry_id": str(ids["public_entry_id"]),
            "name": "Warga",
            "email": "warga@example.id",
            "statement": "Terlalu pendek.",
        }
    return None


def state() -> tuple:
    """Objections, rate-limit hits and the publication columns: a refused objection (or any
    refused request) changes none of them."""
    objections = db.session.execute(select(Objection.reference, Objection.status)).all()
    hits = db.session.execute(select(RateHit.bucket, RateHit.key)).all()
    published = db.session.execute(
        select(Selection.id, Selection.published_at, Selection.decree_number)
    ).all()
    return sorted(objections), sorted(hits), sorted(published)
