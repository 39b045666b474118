"""Themes and innovation profiles in the permission matrices (tests/web/matrix_extensions.py).

Themes are read by anyone logged in (and anonymously under /public), added by the secretariat
only. A profile is read by anyone who may read the entry (here a directory innovation: every
logged-in role) and kept by the entry's own agency only; its pages are the agency's.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kipp.extensions import db
from kipp.models.themes import InnovationProfile, InnovationProfileVersion, Theme
from tests.web.matrix_extensions import api_expect, web_expect

A = "/api/v1"
WORLD = "themes_world"
ENTRY = {"entry_id": "themes_entry_id"}

API_ROWS = [
    {"method": "GET", "rule": f"{A}/themes", "expected": api_expect(200), "world": WORLD},
    {
        "method": "GET",
        "rule": f"{A}/public/themes",
        "expected": api_expect(200, anonymous=200),
        "world": WORLD,
    },
    {
        "method": "POST",
        "rule": f"{A}/themes",
        "expected": api_expect(403, admin=201),
        "body": "themes_new",
        "world": WORLD,
    },
    {
        "method": "GET",
        "rule": f"{A}/entries/<int:entry_id>/profile",
        "expected": api_expect(200),
        "params": ENTRY,
        "world": WORLD,
    },
    {
        "method": "PUT",
        "rule": f"{A}/entries/<int:entry_id>/profile",
        "expected": api_expect(403, owner=200),
        "body": "themes_profile",
        "params": ENTRY,
        "world": WORLD,
    },
]

WEB_ROWS = [
    {
        "method": "GET",
        "rule": "/profiles/themes",
        "expected": web_expect(403, admin=200),
        "world": WORLD,
    },
    {
        "method": "POST",
        "rule": "/profiles/themes",
        "expected": web_expect(403, admin=422),  # the empty form comes back
        "world": WORLD,
    },
    {
        "method": "GET",
        "rule": "/profiles/entries/<int:entry_id>",
        "expected": web_expect(403, owner=200),
        "params": ENTRY,
        "world": WORLD,
    },
    {
        "method": "POST",
        "rule": "/profiles/entries/<int:entry_id>",
        "expected": web_expect(403, owner=422),  # no status chosen: the form comes back
        "params": ENTRY,
        "world": WORLD,
    },
]


def api_body(name: str, world: dict, role: str) -> dict | None:
    if name == "themes_new":
        return {"code": "tourism", "label_id": "Pariwisata", "label_en": "Tourism"}
    if name == "themes_profile":
        return {"status": "running", "links": ["https://example.id/berita"]}
    return None


def state() -> tuple:
    """Themes and profiles (with their history): a refused request changes none of them."""
    themes = db.session.execute(select(Theme.code, Theme.label_id, Theme.label_en)).all()
    profiles = db.session.execute(
        select(InnovationProfile.entry_id, InnovationProfile.version, InnovationProfile.status)
    ).all()
    history = db.session.execute(select(InnovationProfileVersion.id)).all()
    return (sorted(themes), sorted(profiles), sorted(history))


@pytest.fixture
def themes_world(world, make):
    """The base world plus a theme and an awarded year with the owner's public innovation."""
    if db.session.get(Theme, "health") is None:
        db.session.add(Theme(code="health", label_id="Kesehatan", label_en="Health"))
        db.session.commit()
    comp = make.competition(stage="awarded", year=2024)
    owner = world["users"]["owner"]
    shown = make.entry(comp, owner, status="eligible", title="Posyandu Digital", public=True)
    return world | {"themes_entry_id": shown.id}
