"""Objections: the public form (window boundaries, validation, rate limit), the register's
privacy, the admin list, decisions and what upholding does to the entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from kipp.documents.certificates import certificate_entry_ids, format_serial
from kipp.extensions import db
from kipp.judging.queries import load_pool, rank_round
from kipp.models import Assignment, AuditEvent, Certificate, Entry
from kipp.models.mail import Mail
from kipp.models.publication import Objection
from kipp.models.ratelimit import RateHit
from kipp.publication.queries import selection_entries
from tests.helpers import assert_problem, count
from tests.publication.fixtures import ANSWER, A, body, shortlist_world, submit
from tests.services.judging_fixtures import reload, set_stage
from tests.services.test_api_ranking import add_sheet

CLOSES = datetime(2026, 3, 15, 16, 59, 59, tzinfo=UTC)  # 23:59:59 WIB


def published(make):
    with time_machine.travel(datetime(2026, 3, 10, 13, 0, tzinfo=UTC), tick=False):
        return shortlist_world(make)


def post(api, pw, **kw):
    return api().post(
        f"{A}/public/selections/{pw.sel.id}/objections", json=body(pw.entries[0].id, **kw)
    )


# ----------------------------------------------------------------- the window
def test_window_open_through_the_closing_second(make, api):
    pw = published(make)
    assert pw.sel.objection_closes_at == CLOSES
    with time_machine.travel(CLOSES + timedelta(microseconds=999_999), tick=False):
        resp = post(api, pw)
    assert resp.status_code == 201, resp.get_json()
    got = resp.get_json()
    assert got["status"] == "received"
    assert got["reference"].startswith("SGH-2026-")
    with time_machine.travel(CLOSES + timedelta(seconds=1), tick=False):
        late = post(api, pw)
    assert_problem(late, 409, "objection_window_closed")
    assert count(Objection) == 1


def test_unpublished_selection_is_not_found(make, api):
    pw = shortlist_world(make, publish=False)
    assert_problem(post(api, pw), 404, "not_found")
    assert_problem(api().get(f"{A}/public/selections/{pw.sel.id}/objections"), 404)
    assert count(Objection) == 0


# ----------------------------------------------------------------- validation
def test_invalid_objection_reports_every_field_and_stores_nothing(make, api):
    pw = shortlist_world(make)
    not_listed = pw.entries[5].id  # ranked sixth: not in the Top 3
    resp = api().post(
        f"{A}/public/selections/{pw.sel.id}/objections",
        json=body(not_listed, name="  ", email="not-an-address", statement="Terlalu pendek."),
    )
    errors = assert_problem(resp, 422, "validation_error")["errors"]
    assert set(errors) == {"entry_id", "name", "email", "statement"}
    long = post(api, pw, statement="x" * 5001)
    assert set(assert_problem(long, 422)["errors"]) == {"statement"}
    assert (count(Objection), count(RateHit), count(Mail, Mail.kind == "objection_received")) == (
        0,
        0,
        0,
    )


def test_statement_bounds_are_inclusive(make, api):
    pw = shortlist_world(make)
    assert post(api, pw, statement="a" * 50).status_code == 201
    assert post(api, pw, statement="b" * 5000).status_code == 201
    assert_problem(post(api, pw, statement="c" * 49), 422)


def test_disqualified_entry_cannot_be_objected_to(make, api):
    pw = shortlist_world(make)
    obj = submit(pw)
    assert (
        api(pw.admin)
        .post(f"{A}/objections/{obj.id}/decision", json={"decision": "uphold", "answer": ANSWER})
        .status_code
        == 200
    )
    assert "entry_id" in assert_problem(post(api, pw), 422)["errors"]


# ----------------------------------------------------------------- rate limit
def test_rate_limit_five_per_address_per_hour(make, api):
    pw = shortlist_world(make)
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            assert post(api, pw).status_code == 201
        refused = post(api, pw)
        assert_problem(refused, 429, "rate_limited")
        # an invalid one is refused for its fields first and counts nothing
        assert_problem(post(api, pw, statement="pendek"), 422)
    assert count(Objection) == 5
    assert count(Mail, Mail.kind == "objection_received") == 5
    with time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False):
        assert post(api, pw).status_code == 201


# ----------------------------------------------------------------- reading them
def test_register_never_shows_personal_data(make, api):
    pw = shortlist_world(make)
    obj = submit(pw, name="Budi Rahasia", email="budi.rahasia@example.id")
    resp = api().get(f"{A}/public/selections/{pw.sel.id}/objections")
    assert resp.status_code == 200
    assert "public" in resp.headers["Cache-Control"]
    text = resp.get_data(as_text=True)
    for secret in ("Budi Rahasia", "budi.rahasia@example.id", obj.statement):
        assert secret not in text
    item = resp.get_json()["items"][0]
    assert item == {
        "reference": obj.reference,
        "entry_id": pw.entries[0].id,
        "status": "received",
        "answer": None,
        "decided_at": None,
    }


def test_admin_and_chair_read_objections_with_personal_data(make, api):
    pw = shortlist_world(make)
    obj = submit(pw, name="Budi", email="budi@example.id")
    url = f"{A}/selections/{pw.sel.id}/objections"
    for reader in (pw.admin, pw.chair):
        resp = api(reader).get(url)
        assert resp.status_code == 200
        item = resp.get_json()["items"][0]
        assert (item["name"], item["email"], item["statement"], item["id"]) == (
            "Budi",
            "budi@example.id",
            obj.statement,
            obj.id,
        )
    assert_problem(api(pw.w.reviewers[0]).get(url), 404)
    assert_problem(api().get(url), 401)


def test_received_mail_holds_the_reference(make, api):
    pw = shortlist_world(make)
    resp = post(api, pw)
    ref = resp.get_json()["reference"]
    mail = db.session.query(Mail).filter_by(kind="objection_received").one()
    assert mail.to == "warga@example.id"
    assert ref in mail.subject and ref in mail.text_body


# ----------------------------------------------------------------- deciding
def test_dismiss_answers_and_mails_and_decides_once(make, api):
    pw = shortlist_world(make)
    obj = submit(pw)
    url = f"{A}/objections/{obj.id}/decision"
    short = api(pw.admin).post(url, json={"decision": "dismiss", "answer": "Tidak terbukti."})
    assert_problem(short, 422, "justification_required")
    assert_problem(api(pw.chair).post(url, json={"decision": "dismiss", "answer": ANSWER}), 403)
    resp = api(pw.admin).post(url, json={"decision": "dismiss", "answer": ANSWER})
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["status"], resp.get_json()["answer"]) == ("dismissed", ANSWER)
    again = api(pw.admin).post(url, json={"decision": "uphold", "answer": ANSWER})
    assert_problem(again, 409, "locked")
    assert reload(Entry, pw.entries[0].id).status == "eligible"
    mail = db.session.query(Mail).filter_by(kind="objection_decided").one()
    assert ANSWER in mail.text_body
    assert count(AuditEvent, AuditEvent.action == "objection.decide") == 1
    register = api().get(f"{A}/public/selections/{pw.sel.id}/objections").get_json()["items"]
    assert (register[0]["status"], register[0]["answer"]) == ("dismissed", ANSWER)


def test_upholding_disqualifies_everywhere(make, api):
    pw = shortlist_world(make)
    target, other = pw.entries[0], pw.entries[1]
    # later round: the panel, with one unsubmitted and one submitted sheet of the target
    set_stage(pw.comp, "panel")
    panelist = pw.w.panel[0]
    add_sheet(pw.comp, target, panelist, 88, "panel")
    add_sheet(pw.comp, target, pw.chair, None, "panel")
    add_sheet(pw.comp, other, panelist, 70, "panel")
    cert = Certificate(
        competition_id=pw.comp.id,
        entry_id=target.id,
        serial=format_serial(pw.comp.year, target.id),
        award="shortlist",
    )
    db.session.add(cert)
    db.session.commit()
    assert target.id in load_pool(pw.comp, "panel")
    obj = submit(pw, entry=target)
    resp = api(pw.admin).post(
        f"{A}/objections/{obj.id}/decision", json={"decision": "uphold", "answer": ANSWER}
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "upheld"
    entry = api(pw.admin).get(f"{A}/entries/{target.id}").get_json()
    assert entry["status"] == "disqualified"
    # unsubmitted sheets deleted, the submitted one kept as record
    sheets = db.session.query(Assignment).filter_by(entry_id=target.id, round="panel").all()
    assert [a.status for a in sheets] == ["submitted"]
    # never ranked again, in either round
    assert target.id not in load_pool(pw.comp, "panel")
    assert target.id not in load_pool(pw.comp, "evaluation")
    ranked = [s.entry_id for s in rank_round(pw.comp, "panel").ranking.items]
    assert ranked == [other.id]
    # the certificate is revoked with the answer as its reason
    cert = reload(Certificate, cert.id)
    assert cert.revoked_at is not None and cert.revoked_reason == ANSWER
    # and no certificate job renders one for it again
    assert target.id not in certificate_entry_ids(pw.comp.id)
    assert other.id in certificate_entry_ids(pw.comp.id)
    # the public list shows it as disqualified
    placed = selection_entries(pw.sel)
    assert [p.entry_id for p in placed if p.status == "disqualified"] == [target.id]
    assert count(AuditEvent, AuditEvent.action == "entry.disqualify") == 1
