"""POST /selections/{id}/publish: the window's default end, once only, final only, mails."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from kipp.extensions import db
from kipp.models import AuditEvent, Selection
from kipp.models.mail import Mail
from kipp.publication.queries import public_status
from kipp.publication.services import default_closes_at
from tests.helpers import assert_problem, count
from tests.publication.fixtures import A, shortlist_world


def test_publish_sets_default_window_and_mails_each_agency(make, api):
    pw = shortlist_world(make, publish=False)
    # 2026-03-10 20:00 WIB = 13:00 UTC: five days later, 23:59:59 WIB = 16:59:59 UTC.
    with time_machine.travel(datetime(2026, 3, 10, 13, 0, tzinfo=UTC), tick=False):
        resp = api(pw.admin).post(f"{A}/selections/{pw.sel.id}/publish", json={})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["objection_closes_at"] == "2026-03-15T23:59:59+07:00"
    assert body["published_at"] == "2026-03-10T20:00:00+07:00"
    assert body["public_status"] == "objection_open"
    assert sorted(body["listed"]) == sorted(e.id for e in pw.entries[:3])
    mails = count(Mail, Mail.kind == "selection_result")
    assert mails == 6  # one agency per entry: 3 on the list, 3 ranked and left out
    assert count(AuditEvent, AuditEvent.action == "selection.publish") == 1


def test_publish_once_only_and_final_only(make, api):
    pw = shortlist_world(make)
    again = api(pw.admin).post(f"{A}/selections/{pw.sel.id}/publish", json={})
    assert_problem(again, 409, "locked")
    proposal = Selection(competition_id=pw.comp.id, tier="final", size=1, created_by_id=pw.chair.id)
    db.session.add(proposal)
    db.session.commit()
    resp = api(pw.admin).post(f"{A}/selections/{proposal.id}/publish", json={})
    assert_problem(resp, 409, "invalid_stage")
    assert count(Selection, Selection.published_at.is_not(None)) == 1


def test_publish_given_window_end_must_be_future(make, api):
    pw = shortlist_world(make, publish=False)
    url = f"{A}/selections/{pw.sel.id}/publish"
    past = api(pw.admin).post(url, json={"objection_closes_at": "2020-01-01T00:00:00+07:00"})
    assert "objection_closes_at" in assert_problem(past, 422, "validation_error")["errors"]
    with time_machine.travel(datetime(2026, 3, 10, 13, 0, tzinfo=UTC), tick=False):
        ok = api(pw.admin).post(url, json={"objection_closes_at": "2026-03-12T17:00:00"})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["objection_closes_at"] == "2026-03-12T17:00:00+07:00"  # naive = WIB


def test_publish_admin_only(make, api):
    pw = shortlist_world(make, publish=False)
    assert_problem(api(pw.chair).post(f"{A}/selections/{pw.sel.id}/publish", json={}), 403)
    assert_problem(api().post(f"{A}/selections/{pw.sel.id}/publish", json={}), 401)
    assert public_status(pw.sel) is None


def test_default_window_counts_days_in_the_competition_timezone():
    # 17:30 UTC on 10 March is already 11 March 00:30 in Jakarta (WIB) and 02:30 in Jayapura.
    at = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
    assert default_closes_at(at, "Asia/Jakarta") == datetime(2026, 3, 16, 16, 59, 59, tzinfo=UTC)
    assert default_closes_at(at, "Asia/Jayapura") == datetime(2026, 3, 16, 14, 59, 59, tzinfo=UTC)
    before = datetime(2026, 3, 10, 16, 59, 59, tzinfo=UTC)  # 23:59:59 WIB on 10 March
    assert default_closes_at(before, "Asia/Jakarta") == datetime(
        2026, 3, 15, 16, 59, 59, tzinfo=UTC
    )
