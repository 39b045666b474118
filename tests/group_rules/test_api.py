"""API v1.1 § Competition rules: groups' own criteria, invitation-only groups, invitations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kipp.competitions.defaults import EVALUATION_CRITERIA_2023
from kipp.extensions import db
from kipp.models import AuditEvent, CompetitionGroup, Entry
from kipp.models.group_rules import GroupCriterion, Invitation
from kipp.models.mail import Mail
from tests.group_rules.conftest import GROUPS, REPLIKASI, entry_body
from tests.helpers import assert_problem, count


def _new_competition(**extra) -> dict:
    now = datetime.now(UTC)
    return {
        "name": "KIPP Kelompok",
        "year": 2027,
        "submission_opens_at": (now + timedelta(days=1)).isoformat(),
        "submission_closes_at": (now + timedelta(days=30)).isoformat(),
        "criteria": EVALUATION_CRITERIA_2023,
        **extra,
    }


def test_groups_carry_their_criteria_and_invitation_rule(api, w):
    body = api(w.admin).get(f"/api/v1/competitions/{w.comp.id}").get_json()
    groups = body["groups"]
    assert groups["khusus"]["invitation_only"] is True
    assert groups["umum"] == {
        "quota": 10,
        "min_implementation_years": 2,
        "invitation_only": False,
        "criteria": [],
    }
    assert [(c["code"], c["weight"]) for c in groups["replikasi"]["criteria"]] == [
        (c["code"], c["weight"]) for c in REPLIKASI
    ]


def test_create_with_group_criteria_and_refuse_bad_weights(api, w):
    admin = api(w.admin)
    resp = admin.post("/api/v1/competitions", json=_new_competition(groups=GROUPS))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["groups"]["replikasi"]["criteria"][0]["code"] == "kesetiaan"
    before = count(CompetitionGroup)
    bad = dict(GROUPS) | {
        "replikasi": GROUPS["replikasi"] | {"criteria": [dict(REPLIKASI[0], weight=50)]}
    }
    problem = assert_problem(
        admin.post("/api/v1/competitions", json=_new_competition(groups=bad)),
        422,
        "validation_error",
    )
    assert "100" in " ".join(problem["errors"]["groups.replikasi.criteria"])
    dup = dict(GROUPS) | {"umum": GROUPS["umum"] | {"criteria": [REPLIKASI[0]] * 2 + REPLIKASI[1:]}}
    problem = assert_problem(
        admin.post("/api/v1/competitions", json=_new_competition(groups=dup)), 422
    )
    assert "groups.umum.criteria" in problem["errors"]
    assert count(CompetitionGroup) == before


def test_patch_group_criteria_only_in_draft(api, w, make):
    admin = api(w.admin)
    draft = make.competition("draft")
    url = f"/api/v1/competitions/{draft.id}"
    resp = admin.patch(url, json={"groups": GROUPS})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["groups"]["khusus"]["invitation_only"] is True
    bad = {"groups": {"umum": GROUPS["umum"] | {"criteria": [dict(REPLIKASI[0], weight=99)]}}}
    assert_problem(admin.patch(url, json=bad), 422, "validation_error")
    assert count(GroupCriterion) == 2 * len(REPLIKASI)  # w.comp's and the draft's
    frozen = f"/api/v1/competitions/{w.comp.id}"
    assert_problem(admin.patch(frozen, json={"groups": GROUPS}), 409, "invalid_stage")


def test_invitations_are_given_listed_and_withdrawn_by_admins(api, w, make):
    admin = api(w.admin)
    url = f"/api/v1/competitions/{w.comp.id}/invitations"
    resp = admin.post(url, json={"agency_id": w.outsider.agency_id, "group": "khusus"})
    assert resp.status_code == 201, resp.get_json()
    inv = resp.get_json()
    assert inv["group"] == "khusus" and inv["agency_id"] == w.outsider.agency_id
    assert count(AuditEvent, AuditEvent.action == "invitation.create") == 1
    mails = db.session.scalars(db.select(Mail).where(Mail.kind == "group_invitation")).all()
    assert [m.to for m in mails] == [w.outsider.email]
    assert "khusus" in mails[0].subject
    again = admin.post(url, json={"agency_id": w.outsider.agency_id, "group": "khusus"})
    assert_problem(again, 409, "conflict")
    listed = admin.get(url).get_json()
    assert listed["total"] == 2
    assert {i["agency_id"] for i in listed["items"]} == {w.invited.agency_id, w.outsider.agency_id}
    assert_problem(api(w.outsider).get(url), 403, "forbidden")
    assert_problem(api(w.outsider).delete(f"/api/v1/invitations/{inv['id']}"), 404, "not_found")
    assert admin.delete(f"/api/v1/invitations/{inv['id']}").status_code == 204
    assert count(Invitation, Invitation.id == inv["id"]) == 0
    assert count(AuditEvent, AuditEvent.action == "invitation.delete") == 1


def test_bad_invitations_change_nothing(api, w):
    admin = api(w.admin)
    url = f"/api/v1/competitions/{w.comp.id}/invitations"
    for body, field in (
        ({"agency_id": w.outsider.agency_id, "group": "umum"}, "group"),
        ({"agency_id": w.outsider.agency_id, "group": "nope"}, "group"),
        ({"agency_id": 2**31 - 1, "group": "khusus"}, "agency_id"),
        ({"agency_id": 2**40, "group": "khusus"}, "agency_id"),
        ({"agency_id": w.outsider.agency_id, "group": "x" * 31}, "group"),
        ({"agency_id": w.outsider.agency_id, "group": "khu\u0000sus"}, "group"),
    ):
        problem = assert_problem(admin.post(url, json=body), 422, "validation_error")
        assert field in problem["errors"], problem
    assert_problem(
        api(w.outsider).post(url, json={"agency_id": w.outsider.agency_id, "group": "khusus"}),
        403,
        "forbidden",
    )
    assert count(Invitation) == 1
    assert count(AuditEvent, AuditEvent.action == "invitation.create") == 0


def test_invitations_stop_at_screening(api, w, make):
    late = make.competition("screening", groups=GROUPS)
    url = f"/api/v1/competitions/{late.id}/invitations"
    body = {"agency_id": w.outsider.agency_id, "group": "khusus"}
    assert_problem(api(w.admin).post(url, json=body), 409, "invalid_stage")
    assert count(Invitation, Invitation.competition_id == late.id) == 0


def test_uninvited_agency_cannot_enter_an_invitation_only_group(api, w, make):
    url = f"/api/v1/competitions/{w.comp.id}/entries"
    before = count(Entry)
    problem = assert_problem(
        api(w.outsider).post(url, json=entry_body(w.comp, make)), 403, "forbidden"
    )
    assert "khusus" in problem["detail"]
    assert count(Entry) == before
    assert count(AuditEvent, AuditEvent.action == "entry.create") == 0
    resp = api(w.invited).post(url, json=entry_body(w.comp, make))
    assert resp.status_code == 201, resp.get_json()
    entry_id = resp.get_json()["id"]
    assert api(w.invited).post(f"/api/v1/entries/{entry_id}/submit").status_code == 200


def test_moving_a_draft_into_the_group_or_submitting_without_invitation_is_refused(api, w, make):
    outsider = api(w.outsider)
    umum = make.entry(w.comp, w.outsider, "draft", group="umum")
    resp = outsider.patch(
        f"/api/v1/entries/{umum.id}", json={"group": "khusus", "version": umum.version}
    )
    assert_problem(resp, 403, "forbidden")
    assert count(Entry, Entry.id == umum.id, Entry.group == "umum") == 1
    # A draft left in the group after its invitation was withdrawn cannot be submitted.
    stray = make.entry(w.comp, w.outsider, "draft", group="khusus")
    assert_problem(outsider.post(f"/api/v1/entries/{stray.id}/submit"), 403, "forbidden")
    assert count(Entry, Entry.id == stray.id, Entry.status == "draft") == 1


def test_ranking_per_group_and_unknown_group(api, w):
    admin = api(w.admin)
    url = f"/api/v1/competitions/{w.comp.id}/ranking?round=evaluation&group=nope"
    problem = assert_problem(admin.get(url), 422, "validation_error")
    assert "group" in problem["errors"]
    resp = admin.get(f"/api/v1/competitions/{w.comp.id}/ranking?round=evaluation&group=khusus")
    assert resp.status_code == 200
    assert resp.get_json()["items"] == []


def test_concurrent_invitations_of_one_agency_make_one(app, w):
    from tests.helpers import race, token_for

    token = token_for(app.test_client(), w.admin)
    url = f"/api/v1/competitions/{w.comp.id}/invitations"
    body = {"agency_id": w.outsider.agency_id, "group": "khusus"}
    results = race(app, [(token, "POST", url, body)] * 3)
    assert sorted(status for status, _ in results) == [201, 409, 409], results
    assert count(Invitation, Invitation.agency_id == w.outsider.agency_id) == 1
