"""The secretariat's pages: agencies, users, competitions, stages and audit.

Each write is checked in the database; each refused write is checked to have changed nothing.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kipp.accounts.services import update_user
from kipp.audit.chain import chain_for, compute_hash
from kipp.competitions.defaults import EVALUATION_CRITERIA_2023, PANEL_CRITERIA
from kipp.competitions.services import update_competition
from kipp.extensions import db
from kipp.models import Agency, AuditEvent, Competition, Conflict, User
from tests.conftest import PASSWORD
from tests.helpers import count


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def criteria_rows(prefix: str, items: list[dict], spare: int = 1) -> dict:
    data = {}
    rows = [*items, *({} for _ in range(spare))]
    for i, c in enumerate(rows):
        data[f"{prefix}-{i}-code"] = c.get("code", "")
        data[f"{prefix}-{i}-name"] = c.get("name", "")
        data[f"{prefix}-{i}-weight"] = str(c["weight"]) if "weight" in c else ""
        data[f"{prefix}-{i}-word_limit"] = str(c.get("word_limit") or "")
        data[f"{prefix}-{i}-guidance"] = c.get("guidance", "")
    return data


def competition_form(criteria=EVALUATION_CRITERIA_2023, panel=PANEL_CRITERIA, **over) -> dict:
    data = {
        "name": "KIPP 2027",
        "year": "2027",
        "timezone": "Asia/Jakarta",
        "submission_opens_at": "2027-03-01T08:00",
        "submission_closes_at": "2027-05-31T23:59:59",
        "umum_quota": "10",
        "umum_min_years": "2",
        "replikasi_quota": "5",
        "replikasi_min_years": "1",
        "shortlist_size": "99",
        "final_size": "45",
        "evaluators_per_entry": "2",
    }
    data |= criteria_rows("criteria", criteria) | criteria_rows("panel_criteria", panel)
    return data | over


@pytest.fixture
def admin(make, web_login):
    user = make.admin()
    web_login(user)
    return user


def login_other(app, user):
    other = app.test_client()
    resp = other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302
    return other


# ------------------------------------------------------------------ access
def admin_urls(comp, user) -> list[str]:
    return [
        "/admin/",
        "/admin/competitions",
        "/admin/competitions/new",
        f"/admin/competitions/{comp.id}",
        f"/admin/competitions/{comp.id}/edit",
        f"/admin/competitions/{comp.id}/audit",
        "/admin/agencies",
        "/admin/users",
        f"/admin/users/{user.id}",
        "/admin/audit",
    ]


def test_every_page_renders_for_admin(client, make, admin):
    comp = make.competition(stage="draft")
    other = make.user("evaluator")
    for url in admin_urls(comp, other):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert "<h1>" in resp.get_data(as_text=True), url


@pytest.mark.parametrize("role", ["agency", "evaluator", "panelist", "chair"])
def test_non_admins_get_403_and_change_nothing(client, make, web_login, role):
    comp = make.competition(stage="draft")
    target = make.user("evaluator")
    web_login(make.user(role))
    for url in admin_urls(comp, target):
        if role == "chair" and url.endswith(f"{comp.id}/audit"):
            continue  # the chair may read a competition's audit trail
        assert client.get(url).status_code == 403, url
    agencies, events = count(Agency), count(AuditEvent)
    posts = {
        "/admin/agencies": {"name": "X", "kind": "kota", "province": "Bali"},
        f"/admin/competitions/{comp.id}/stage": {"to": "submission"},
        f"/admin/users/{target.id}": {"name": "Y", "role": "admin", "version": "1"},
        f"/admin/users/{target.id}/conflicts": {"conflict-reason": "z"},
        "/admin/competitions/new": competition_form(),
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    db.session.expire_all()
    assert (count(Agency), count(AuditEvent)) == (agencies, events)
    assert comp.stage == "draft" and target.role == "evaluator"


def test_anonymous_is_sent_to_login(client, make):
    comp = make.competition(stage="draft")
    user = make.user("evaluator")
    for url in admin_urls(comp, user):
        resp = client.get(url)
        assert resp.status_code == 302, url
        assert resp.headers["Location"].startswith("/login"), url
    resp = client.post(f"/admin/competitions/{comp.id}/stage", data={"to": "submission"})
    assert resp.status_code == 302
    db.session.refresh(comp)
    assert comp.stage == "draft"


def test_competition_audit_is_for_admin_and_chair_only(client, make, web_login):
    comp = make.competition(stage="draft")
    web_login(make.user("chair"))
    resp = client.get(f"/admin/competitions/{comp.id}/audit")
    assert resp.status_code == 200
    assert "competition.create" in text(resp)
    assert client.get("/admin/competitions/999999/audit").status_code == 404
    assert client.get("/admin/audit").status_code == 403
    web_login(make.user("agency"))
    assert client.get(f"/admin/competitions/{comp.id}/audit").status_code == 403


def test_forms_carry_and_require_a_csrf_token(app, client, admin):
    app.config["WTF_CSRF_ENABLED"] = True
    data = {"name": "Kota Kupang", "kind": "kota", "province": "Nusa Tenggara Timur"}
    assert client.post("/admin/agencies", data=data).status_code == 400
    assert count(Agency, Agency.name == "Kota Kupang") == 0
    page = client.get("/admin/agencies").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    resp = client.post("/admin/agencies", data=data | {"csrf_token": token})
    assert resp.status_code == 302
    assert count(Agency, Agency.name == "Kota Kupang") == 1


# ------------------------------------------------------------------ agencies
def test_create_agency(client, admin):
    resp = client.post(
        "/admin/agencies",
        data={
            "name": "Kabupaten Merauke",
            "kind": "kabupaten",
            "province": "Papua Selatan",
            "is_3t": "y",
        },
    )
    assert resp.status_code == 302
    agency = db.session.scalar(select(Agency).where(Agency.name == "Kabupaten Merauke"))
    assert (agency.kind, agency.province, agency.is_3t) == ("kabupaten", "Papua Selatan", True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agency.create"))
    assert event.actor == admin.email and event.object == f"agency:{agency.id}"
    page = text(client.get(resp.headers["Location"]))
    assert "Kabupaten Merauke" in page and "Papua Selatan" in page and "3T" in page


def test_duplicate_agency_keeps_input_and_creates_nothing(client, make, admin):
    make.agency(name="Kota Surabaya", kind="kota", province="Jawa Timur")
    before = count(Agency)
    resp = client.post(
        "/admin/agencies",
        data={"name": "kota surabaya", "kind": "kota", "province": "Jawa Timur Baru"},
    )
    assert resp.status_code == 409
    page = text(resp)
    assert "An agency with this name already exists." in page
    assert 'value="kota surabaya"' in page and 'value="Jawa Timur Baru"' in page
    assert count(Agency) == before


def test_agency_filters(client, make, admin):
    make.agency(name="Provinsi Aceh", kind="provinsi", province="Aceh")
    make.agency(name="Kota Banda Aceh", kind="kota", province="Aceh")
    make.agency(name="Kota Medan", kind="kota", province="Sumatera Utara")
    page = text(client.get("/admin/agencies?kind=kota&province=Aceh"))
    assert "Kota Banda Aceh" in page
    assert "Provinsi Aceh" not in page and "Kota Medan" not in page


# ------------------------------------------------------------------ users
def test_create_agency_user_who_can_then_log_in(app, client, make, admin):
    agency = make.agency(name="Kota Malang", kind="kota", province="Jawa Timur")
    resp = client.post(
        "/admin/users",
        data={
            "email": "Operator@Malang.go.id",
            "name": "Operator Malang",
            "role": "agency",
            "agency_id": str(agency.id),
            "password": PASSWORD,
        },
    )
    assert resp.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "operator@malang.go.id"))
    assert (user.role, user.agency_id, user.active) == ("agency", agency.id, True)
    assert "Operator Malang" in text(client.get("/admin/users?role=agency"))
    login_other(app, user)


def test_invalid_user_keeps_input_and_creates_nothing(client, admin):
    before = count(User)
    resp = client.post(
        "/admin/users",
        data={
            "email": "lokal@example.id",
            "name": "Admin Lokal",
            "role": "agency",
            "agency_id": "",
            "password": "short",
        },
    )
    assert resp.status_code == 422
    page = text(resp)
    assert "An agency account needs its agency." in page
    assert "Use at least 10 characters." in page
    assert 'value="lokal@example.id"' in page and 'value="Admin Lokal"' in page
    assert 'value="short"' not in page  # passwords are never echoed
    assert count(User) == before


def test_edit_user_changes_role_agency_and_password(app, client, make, admin):
    agency = make.agency()
    target = make.user("evaluator")
    resp = client.post(
        f"/admin/users/{target.id}",
        data={
            "name": "Dr. Evaluator",
            "role": "panelist",
            "agency_id": str(agency.id),
            "active": "y",
            "password": "another-long-password",
            "version": str(target.version),
        },
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert (target.name, target.role, target.agency_id) == ("Dr. Evaluator", "panelist", agency.id)
    assert target.version == 2
    assert count(AuditEvent, AuditEvent.action == "user.role") == 1
    other = app.test_client()
    resp = other.post("/login", data={"email": target.email, "password": "another-long-password"})
    assert resp.status_code == 302


def test_stale_user_edit_is_refused_and_keeps_input(client, make, admin):
    target = make.user("evaluator", name="Original")
    form_version = target.version
    assert f'value="{form_version}"' in text(client.get(f"/admin/users/{target.id}"))
    update_user(admin, target, {"name": "Changed elsewhere"})  # someone else saves first
    db.session.commit()
    resp = client.post(
        f"/admin/users/{target.id}",
        data={"name": "My edit", "role": "chair", "active": "y", "version": str(form_version)},
    )
    assert resp.status_code == 409
    page = text(resp)
    assert "Someone else changed this in the meantime" in page
    assert 'value="My edit"' in page
    db.session.expire_all()
    assert (target.name, target.role) == ("Changed elsewhere", "evaluator")


def test_disabling_a_user_logs_their_session_out(app, client, make, admin):
    target = make.user("evaluator")
    theirs = login_other(app, target)
    assert theirs.get("/").headers["Location"] == "/panel/"  # logged in
    resp = client.post(
        f"/admin/users/{target.id}",
        data={"name": target.name, "role": "evaluator", "version": str(target.version)},
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert target.active is False
    resp = theirs.get("/panel/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    # and they cannot log in again
    creds = {"email": target.email, "password": PASSWORD}
    assert theirs.post("/api/v1/auth/tokens", json=creds).status_code == 401


def test_admin_cannot_disable_themselves(client, admin):
    resp = client.post(
        f"/admin/users/{admin.id}",
        data={"name": admin.name, "role": "admin", "version": str(admin.version)},
    )
    assert resp.status_code == 422
    assert "You cannot disable or demote your own account." in text(resp)
    db.session.expire_all()
    assert admin.active is True


def test_declare_conflict_and_refuse_one_without_reason(client, make, admin):
    agency = make.agency(name="Kementerian Kesehatan", kind="kementerian", province="DKI Jakarta")
    target = make.user("evaluator")
    url = f"/admin/users/{target.id}/conflicts"
    resp = client.post(url, data={"conflict-agency_id": str(agency.id), "conflict-reason": ""})
    assert resp.status_code == 422
    assert count(Conflict) == 0
    resp = client.post(url, data={"conflict-agency_id": "", "conflict-reason": "Former employer"})
    assert resp.status_code == 422
    page = text(resp)
    assert "Unknown agency." in page and "Former employer" in page
    assert count(Conflict) == 0
    resp = client.post(
        url, data={"conflict-agency_id": str(agency.id), "conflict-reason": "Former employer"}
    )
    assert resp.status_code == 302
    conflict = db.session.scalar(select(Conflict))
    assert (conflict.user_id, conflict.agency_id) == (target.id, agency.id)
    page = text(client.get(f"/admin/users/{target.id}"))
    assert "Kementerian Kesehatan" in page and "Former employer" in page


# ------------------------------------------------------------------ competitions
def test_new_competition_form_is_prefilled_with_2023_defaults(client, admin):
    page = text(client.get("/admin/competitions/new"))
    assert re.search(r'<option selected value="Asia/Jakarta">', page)
    assert 'value="signifikansi"' in page and 'value="30"' in page
    assert 'value="ringkasan"' in page and 'value="200"' in page
    assert 'value="substansi"' in page
    assert 'name="criteria-8-code"' in page  # one spare row


def test_create_competition_reads_dates_in_its_timezone(client, admin):
    extra = {"code": "dampak_sosial", "name": "Dampak Sosial", "weight": 0}
    data = competition_form(
        criteria=[*EVALUATION_CRITERIA_2023, extra], timezone="Asia/Jayapura", umum_quota="8"
    )
    resp = client.post("/admin/competitions/new", data=data)
    assert resp.status_code == 302
    comp = db.session.scalar(select(Competition).where(Competition.name == "KIPP 2027"))
    assert resp.headers["Location"].endswith(f"/admin/competitions/{comp.id}")
    assert comp.stage == "draft" and comp.timezone == "Asia/Jayapura"
    # 08:00 WIT (UTC+9) and 23:59:59 WIT
    assert comp.submission_opens_at == datetime(2027, 2, 28, 23, 0, tzinfo=UTC)
    assert comp.submission_closes_at == datetime(2027, 5, 31, 14, 59, 59, tzinfo=UTC)
    assert comp.group("umum").quota == 8 and comp.group("replikasi").min_implementation_years == 1
    evaluation = comp.round_criteria("evaluation")
    assert [c.code for c in evaluation][-1] == "dampak_sosial"  # spare blank row ignored
    assert len(evaluation) == 9 and sum(c.weight for c in evaluation) == 100
    assert next(c for c in evaluation if c.code == "ringkasan").word_limit == 200
    assert [c.code for c in comp.round_criteria("panel")] == [c["code"] for c in PANEL_CRITERIA]
    assert count(AuditEvent, AuditEvent.chain == chain_for(comp.id)) == 1


def test_bad_weights_keep_the_typed_rows_and_create_nothing(client, admin):
    criteria = [dict(c) for c in EVALUATION_CRITERIA_2023]
    criteria[4]["weight"] = 35  # signifikansi: the sum becomes 105
    criteria.append({"code": "baru", "name": "Kriteria Baru Saya", "weight": 0})
    resp = client.post("/admin/competitions/new", data=competition_form(criteria=criteria))
    assert resp.status_code == 422
    page = text(resp)
    assert "Weights must add up to 100" in page
    assert 'value="35"' in page and 'value="Kriteria Baru Saya"' in page
    assert 'value="KIPP 2027"' in page and 'value="2027-05-31T23:59:59"' in page
    assert count(Competition) == 0 and count(AuditEvent) == 1  # the admin's own creation


def test_unparseable_weight_is_a_field_error(client, admin):
    criteria = [dict(c) for c in EVALUATION_CRITERIA_2023]
    rows = competition_form(criteria=criteria) | {"criteria-2-weight": "lima belas"}
    resp = client.post("/admin/competitions/new", data=rows)
    assert resp.status_code == 422
    page = text(resp)
    assert 'value="lima belas"' in page
    assert count(Competition) == 0


def test_edit_draft_competition_changes_criteria(client, make, admin):
    comp = make.competition(stage="draft")
    page = text(client.get(f"/admin/competitions/{comp.id}/edit"))
    assert f'value="{comp.version}"' in page and 'name="criteria-0-code"' in page
    criteria = [
        {"code": "signifikansi", "name": "Signifikansi", "weight": 60},
        {"code": "kebaruan", "name": "Kebaruan", "weight": 40, "guidance": "Apa yang baru?"},
    ]
    data = competition_form(criteria=criteria, name="KIPP Ubah", version=str(comp.version))
    resp = client.post(f"/admin/competitions/{comp.id}/edit", data=data)
    assert resp.status_code == 302
    db.session.expire_all()
    assert comp.name == "KIPP Ubah"
    assert [(c.code, c.weight) for c in comp.round_criteria("evaluation")] == [
        ("signifikansi", 60),
        ("kebaruan", 40),
    ]
    assert comp.round_criteria("evaluation")[1].guidance == "Apa yang baru?"


def test_criteria_are_read_only_after_draft(client, make, admin):
    comp = make.competition(stage="submission")
    codes = [c.code for c in comp.criteria]
    page = text(client.get(f"/admin/competitions/{comp.id}/edit"))
    assert 'name="criteria-0-code"' not in page and "Signifikansi" in page
    data = competition_form(
        criteria=[{"code": "x", "name": "X", "weight": 100}],
        name="KIPP Renamed",
        version=str(comp.version),
        shortlist_size="100",
    )
    resp = client.post(f"/admin/competitions/{comp.id}/edit", data=data)
    assert resp.status_code == 302
    db.session.expire_all()
    assert (comp.name, comp.shortlist_size) == ("KIPP Renamed", 100)
    assert [c.code for c in comp.criteria] == codes


def test_stale_competition_edit_is_refused(client, make, admin):
    comp = make.competition(stage="draft")
    url = f"/admin/competitions/{comp.id}/edit"
    form_version = comp.version
    assert f'value="{form_version}"' in text(client.get(url))
    update_competition(admin, comp, {"name": "Changed elsewhere"})  # someone else saves first
    db.session.commit()
    resp = client.post(url, data=competition_form(name="Mine", version=str(form_version)))
    assert resp.status_code == 409
    page = text(resp)
    assert "Someone else changed this in the meantime" in page and 'value="Mine"' in page
    db.session.expire_all()
    assert comp.name == "Changed elsewhere"


# ------------------------------------------------------------------ control page and stages
def test_control_page_shows_stepper_counts_and_links(client, make, admin):
    comp = make.competition(stage="screening")
    agency_user = make.user("agency")
    make.entry(comp, agency_user, status="submitted")
    make.entry(comp, agency_user, status="submitted")
    make.entry(comp, agency_user, status="eligible")
    page = text(client.get(f"/admin/competitions/{comp.id}"))
    assert 'aria-current="step"' in page
    assert '<td data-status="submitted">2</td>' in page
    assert '<td data-status="eligible">1</td>' in page
    assert '<td data-status="total">3</td>' in page
    assert "2 submitted entries are not screened yet." in page
    assert f"/admin/screening/{comp.id}" in page
    assert f"/admin/competitions/{comp.id}/audit" in page


def test_stage_move_forward(client, make, admin):
    comp = make.competition(stage="draft")
    resp = client.post(f"/admin/competitions/{comp.id}/stage", data={"to": "submission"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert comp.stage == "submission"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "competition.stage"))
    assert event.before == {"stage": "draft"} and event.after["stage"] == "submission"


def test_refused_stage_move_shows_why_and_changes_nothing(client, make, admin):
    comp = make.competition(stage="screening")
    make.entry(comp, make.user("agency"), status="submitted")
    events = count(AuditEvent)
    resp = client.post(
        f"/admin/competitions/{comp.id}/stage",
        data={"to": "evaluation", "force": "y", "reason": "Ingin lanjut cepat"},
    )
    assert resp.status_code == 409
    page = text(resp)
    assert "The move was refused." in page
    assert "1 submitted entries are not screened yet." in page
    assert "Ingin lanjut cepat" in page  # the typed reason is kept
    db.session.expire_all()
    assert comp.stage == "screening" and count(AuditEvent) == events


def test_forced_move_needs_a_reason_and_skipping_is_refused(client, make, admin):
    comp = make.competition(stage="screening")
    url = f"/admin/competitions/{comp.id}/stage"
    resp = client.post(url, data={"to": "evaluation", "force": "y", "reason": " "})
    assert resp.status_code == 422
    assert "Say why the move is forced." in text(resp)
    resp = client.post(url, data={"to": "shortlist"})
    assert resp.status_code == 409
    assert "only move one step forward" in text(resp)
    db.session.expire_all()
    assert comp.stage == "screening"


# ------------------------------------------------------------------ audit
def test_competition_audit_lists_events_in_local_time_and_verifies(client, make, admin):
    comp = make.competition(stage="draft")
    client.post(f"/admin/competitions/{comp.id}/stage", data={"to": "submission"})
    page = text(client.get(f"/admin/competitions/{comp.id}/audit"))
    assert "Chain intact (2 events)" in page and 'data-ok="true"' in page
    assert "competition.create" in page and "competition.stage" in page
    assert "<del>draft</del> → <ins>submission</ins>" in page
    assert admin.email in page and "WIB" in page


def test_broken_chain_is_reported_with_its_seq(client, make, admin):
    comp = make.competition(stage="draft")
    chain = chain_for(comp.id)
    last = db.session.scalar(select(AuditEvent).where(AuditEvent.chain == chain))
    forged = AuditEvent(
        chain=chain,
        competition_id=comp.id,
        seq=2,
        at=datetime.now(UTC),
        actor="intruder@example.id",
        action="competition.stage",
        object=f"competition:{comp.id}",
        before=None,
        after={"stage": "awarded"},
        prev_hash=last.hash,
        hash=compute_hash(last.hash, {"seq": 2, "forged": True}),
    )
    db.session.add(forged)
    db.session.commit()
    page = text(client.get(f"/admin/competitions/{comp.id}/audit"))
    assert "Chain broken at seq 2" in page and 'data-ok="false"' in page


def test_global_audit_is_paged_50_per_page(client, make, admin):
    for _ in range(55):
        make.agency()
    total = count(AuditEvent, AuditEvent.chain == "global")
    assert total > 50
    first = text(client.get("/admin/audit"))
    assert f"Chain intact ({total} events)" in first
    assert 'id="seq-50"' in first and 'id="seq-51"' not in first
    second = text(client.get("/admin/audit?page=2"))
    assert 'id="seq-51"' in second and f'id="seq-{total}"' in second
    assert 'id="seq-50"' not in second
