"""A competition in stage `panel` with a finalised shortlist of six entries (three agencies),
three panelists and the chair; panelist 0 declared a conflict with agency 0."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kipp.accounts.services import add_conflict
from kipp.extensions import db
from kipp.models import Competition, Entry, User
from tests.services.judging_fixtures import finalised_shortlist


@dataclass
class World:
    comp: Competition
    admin: User
    owners: list[User]
    entries: list[Entry]
    panel: list[User]  # three panelists, the chair last
    evaluator: User

    @property
    def chair(self) -> User:
        return self.panel[-1]


def request_body(w: World, **over) -> dict:
    """A generate request that fits: 2 rooms, one day of 08:00-10:00 in 30-minute slots."""
    return {
        "days": ["2026-12-10"],
        "day_start": "08:00",
        "day_end": "10:00",
        "slot_minutes": 30,
        "breaks": [],
        "rooms": [
            {
                "name": "Ruang A",
                "meeting_url": "https://meet.example.id/a",
                "panelists": [w.panel[0].id, w.panel[1].id],
            },
            {"name": "Ruang B", "meeting_url": None, "panelists": [w.panel[2].id, w.chair.id]},
        ],
    } | over


@pytest.fixture
def w(make) -> World:
    comp = make.competition(stage="panel")
    admin = make.admin()
    owners = [make.user("agency") for _ in range(3)]
    entries = [make.entry(comp, owners[i % 3], status="eligible") for i in range(6)]
    panel = [make.user("panelist") for _ in range(3)] + [make.user("chair")]
    add_conflict(admin, panel[0], owners[0].agency_id, "Pernah bekerja di instansi ini.")
    db.session.commit()
    finalised_shortlist(comp, entries, panel[-1])
    return World(comp, admin, owners, entries, panel, make.user("evaluator"))
