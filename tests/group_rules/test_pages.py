"""Pages: the competition form edits groups' rules, the invitations page, the entry editor's
refusal for an uninvited agency, and the ranking page's group filter."""

from __future__ import annotations

from sqlalchemy import select

from kipp.extensions import db
from kipp.models import AuditEvent, Competition, Entry
from kipp.models.group_rules import GroupCriterion, Invitation
from tests.group_rules.conftest import REPLIKASI
from tests.helpers import count
from tests.services.judging_fixtures import assign, submit_sheet


def _competition_form(**extra) -> dict:
    data = {
        "name": "KIPP Kelompok",
        "year": "2027",
        "timezone": "Asia/Jakarta",
        "submission_opens_at": "2027-03-01T08:00",
        "submission_closes_at": "2027-06-30T23:59:59",
        "umum_quota": "10",
        "umum_min_years": "2",
        "replikasi_quota": "5",
        "replikasi_min_years": "1",
        "khusus_quota": "2",
        "khusus_min_years": "2",
        "khusus_invitation_only": "y",
        "shortlist_size": "99",
        "final_size": "45",
        "evaluators_per_entry": "2",
        "criteria-0-code": "signifikansi",
        "criteria-0-name": "Signifikansi",
        "criteria-0-weight": "100",
        "panel_criteria-0-code": "substansi",
        "panel_criteria-0-name": "Substansi",
        "panel_criteria-0-weight": "100",
    }
    for i, c in enumerate(REPLIKASI):
        data |= {
            f"replikasi_criteria-{i}-code": c["code"],
            f"replikasi_criteria-{i}-name": c["name"],
            f"replikasi_criteria-{i}-weight": str(c["weight"]),
        }
    return data | extra


def test_competition_form_creates_groups_with_their_rules(make, web_login):
    client = web_login(make.admin())
    page = client.get("/admin/competitions/new").get_data(as_text=True)
    assert 'name="khusus_invitation_only"' in page and 'name="replikasi_criteria-0-code"' in page
    resp = client.post("/admin/competitions/new", data=_competition_form())
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    comp = db.session.scalar(select(Competition).where(Competition.name == "KIPP Kelompok"))
    assert comp.group("khusus").invitation_only and not comp.group("umum").invitation_only
    assert [c.code for c in comp.group("replikasi").criteria] == [c["code"] for c in REPLIKASI]
    assert comp.group("umum").criteria == []
    edit = client.get(f"/admin/competitions/{comp.id}/edit").get_data(as_text=True)
    assert 'value="kesetiaan"' in edit


def test_competition_form_refuses_group_weights_not_summing_to_100(make, web_login):
    client = web_login(make.admin())
    before = count(Competition)
    resp = client.post(
        "/admin/competitions/new", data=_competition_form(**{"replikasi_criteria-0-weight": "10"})
    )
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Weights must add up to 100 (now 70)." in page
    assert 'value="kesetiaan"' in page  # the typed rows come back
    assert count(Competition) == before
    half = _competition_form(khusus_min_years="")
    resp = client.post("/admin/competitions/new", data=half)
    assert resp.status_code == 422
    assert "Fill in both fields of the group, or neither." in resp.get_data(as_text=True)


def test_competition_form_without_khusus(make, web_login):
    client = web_login(make.admin())
    data = _competition_form(khusus_quota="", khusus_min_years="", name="Tanpa Khusus")
    assert client.post("/admin/competitions/new", data=data).status_code == 302
    comp = db.session.scalar(select(Competition).where(Competition.name == "Tanpa Khusus"))
    assert [g.code for g in comp.groups] == ["umum", "replikasi"]


def test_saving_a_later_stage_competition_keeps_its_group_rules(w, web_login):
    client = web_login(w.admin)
    page = client.get(f"/admin/competitions/{w.comp.id}/edit").get_data(as_text=True)
    assert "by invitation only" in page and "Kesetiaan pada inovasi asal" in page
    before = count(GroupCriterion)
    data = {
        "name": "Renamed",
        "year": "2026",
        "timezone": "Asia/Jakarta",
        "submission_opens_at": "2026-01-01T08:00",
        "submission_closes_at": "2026-12-31T23:59",
        "shortlist_size": "99",
        "final_size": "45",
        "evaluators_per_entry": "2",
        "version": str(w.comp.version),
    }
    resp = client.post(f"/admin/competitions/{w.comp.id}/edit", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    assert count(GroupCriterion) == before
    db.session.refresh(w.comp)
    assert w.comp.group("khusus").invitation_only


def test_invitations_page(w, web_login, make):
    client = web_login(w.admin)
    comp_page = client.get(f"/admin/competitions/{w.comp.id}").get_data(as_text=True)
    assert f"/admin/competitions/{w.comp.id}/invitations" in comp_page
    url = f"/admin/competitions/{w.comp.id}/invitations"
    page = client.get(url).get_data(as_text=True)
    assert w.invited.agency.name in page
    resp = client.post(url, data={"group": "khusus", "agency_id": str(w.outsider.agency_id)})
    assert resp.status_code == 302
    assert count(Invitation) == 2
    again = client.post(url, data={"group": "khusus", "agency_id": str(w.outsider.agency_id)})
    assert again.status_code == 409
    assert "already invited" in again.get_data(as_text=True)
    assert count(Invitation) == 2
    bad = client.post(url, data={"group": "umum", "agency_id": str(w.outsider.agency_id)})
    assert bad.status_code == 422
    inv = db.session.scalar(select(Invitation).where(Invitation.agency_id == w.outsider.agency_id))
    resp = client.post(f"/admin/invitations/{inv.id}/delete")
    assert resp.status_code == 302
    assert count(Invitation) == 1
    assert count(AuditEvent, AuditEvent.action == "invitation.delete") == 1
    assert client.post("/admin/invitations/999999/delete").status_code == 404


def test_invitations_page_is_the_secretariats(w, web_login, client):
    url = f"/admin/competitions/{w.comp.id}/invitations"
    assert client.get(url).status_code == 302  # to the login page
    web_login(w.invited)
    assert client.get(url).status_code == 403
    inv = db.session.scalar(select(Invitation))
    assert client.post(f"/admin/invitations/{inv.id}/delete").status_code == 403
    assert count(Invitation) == 1


def test_entry_editor_refuses_an_uninvited_khusus_entry(w, web_login, make):
    client = web_login(w.outsider)
    data = {
        "title": "Inovasi Khusus",
        "group": "khusus",
        "summary": "Ringkasan.",
        "started_on": "2020-03-01",
        "replicates": "",
        "replication_type": "",
    } | {f"ans_{c.code}": "Jawaban." for c in w.comp.round_criteria("evaluation")}
    url = f"/agency/competitions/{w.comp.id}/entries/new"
    resp = client.post(url, data=data)
    assert resp.status_code == 403
    page = resp.get_data(as_text=True)
    assert "by invitation only" in page
    assert 'value="Inovasi Khusus"' in page  # nothing typed is lost
    assert count(Entry) == 0


def test_ranking_page_filters_by_group(make, web_login):
    from tests.group_rules.conftest import GROUPS

    comp = make.competition("evaluation", groups=GROUPS)
    owner = make.user("agency")
    umum = make.entry(comp, owner, "eligible", group="umum", title="Satu Umum")
    rep = make.entry(comp, owner, "eligible", group="replikasi", title="Dua Replikasi")
    rev = make.user("evaluator")
    submit_sheet(assign(comp, umum, rev), 80)
    submit_sheet(assign(comp, rep, rev), 70)
    client = web_login(make.user("chair"))
    url = f"/selection/{comp.id}/ranking"
    page = client.get(url).get_data(as_text=True)
    assert "Satu Umum" in page and "Dua Replikasi" in page and 'id="group-filter"' in page
    page = client.get(f"{url}?group=replikasi").get_data(as_text=True)
    assert "Dua Replikasi" in page and "Satu Umum" not in page
    assert 'id="group-notice"' in page
    assert client.get(f"{url}?group=nope").status_code == 404


def test_scoring_page_shows_the_groups_criteria(make, web_login):
    from tests.group_rules.conftest import GROUPS

    comp = make.competition("evaluation", groups=GROUPS)
    rep = make.entry(comp, make.user("agency"), "eligible", group="replikasi")
    reviewer = make.user("evaluator")
    a = assign(comp, rep, reviewer)
    client = web_login(reviewer)
    page = client.get(f"/panel/assignments/{a.id}").get_data(as_text=True)
    assert "Kesetiaan pada inovasi asal" in page and "Adaptasi pada konteks lokal" in page
    assert 'name="score_kesetiaan"' in page and 'name="score_signifikansi"' not in page


def test_entry_editor_offers_an_invitation_only_group_to_the_invited_only(w, web_login):
    """The new-entry form lists khusus for the invited agency and leaves it out for another."""
    url = f"/agency/competitions/{w.comp.id}/entries/new"
    invited = web_login(w.invited).get(url).get_data(as_text=True)
    assert '<option value="khusus"' in invited and '<option value="umum"' in invited
    outsider = web_login(w.outsider).get(url).get_data(as_text=True)
    assert '<option value="khusus"' not in outsider and '<option value="umum"' in outsider
