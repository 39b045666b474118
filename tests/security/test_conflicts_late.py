"""Finding 2: a conflict declared after assignment (API contract v1.1 § Conflicts declared late).

Unsubmitted assignments to the agency's entries are deleted, submitted ones are kept but marked
`conflicted` and leave every ranking (the entry shows `missing_sheets` until another reviewer
is assigned and has scored), and the conflicted reviewer gets 404 on the entry and the sheet
in every read and score path: API, scoring pages, assignment lists and score-sheet PDFs.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kipp.accounts.services import add_conflict
from kipp.documents.score_sheets import score_sheet_data
from kipp.entries.attachments import add_attachment
from kipp.extensions import db
from kipp.models import Assignment, AuditEvent, Entry
from tests.helpers import pdf_bytes
from tests.services.judging_fixtures import (
    assign,
    evaluation_setup,
    finalised_shortlist,
    reload,
    save_draft,
    set_stage,
    submit_sheet,
)
from tests.workers.job_fixtures import docs_app  # noqa: F401  (fixture)

RANKING = "/api/v1/competitions/{}/ranking"


@pytest.fixture
def w(make):
    """Evaluation stage; entries 0 and 1 belong to agency X, entry 2 to agency Y. Reviewer R
    submitted entry 0 (80) and holds a draft of entry 1 and a pending sheet of entry 2;
    reviewer S submitted entry 0 (70)."""
    w = evaluation_setup(make, n_entries=3, n_agencies=2, n_reviewers=3, n_panelists=1)
    w.entries[1].agency_id = w.entries[0].agency_id
    w.entries[2].agency_id = w.owners[1].agency_id
    w.entries[0].status = "draft"  # documents are attached while drafting
    set_stage(w.comp, "submission")
    w.attachment = add_attachment(
        w.owners[0], w.entries[0], "evidence", "bukti.pdf", pdf_bytes(), 10 * 2**20
    )
    w.entries[0].status = "eligible"
    set_stage(w.comp, "evaluation")
    r, s = w.reviewers[0], w.reviewers[1]
    w.submitted = submit_sheet(assign(w, w.entries[0], r), 80)
    w.draft = save_draft(assign(w, w.entries[1], r), {"signifikansi": 70})
    w.other = assign(w, w.entries[2], r)
    submit_sheet(assign(w, w.entries[0], s), 70)
    w.agency_x = w.entries[0].agency_id
    return w


def declare(api, w, user=None, agency_id=None):
    resp = api(w.admin).post(
        f"/api/v1/users/{(user or w.reviewers[0]).id}/conflicts",
        json={"agency_id": agency_id or w.agency_x, "reason": "Joined this agency's board"},
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def reviewer_reads(client, w) -> dict[str, int]:
    """Status of every read and score path of the reviewer's sheet and entry."""
    a = w.submitted.id
    paths = {
        "assignment": f"/api/v1/assignments/{a}",
        "sheet": f"/api/v1/assignments/{a}/score",
        "entry": f"/api/v1/entries/{w.entries[0].id}",
        "attachment": f"/api/v1/attachments/{w.attachment.id}",
    }
    statuses = {}
    for name, path in paths.items():
        resp = client.get(path)
        resp.close()
        statuses[name] = resp.status_code
    return statuses


# ----------------------------------------------------------------- the declaration
def test_unsubmitted_removed_submitted_marked_and_all_audited(make, api, w):
    body = declare(api, w)
    assert body["removed_assignments"] == [w.draft.id]
    assert body["conflicted_assignments"] == [w.submitted.id]
    assert reload(Assignment, w.draft.id) is None
    kept = reload(Assignment, w.submitted.id)
    assert kept.conflicted is True and kept.conflicted_at is not None
    assert kept.status == "submitted" and kept.total is not None  # the record stays
    other = reload(Assignment, w.other.id)
    assert other is not None and other.conflicted is False  # another agency's entry: untouched
    shown = api(w.admin).get(f"/api/v1/assignments/{w.submitted.id}").get_json()
    assert shown["conflicted"] is True
    events = {
        e.action: e
        for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        if e.action in ("conflict.declare", "assignment.withdraw", "assignment.conflicted")
    }
    assert events["conflict.declare"].after["removed_assignments"] == [w.draft.id]
    assert events["conflict.declare"].after["conflicted_assignments"] == [w.submitted.id]
    assert events["assignment.withdraw"].before["values"] == {"signifikansi": "70.00"}
    assert events["assignment.conflicted"].object == f"assignment:{w.submitted.id}"
    admin = api(w.admin)
    assert admin.get(f"/api/v1/competitions/{w.comp.id}/audit/verify").get_json()["ok"] is True
    assert admin.get("/api/v1/audit/verify").get_json()["ok"] is True


def test_declaring_without_assignments_lists_nothing(make, api, w):
    body = declare(api, w, user=w.reviewers[2])
    assert body["removed_assignments"] == [] and body["conflicted_assignments"] == []


# ----------------------------------------------------------------- API read and score paths
def test_conflicted_reviewer_gets_404_on_every_api_path(make, api, w):
    client = api(w.reviewers[0])
    assert set(reviewer_reads(client, w).values()) == {200}
    declare(api, w)
    assert reviewer_reads(client, w) == dict.fromkeys(
        ("assignment", "sheet", "entry", "attachment"), 404
    )
    a = w.submitted.id
    put = client.put(f"/api/v1/assignments/{a}/score", json={"values": {"signifikansi": 1}})
    assert put.status_code == 404 and put.get_json()["code"] == "not_found"
    assert client.post(f"/api/v1/assignments/{a}/score/submit", json={}).status_code == 404
    mine = client.get("/api/v1/me/assignments").get_json()
    assert [i["id"] for i in mine["items"]] == [w.other.id]
    assert mine["progress"]["total"] == 1
    # The other agency's entry is still theirs; the admin still reads the kept sheet.
    assert client.get(f"/api/v1/assignments/{w.other.id}/score").status_code == 200
    assert api(w.admin).get(f"/api/v1/assignments/{a}/score").status_code == 200


def test_a_conflicted_sheet_is_never_reopened(make, api, w):
    declare(api, w)
    resp = api(w.admin).post(
        f"/api/v1/assignments/{w.submitted.id}/score/reopen", json={"reason": "Typo in a score"}
    )
    assert resp.status_code == 409 and resp.get_json()["code"] == "locked"
    assert reload(Assignment, w.submitted.id).status == "submitted"


# ----------------------------------------------------------------- rankings
def standing(api, w, entry, **query):
    url = RANKING.format(w.comp.id) + "".join(f"&{k}={v}" for k, v in query.items())
    body = api(w.admin).get(url.replace("&", "?", 1)).get_json()
    return next(i for i in body["items"] if i["entry_id"] == entry.id)


def test_conflicted_sheet_leaves_the_ranking_until_replaced(make, api, w):
    before = standing(api, w, w.entries[0])
    assert (before["score"], before["sheets"], before["flags"]) == (75.0, 2, [])
    declare(api, w)
    after = standing(api, w, w.entries[0])
    assert (after["score"], after["sheets"]) == (70.0, 1)
    assert "missing_sheets" in after["flags"]
    assert standing(api, w, w.entries[0], method="zscore")["sheets"] == 1
    # Another reviewer is assigned: still missing until they score, then complete.
    replacement = w.reviewers[2]
    created = api(w.admin).post(
        "/api/v1/assignments",
        json={"entry_id": w.entries[0].id, "user_id": replacement.id, "round": "evaluation"},
    )
    assert created.status_code == 201
    assert "missing_sheets" in standing(api, w, w.entries[0])["flags"]
    submit_sheet(reload(Assignment, created.get_json()["id"]), 76)
    done = standing(api, w, w.entries[0])
    assert (done["score"], done["sheets"], done["flags"]) == (73.0, 2, [])


def test_the_score_sheet_leaves_out_a_conflicted_sheet(make, api, w):
    [before] = score_sheet_data(w.entries[0])["rounds"]
    assert [s["total"] for s in before["sheets"]] == ["80.00", "70.00"]
    declare(api, w)
    [after] = score_sheet_data(reload(Entry, w.entries[0].id))["rounds"]
    assert [s["reviewer"] for s in after["sheets"]] == [w.reviewers[1].name]
    assert (after["summary"]["mean"], after["summary"]["submitted"]) == ("70.00", 1)


def test_panel_round_entry_shows_missing_sheets_after_a_late_conflict(make, api, w):
    finalised_shortlist(w.comp, [w.entries[0]], w.chair)
    set_stage(w.comp, "panel")
    panelist, chair = w.panel
    for member, total in ((panelist, 80), (chair, 70)):
        submit_sheet(assign(w, w.entries[0], member, "panel"), total)
    url = RANKING.format(w.comp.id) + "?round=panel"
    (item,) = api(w.admin).get(url).get_json()["items"]
    assert (item["sheets"], item["flags"]) == (2, [])
    declare(api, w, user=panelist)
    (item,) = api(w.admin).get(url).get_json()["items"]
    assert (item["score"], item["sheets"], item["flags"]) == (70.0, 1, ["missing_sheets"])


def test_auto_assign_replaces_the_conflicted_reviewer_and_never_picks_them(make, api, w):
    declare(api, w)
    r = w.reviewers[0]
    resp = api(w.admin).post(
        f"/api/v1/competitions/{w.comp.id}/assignments/auto",
        json={"round": "evaluation", "per_entry": 2},
    )
    assert resp.status_code == 200, resp.get_json()
    rows = db.session.execute(
        select(Assignment.entry_id, Assignment.user_id).where(
            Assignment.competition_id == w.comp.id, Assignment.conflicted.is_(False)
        )
    ).all()
    x_entries = {w.entries[0].id, w.entries[1].id}
    assert not [row for row in rows if row.user_id == r.id and row.entry_id in x_entries]
    live = [row.user_id for row in rows if row.entry_id == w.entries[0].id]
    assert len(live) == 2 and r.id not in live  # the conflicted sheet got a replacement
    manual = api(w.admin).post(
        "/api/v1/assignments",
        json={"entry_id": w.entries[1].id, "user_id": r.id, "round": "evaluation"},
    )
    assert manual.status_code == 409 and manual.get_json()["code"] == "conflict_of_interest"


# ----------------------------------------------------------------- web pages
def test_conflicted_reviewer_gets_404_on_the_scoring_pages(make, client, web_login, w):
    web_login(w.reviewers[0])
    page = f"/panel/assignments/{w.submitted.id}"
    assert client.get(page).status_code == 200
    assert w.entries[0].title in client.get("/panel/").get_data(as_text=True)
    add_conflict(w.admin, w.reviewers[0], w.agency_x, "Joined this agency's board")
    db.session.commit()
    assert client.get(page).status_code == 404
    assert client.post(page, data={"version": "1"}).status_code == 404
    assert client.post(page + "/submit", data={"version": "1"}).status_code == 404
    listing = client.get("/panel/").get_data(as_text=True)
    assert w.entries[0].title not in listing and w.entries[1].title not in listing
    assert w.entries[2].title in listing
    assert client.get(f"/panel/assignments/{w.other.id}").status_code == 200


def test_conflict_from_the_admin_page_withdraws_the_reviewer(make, client, web_login, w):
    web_login(w.admin)
    resp = client.post(
        f"/admin/users/{w.reviewers[0].id}/conflicts",
        data={"conflict-agency_id": str(w.agency_x), "conflict-reason": "Former employer"},
        follow_redirects=True,
    )
    assert resp.status_code == 200
    assert "1 unsubmitted assignments" in resp.get_data(as_text=True)
    assert reload(Assignment, w.draft.id) is None
    assert reload(Assignment, w.submitted.id).conflicted is True
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "conflict.declare")
    ).all()
    assert events[-1].after["removed_assignments"] == [w.draft.id]


# ----------------------------------------------------------------- score-sheet PDFs
@pytest.mark.parametrize("role", ["panelist", "chair"])
def test_conflicted_panel_member_gets_404_on_the_score_sheet(make, api, w, docs_app, role):  # noqa: F811
    finalised_shortlist(w.comp, [w.entries[0]], w.chair)
    set_stage(w.comp, "panel")
    member = w.panel[0] if role == "panelist" else w.chair
    a = submit_sheet(assign(w, w.entries[0], member, "panel"), 75)
    client = api(member)
    url = f"/api/v1/entries/{w.entries[0].id}/score-sheet"
    resp = client.get(url)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    resp.close()
    declare(api, w, user=member)
    for path in (url, f"/api/v1/entries/{w.entries[0].id}", f"/api/v1/assignments/{a.id}/score"):
        resp = client.get(path)
        assert resp.status_code == 404, path
        assert resp.get_json()["code"] == "not_found"
    assert api(w.admin).get(url).status_code == 200
