"""Amendments after disqualification (rules, ties, justifications, new hash, history), the
decree (only after the window with every objection decided; then nothing changes), its PDF,
and the stage guards of published selections."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime, timedelta

import time_machine

from kipp.extensions import db
from kipp.judging.snapshot import snapshot_sha256
from kipp.models import AuditEvent, Competition, Selection
from kipp.models.publication import SelectionAmendment
from kipp.publication import objections
from tests.helpers import assert_problem, count, pdf_bytes
from tests.publication.fixtures import ANSWER, A, shortlist_world, submit
from tests.services.judging_fixtures import reload

REASON = "Keterwakilan wilayah 3T yang kuat dan replikasi di banyak daerah."


def disqualified_world(make, n=1):
    """Top 3 of [90, 85, 80, 75, 75, 70] published; the first `n` listed entries disqualified."""
    pw = shortlist_world(make)
    for entry in pw.entries[:n]:
        obj = submit(pw, entry=entry, ip=f"198.51.100.{entry.id}")
        objections.decide(pw.admin, obj, "uphold", ANSWER)
        db.session.commit()
    return pw


def amend(api, pw, **body):
    return api(pw.chair).post(f"{A}/selections/{pw.sel.id}/amend", json=body)


def test_amend_needs_a_disqualified_entry(make, api):
    pw = shortlist_world(make)
    assert_problem(amend(api, pw, add=[pw.entries[3].id]), 409, "invalid_stage")
    assert count(SelectionAmendment) == 0


def test_amend_without_add_reports_the_tie(make, api):
    pw = disqualified_world(make)
    e = [x.id for x in pw.entries]
    body = assert_problem(amend(api, pw), 409, "tie_at_cut")
    assert (sorted(body["tied"]), body["places_left"]) == (sorted([e[3], e[4]]), 1)
    assert count(SelectionAmendment) == 0


def test_amend_rules(make, api):
    pw = disqualified_world(make)
    e = [x.id for x in pw.entries]
    old_hash = pw.sel.snapshot_sha256
    too_many = amend(api, pw, add=[e[3], e[4]])
    assert "add" in assert_problem(too_many, 422, "validation_error")["errors"]
    already = amend(api, pw, add=[e[1]])
    assert "add" in assert_problem(already, 422, "validation_error")["errors"]
    unjustified = amend(api, pw, add=[e[5]])
    body = assert_problem(unjustified, 422, "justification_required")
    assert f"justifications.{e[5]}" in body["errors"]
    assert_problem(api(pw.admin).post(f"{A}/selections/{pw.sel.id}/amend", json={}), 403)
    assert count(SelectionAmendment) == 0
    assert reload(Selection, pw.sel.id).snapshot_sha256 == old_hash

    ok = amend(api, pw, add=[e[5]], justifications={str(e[5]): REASON})
    assert ok.status_code == 200, ok.get_json()
    got = ok.get_json()
    assert got["snapshot_sha256"] != old_hash
    assert got["listed"] == [e[1], e[2], e[5]]
    assert got["disqualified"] == [e[0]]
    [item] = got["amendments"]
    assert (item["removed"], item["added"], item["snapshot_sha256"]) == (
        [e[0]],
        [e[5]],
        got["snapshot_sha256"],
    )
    sel = reload(Selection, pw.sel.id)
    assert snapshot_sha256(sel.snapshot) == sel.snapshot_sha256 == got["snapshot_sha256"]
    assert sel.snapshot["previous_snapshot_sha256"] == old_hash
    assert [se.justification for se in sel.entries if se.entry_id == e[5]] == [REASON]
    # nothing is waiting to be replaced any more
    assert_problem(amend(api, pw, add=[e[3]]), 409, "invalid_stage")
    assert count(AuditEvent, AuditEvent.action == "selection.amend") == 1


def test_choosing_among_tied_needs_no_justification(make, api):
    pw = disqualified_world(make)
    e = [x.id for x in pw.entries]
    ok = amend(api, pw, add=[e[4]])
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["listed"] == [e[1], e[2], e[4]]


def test_amend_at_most_as_many_as_disqualified(make, api):
    pw = disqualified_world(make, n=2)
    e = [x.id for x in pw.entries]
    three = amend(api, pw, add=[e[3], e[4], e[5]], justifications={str(e[5]): REASON})
    assert_problem(three, 422, "validation_error")
    ok = amend(api, pw, add=[e[3], e[4]])
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["amendments"][0]["removed"] == [e[0], e[1]]


# ----------------------------------------------------------------- decree
def test_decree_only_after_window_and_decisions_then_locked(make, api):
    start = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        pw = shortlist_world(make)
        obj = submit(pw)
    url = f"{A}/selections/{pw.sel.id}/decree"
    body = {"number": "Kepmen PANRB 12/2026", "signed_on": "2026-03-20"}
    closes = pw.sel.objection_closes_at
    with time_machine.travel(closes, tick=False):
        assert_problem(api(pw.admin).post(url, json=body), 409, "invalid_stage")
    later = datetime(2026, 3, 21, 3, 0, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        assert_problem(api(pw.admin).post(url, json=body), 409, "invalid_stage")  # undecided
        objections.decide(pw.admin, reload(type(obj), obj.id), "uphold", ANSWER)
        db.session.commit()
        future = api(pw.admin).post(url, json=body | {"signed_on": "2026-03-22"})
        assert "signed_on" in assert_problem(future, 422)["errors"]
        assert_problem(api(pw.chair).post(url, json=body), 403)
        ok = api(pw.admin).post(url, json=body)
        assert ok.status_code == 200, ok.get_json()
        assert ok.get_json()["public_status"] == "fixed"
        assert ok.get_json()["decree"] == {
            "number": "Kepmen PANRB 12/2026",
            "signed_on": "2026-03-20",
            "file_sha256": None,
        }
        assert_problem(api(pw.admin).post(url, json=body), 409, "locked")
        e3 = pw.entries[3].id
        assert_problem(amend(api, pw, add=[e3]), 409, "locked")
    assert reload(Selection, pw.sel.id).decree_signed_on == date(2026, 3, 20)


def test_decree_file(make, api):
    pw = shortlist_world(make)
    url = f"{A}/selections/{pw.sel.id}/decree/file"
    pdf = pdf_bytes()

    def upload(data):
        return api(pw.admin).post(
            url, data={"file": (io.BytesIO(data), "sk.pdf")}, content_type="multipart/form-data"
        )

    assert_problem(upload(pdf), 409, "invalid_stage")  # no decree recorded yet
    with time_machine.travel(pw.sel.objection_closes_at + timedelta(seconds=1), tick=False):
        resp = api(pw.admin).post(
            f"{A}/selections/{pw.sel.id}/decree",
            json={"number": "SK 1/2026", "signed_on": date.today().isoformat()},
        )
        assert resp.status_code == 200, resp.get_json()
    assert_problem(upload(b"GIF89a not a pdf"), 415, "unsupported_media_type")
    ok = upload(pdf)
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["decree"]["file_sha256"] == hashlib.sha256(pdf).hexdigest()
    assert reload(Selection, pw.sel.id).decree_file


# ----------------------------------------------------------------- stage guards
def test_stage_guard_while_window_open_or_undecided(make, api):
    start = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        pw = shortlist_world(make)
        obj = submit(pw)
    url = f"{A}/competitions/{pw.comp.id}/stage"
    with time_machine.travel(pw.sel.objection_closes_at, tick=False):
        assert_problem(api(pw.admin).post(url, json={"to": "panel"}), 409, "invalid_stage")
    with time_machine.travel(pw.sel.objection_closes_at + timedelta(seconds=1), tick=False):
        resp = api(pw.admin).post(url, json={"to": "panel"})
        assert "not decided" in assert_problem(resp, 409, "invalid_stage")["detail"]
        objections.decide(pw.admin, reload(type(obj), obj.id), "dismiss", ANSWER)
        db.session.commit()
        ok = api(pw.admin).post(url, json={"to": "panel"})
        assert ok.status_code == 200, ok.get_json()
    assert reload(Competition, pw.comp.id).stage == "panel"
