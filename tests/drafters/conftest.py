"""A drafting world: an agency account, two drafters of its agency (each with a draft of its
own, created through the API like a drafter would), another agency, and a competition in stage
`submission`."""

from __future__ import annotations

import pytest

from kipp.extensions import db
from kipp.models import Entry


@pytest.fixture
def drafting(make, api):
    comp = make.competition(stage="submission")
    owner = make.user("agency")
    first = make.user("drafter", agency=owner.agency)
    second = make.user("drafter", agency=owner.agency)
    other = make.user("agency")
    ids = {}
    for name, user in (("first", first), ("second", second)):
        body = {
            "title": f"Inovasi {name}",
            "group": "umum",
            "summary": "Ringkasan",
            "answers": make.full_answers(comp),
            "started_on": "2020-01-01",
        }
        resp = api(user).post(f"/api/v1/competitions/{comp.id}/entries", json=body)
        assert resp.status_code == 201, resp.get_json()
        ids[name] = resp.get_json()["id"]
    agency_entry = make.entry(comp, owner, drafted_by_id=owner.id)
    return {
        "comp": comp,
        "owner": owner,
        "first": first,
        "second": second,
        "other": other,
        "first_entry": db.session.get(Entry, ids["first"]),
        "second_entry": db.session.get(Entry, ids["second"]),
        "agency_entry": agency_entry,
    }
