"""The competition setting `blind_review`: default false, shown and accepted by the API and the
admin form, changeable until stage `evaluation` (then 409 `invalid_stage`, nothing changed),
every change audited."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from kipp.audit.chain import chain_for
from kipp.competitions.defaults import EVALUATION_CRITERIA_2023
from kipp.extensions import db
from kipp.models import AuditEvent, Competition
from tests.helpers import assert_problem, count


def events(comp_id: int) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.chain == chain_for(comp_id))
            .order_by(AuditEvent.seq)
        )
    )


def new_competition(**extra) -> dict:
    return {
        "name": "KIPP Buta",
        "year": 2027,
        "submission_opens_at": "2027-03-01T08:00:00+07:00",
        "submission_closes_at": "2027-05-31T23:59:59+07:00",
        "criteria": EVALUATION_CRITERIA_2023,
    } | extra


def test_created_without_it_a_competition_is_not_blind(make, api):
    a = api(make.admin())
    body = a.post("/api/v1/competitions", json=new_competition()).get_json()
    assert body["blind_review"] is False
    assert a.get(f"/api/v1/competitions/{body['id']}").get_json()["blind_review"] is False


def test_created_blind_it_says_so_and_the_creation_records_it(make, api):
    a = api(make.admin())
    resp = a.post("/api/v1/competitions", json=new_competition(blind_review=True))
    assert resp.status_code == 201 and resp.get_json()["blind_review"] is True
    cid = resp.get_json()["id"]
    assert db.session.get(Competition, cid).blind_review is True
    assert events(cid)[-1].after["blind_review"] is True
    listed = a.get("/api/v1/competitions").get_json()["items"]
    assert [c["blind_review"] for c in listed if c["id"] == cid] == [True]


@pytest.mark.parametrize("stage", ["draft", "submission", "screening"])
def test_changeable_before_evaluation_and_audited(make, api, stage):
    comp = make.competition(stage=stage)
    a = api(make.admin())
    resp = a.patch(f"/api/v1/competitions/{comp.id}", json={"blind_review": True})
    assert resp.status_code == 200 and resp.get_json()["blind_review"] is True
    last = events(comp.id)[-1]
    assert last.action == "competition.update"
    assert (last.before["blind_review"], last.after["blind_review"]) == (False, True)
    resp = a.patch(f"/api/v1/competitions/{comp.id}", json={"blind_review": False})
    assert resp.status_code == 200 and resp.get_json()["blind_review"] is False
    assert events(comp.id)[-1].after["blind_review"] is False


@pytest.mark.parametrize("stage", ["evaluation", "shortlist", "panel", "final", "awarded"])
@pytest.mark.parametrize("start", [False, True])
def test_a_change_from_evaluation_on_is_refused_and_changes_nothing(make, api, stage, start):
    comp = make.competition(stage=stage, blind_review=start)
    a = api(make.admin())
    before = (comp.version, comp.name, count(AuditEvent))
    resp = a.patch(
        f"/api/v1/competitions/{comp.id}", json={"blind_review": not start, "name": "Lain"}
    )
    assert_problem(resp, 409, "invalid_stage")
    db.session.expire_all()
    assert comp.blind_review is start
    assert (comp.version, comp.name, count(AuditEvent)) == before
    # Sending the current value is no change: the rest of the patch is saved.
    resp = a.patch(f"/api/v1/competitions/{comp.id}", json={"blind_review": start, "name": "Lain"})
    assert resp.status_code == 200 and resp.get_json()["blind_review"] is start


def test_only_admins_change_it(make, api):
    comp = make.competition(stage="screening")
    for role in ("evaluator", "chair", "agency"):
        resp = api(make.user(role)).patch(
            f"/api/v1/competitions/{comp.id}", json={"blind_review": True}
        )
        assert_problem(resp, 403)
    db.session.expire_all()
    assert comp.blind_review is False


def test_a_non_boolean_is_refused(make, api):
    comp = make.competition(stage="screening")
    resp = api(make.admin()).patch(f"/api/v1/competitions/{comp.id}", json={"blind_review": "x"})
    assert_problem(resp, 422)
    db.session.expire_all()
    assert comp.blind_review is False


def test_openapi_documents_the_field(client):
    doc = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert doc["CompetitionIn"]["properties"]["blind_review"]["type"] == "boolean"
    assert doc["CompetitionPatch"]["properties"]["blind_review"]["type"] == "boolean"
    assert "blind_review" in doc["CompetitionOut"]["required"]
    assert doc["EntryOut"]["properties"]["agency"]["nullable"] is True
    assert doc["EntryOut"]["properties"]["agency_id"]["nullable"] is True


# ----------------------------------------------------------------- the admin form
def test_the_new_competition_form_creates_a_blind_competition(make, web_login):
    client = web_login(make.admin())
    page = html.unescape(client.get("/admin/competitions/new").get_data(as_text=True))
    assert 'id="blind_review"' in page and "checked" not in page.split('id="blind_review"')[1][:40]
    data = form_of(page) | {
        "name": "KIPP Buta Web",
        "submission_opens_at": "2027-03-01T08:00",
        "submission_closes_at": "2027-05-31T23:59:59",
        "blind_review": "y",
    }
    resp = client.post("/admin/competitions/new", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    comp = db.session.scalars(select(Competition).where(Competition.name == "KIPP Buta Web")).one()
    assert comp.blind_review is True


def form_of(page: str) -> dict:
    """What the browser posts: the form's fields as the page fills them in (the groups and
    criteria are read-only after `draft`, so not posted)."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        data[name.group(1)] = value.group(1) if value else "y"
    data["timezone"] = "Asia/Jakarta"
    return data


def edit(client, comp, **over):
    url = f"/admin/competitions/{comp.id}/edit"
    page = html.unescape(client.get(url).get_data(as_text=True))
    return client.post(url, data=form_of(page) | over), page


def test_the_admin_form_switches_it_on_before_evaluation(make, web_login):
    comp = make.competition(stage="screening")
    client = web_login(make.admin())
    resp, page = edit(client, comp, blind_review="y")
    assert 'name="blind_review"' in page and 'type="checkbox"' in page
    assert resp.status_code == 302, resp.get_data(as_text=True)
    db.session.expire_all()
    assert comp.blind_review is True
    assert events(comp.id)[-1].after["blind_review"] is True


def test_from_evaluation_on_the_form_shows_it_and_keeps_it(make, web_login):
    comp = make.competition(stage="evaluation", blind_review=True)
    client = web_login(make.admin())
    resp, page = edit(client, comp, name="KIPP Tetap Buta")
    assert 'id="blind-review-state"' in page and 'id="blind_review"' not in page
    assert '<input type="hidden" name="blind_review" value="y">' in page
    assert resp.status_code == 302, resp.get_data(as_text=True)
    db.session.expire_all()
    assert (comp.name, comp.blind_review) == ("KIPP Tetap Buta", True)


def test_from_evaluation_on_a_forged_form_change_is_refused(make, web_login):
    comp = make.competition(stage="evaluation", blind_review=True)
    name = comp.name
    client = web_login(make.admin())
    url = f"/admin/competitions/{comp.id}/edit"
    page = html.unescape(client.get(url).get_data(as_text=True))
    data = {k: v for k, v in form_of(page).items() if k != "blind_review"}
    events_before = count(AuditEvent)
    resp = client.post(url, data=data | {"name": "Dicoba"})
    assert resp.status_code == 409
    assert "before the evaluation stage" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert (comp.name, comp.blind_review) == (name, True)
    assert count(AuditEvent) == events_before
