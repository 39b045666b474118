"""The innovation directory's rows of the permission matrices (tests/web/matrix_extensions.py).

Everything here is public: every role, the anonymous visitor included, reads the directory (API,
CSV and pages). The world adds an awarded competition with one innovation its agency made
public (in the directory) and one it did not (never shown: tests/directory covers the 404s).
"""

from __future__ import annotations

import pytest

from tests.web.matrix_extensions import api_expect, web_expect

A = "/api/v1/public"
WORLD = "directory_world"
EVERYONE = api_expect(200, anonymous=200)
EVERY_PAGE = web_expect(200, anonymous=200)
INNOVATION = {"innovation_id": "directory_entry_id"}

API_ROWS = [
    {"method": "GET", "rule": f"{A}/innovations", "expected": EVERYONE, "world": WORLD},
    {"method": "GET", "rule": f"{A}/innovations.csv", "expected": EVERYONE, "world": WORLD},
    {
        "method": "GET",
        "rule": f"{A}/innovations/<int:innovation_id>",
        "expected": EVERYONE,
        "params": INNOVATION,
        "world": WORLD,
    },
]

WEB_ROWS = [
    {"method": "GET", "rule": "/innovations", "expected": EVERY_PAGE, "world": WORLD},
    {
        "method": "GET",
        "rule": "/innovations/<int:innovation_id>",
        "expected": EVERY_PAGE,
        "params": INNOVATION,
        "world": WORLD,
    },
]


@pytest.fixture
def directory_world(world, make):
    """The base world plus an awarded year with a public innovation and a private one."""
    comp = make.competition(stage="awarded", year=2024)
    owner = world["users"]["owner"]
    shown = make.entry(comp, owner, status="eligible", title="Kartu Sehat Desa", public=True)
    hidden = make.entry(comp, owner, status="eligible", title="Belum Publik")
    return world | {"directory_entry_id": shown.id, "directory_hidden_id": hidden.id}
