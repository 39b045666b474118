"""The secretariat's assignment page: loads and progress, auto and manual assignment, delete
and reopen, and who may use it.

Every refused request is checked against the database afterwards: nothing may change.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from kipp.accounts.services import add_conflict
from kipp.extensions import db
from kipp.models import Assignment, AuditEvent
from tests.services.judging_fixtures import (
    assign,
    evaluation_setup,
    finalised_shortlist,
    full_values,
    pairs,
    save_draft,
    set_stage,
    submit_sheet,
)


# ----------------------------------------------------------------- helpers
def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def event_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def fresh(assignment_id: int) -> Assignment | None:
    db.session.expire_all()
    return db.session.get(Assignment, assignment_id)


def page_url(comp, **args) -> str:
    qs = "&".join(f"{k}={v}" for k, v in ({"round": "evaluation"} | args).items())
    return f"/admin/assignments/{comp.id}?{qs}"


def load_row(html: str, user_id: int) -> dict[str, int]:
    """The numbers in a reviewer's row of the loads table."""
    row = re.search(rf'<tr data-user="{user_id}">(.*?)</tr>', html, re.S).group(1)
    return {k: int(v) for k, v in re.findall(r'data-field="(\w+)">(\d+)<', row)}


def count(html: str, name: str) -> str:
    return re.search(rf'data-count="{name}"[^>]*>\s*([^<]*?)\s*<', html).group(1)


def listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-assignment="(\d+)"', html)]


@pytest.fixture
def login_en(web_login):
    """Log in through the form, then choose English (the messages asserted are msgids)."""

    def login(user):
        client = web_login(user)
        client.get("/lang/en")
        return client

    return login


@pytest.fixture
def w(make, login_en):
    """An evaluation-stage competition (4 eligible entries, 3 evaluators), admin logged in."""
    world = evaluation_setup(make, n_entries=4, n_reviewers=3)
    world.client = login_en(world.admin)
    return world


# ----------------------------------------------------------------- access
def test_only_admins_reach_the_pages(make, client, web_login):
    world = evaluation_setup(make, n_entries=2, n_reviewers=2)
    a = assign(world, world.entries[0], world.reviewers[0])
    done = submit_sheet(assign(world, world.entries[1], world.reviewers[0]), 80)
    base = f"/admin/assignments/{world.comp.id}"
    posts = {
        f"{base}/auto?round=evaluation": {"per_entry": "1"},
        f"{base}/manual?round=evaluation": {
            "entry_id": world.entries[1].id,
            "user_id": world.reviewers[1].id,
        },
        f"{base}/{a.id}/delete": {},
        f"{base}/{done.id}/reopen": {f"a{done.id}-reason": "Typo in a score"},
    }
    before = pairs(world.comp.id)

    resp = client.get(base)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    for url, data in posts.items():
        resp = client.post(url, data=data)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]

    for role in ("agency", "evaluator", "panelist", "chair"):
        web_login(make.user(role))
        assert client.get(base).status_code == 403
        for url, data in posts.items():
            assert client.post(url, data=data).status_code == 403, (role, url)
        client.post("/logout")
    # The users created above wrote their own (global) events; look at the judging ones.
    assert pairs(world.comp.id) == before
    assert events("assignment.auto") == events("assignment.delete") == []
    assert events("score.reopen") == []
    assert fresh(a.id) is not None and fresh(done.id).status == "submitted"


def test_unknown_competition_or_foreign_assignment_is_404(w, make):
    other = make.competition(stage="evaluation")
    a = assign(w, w.entries[0], w.reviewers[0])
    assert w.client.get("/admin/assignments/999999").status_code == 404
    resp = w.client.post(f"/admin/assignments/{other.id}/{a.id}/delete")
    assert resp.status_code == 404
    assert fresh(a.id) is not None


# ----------------------------------------------------------------- loads and progress
def test_page_shows_loads_progress_and_entries_lacking_reviewers(w):
    r0, r1, r2 = w.reviewers
    a1 = assign(w, w.entries[0], r0)
    a2 = assign(w, w.entries[1], r0)
    assign(w, w.entries[2], r0)
    a4 = assign(w, w.entries[0], r1)
    submit_sheet(a1, 80)
    save_draft(a2, {"signifikansi": 70})
    submit_sheet(a4, 90)

    resp = w.client.get(page_url(w.comp))
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert load_row(html, r0.id) == {"assigned": 3, "pending": 1, "draft": 1, "submitted": 1}
    assert load_row(html, r1.id) == {"assigned": 1, "pending": 0, "draft": 0, "submitted": 1}
    assert load_row(html, r2.id) == {"assigned": 0, "pending": 0, "draft": 0, "submitted": 0}
    assert "1 of 3 submitted" in html
    assert '<meter min="0" max="3" value="1"' in html
    assert count(html, "entries") == "4"
    assert count(html, "short") == "3"  # entry 0 has its 2 reviewers; the others do not
    assert count(html, "assignments") == "4"
    short = re.findall(r'<li data-entry="(\d+)"', html)
    assert sorted(map(int, short)) == sorted(e.id for e in w.entries[1:])
    # The manual form offers the round's entries and reviewers; auto defaults per_entry.
    assert f'<option value="{w.entries[3].id}">' in html
    assert f'<option value="{r2.id}">' in html
    assert re.search(r'name="per_entry"[^>]*value="2"', html)


def test_list_is_filtered_and_paged_by_fifty(make, login_en):
    world = evaluation_setup(make, n_entries=30, n_reviewers=3, n_agencies=3)
    client = login_en(world.admin)
    resp = client.post(f"/admin/assignments/{world.comp.id}/auto?round=evaluation")
    assert resp.status_code == 302
    assert len(pairs(world.comp.id)) == 60

    first = listed(client.get(page_url(world.comp)).get_data(as_text=True))
    second = listed(client.get(page_url(world.comp, page=2)).get_data(as_text=True))
    assert (len(first), len(second)) == (50, 10) and not set(first) & set(second)

    r = world.reviewers[0]
    mine = listed(client.get(page_url(world.comp, user_id=r.id)).get_data(as_text=True))
    assert set(mine) == set(
        db.session.scalars(select(Assignment.id).where(Assignment.user_id == r.id))
    )
    a = fresh(mine[0])
    submit_sheet(a, 75)
    done = listed(client.get(page_url(world.comp, status="submitted")).get_data(as_text=True))
    assert done == [a.id]


# ----------------------------------------------------------------- auto-assign
def test_auto_assign_creates_balanced_assignments(make, login_en):
    world = evaluation_setup(make, n_entries=7, n_reviewers=3)
    client = login_en(world.admin)
    resp = client.post(
        f"/admin/assignments/{world.comp.id}/auto?round=evaluation",
        data={"per_entry": "2"},
        follow_redirects=True,
    )
    assert resp.status_code == 200
    assert "14 assignments created." in resp.get_data(as_text=True)
    got = pairs(world.comp.id)
    assert Counter(e for e, _ in got) == {e.id: 2 for e in world.entries}
    assert sorted(Counter(r for _, r in got).values()) == [4, 5, 5]
    (event,) = events("assignment.auto")
    assert event.after["created"] == 14 and event.actor_id == world.admin.id


def test_capacity_refusal_shows_the_numbers_and_creates_nothing(w):
    before = event_count()
    resp = w.client.post(
        f"/admin/assignments/{w.comp.id}/auto?round=evaluation",
        data={"per_entry": "2", "max_load": "2"},
    )
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert 'data-code="capacity_insufficient"' in html
    assert "Nothing was created." in html
    assert count(html, "needed") == "8" and count(html, "available") == "6"
    assert re.search(r'name="max_load"[^>]*value="2"', html)  # what was typed is kept
    assert pairs(w.comp.id) == set()
    assert event_count() == before


def test_auto_assign_bad_input_and_wrong_stage_change_nothing(w):
    url = f"/admin/assignments/{w.comp.id}/auto?round=evaluation"
    resp = w.client.post(url, data={"per_entry": "0"})
    assert resp.status_code == 422
    assert "at least 1" in resp.get_data(as_text=True)
    set_stage(w.comp, "shortlist")
    resp = w.client.post(url, data={"per_entry": "2"})
    assert resp.status_code == 409
    assert "only open in the evaluation stage" in resp.get_data(as_text=True)
    assert pairs(w.comp.id) == set()
    assert events("assignment.auto") == []


def test_panel_round_covers_the_finalised_shortlist_with_every_panelist(make, login_en):
    world = evaluation_setup(make, n_entries=3, n_reviewers=1, n_panelists=2, stage="panel")
    finalised_shortlist(world.comp, world.entries[:2], world.chair)
    client = login_en(world.admin)
    html = client.get(f"/admin/assignments/{world.comp.id}").get_data(as_text=True)
    assert count(html, "entries") == "2"  # the shortlist, not every eligible entry
    assert re.search(r'name="per_entry"[^>]*value=""', html)  # default: every panelist
    resp = client.post(f"/admin/assignments/{world.comp.id}/auto?round=panel", data={})
    assert resp.status_code == 302
    assert pairs(world.comp.id, "panel") == {
        (e.id, p.id) for e in world.entries[:2] for p in world.panel
    }


# ----------------------------------------------------------------- by hand
def test_manual_assignment_is_created_and_audited(w):
    entry, reviewer = w.entries[0], w.reviewers[0]
    resp = w.client.post(
        f"/admin/assignments/{w.comp.id}/manual?round=evaluation",
        data={"entry_id": entry.id, "user_id": reviewer.id},
    )
    assert resp.status_code == 302
    assert pairs(w.comp.id) == {(entry.id, reviewer.id)}
    (event,) = events("assignment.create")
    assert event.after == {"entry_id": entry.id, "user_id": reviewer.id, "round": "evaluation"}


def test_manual_conflict_is_409_shown_clearly_and_creates_nothing(w):
    reviewer, entry = w.reviewers[0], w.entries[1]
    add_conflict(w.admin, reviewer, entry.agency_id, "Former employer")
    db.session.commit()
    before = event_count()
    resp = w.client.post(
        f"/admin/assignments/{w.comp.id}/manual?round=evaluation",
        data={"entry_id": entry.id, "user_id": reviewer.id},
    )
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert 'data-code="conflict_of_interest"' in html
    assert "Conflict of interest. Nothing was created." in html
    assert f"{reviewer.name} has a conflict of interest" in html
    # The choices made are still selected.
    assert f'<option selected value="{entry.id}">' in html
    assert f'<option selected value="{reviewer.id}">' in html
    assert pairs(w.comp.id) == set()
    assert event_count() == before


def test_manual_without_choices_is_422(w):
    resp = w.client.post(
        f"/admin/assignments/{w.comp.id}/manual?round=evaluation",
        data={"entry_id": "", "user_id": ""},
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Unknown entry." in html and "Unknown user." in html
    assert pairs(w.comp.id) == set()


# ----------------------------------------------------------------- delete and reopen
def test_delete_removes_the_assignment_and_its_draft(w):
    a = assign(w, w.entries[0], w.reviewers[0])
    save_draft(a, {"signifikansi": 60})
    resp = w.client.post(f"/admin/assignments/{w.comp.id}/{a.id}/delete", follow_redirects=True)
    assert resp.status_code == 200
    assert "no longer reviews" in resp.get_data(as_text=True)
    assert fresh(a.id) is None
    (event,) = events("assignment.delete")
    assert event.before["values"] == {"signifikansi": "60.00"}


def test_delete_submitted_is_409_and_changes_nothing(w):
    a = submit_sheet(assign(w, w.entries[0], w.reviewers[0]), 80)
    version, before = a.version, event_count()
    resp = w.client.post(f"/admin/assignments/{w.comp.id}/{a.id}/delete")
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert 'data-code="locked"' in html and 'id="row-problem"' in html
    a = fresh(a.id)
    assert (a.status, a.version, len(a.values)) == ("submitted", version, 8)
    assert event_count() == before


def test_reopen_with_a_reason_returns_the_sheet_to_draft(w):
    a = submit_sheet(assign(w, w.entries[0], w.reviewers[0]), 80)
    values = full_values(a, 80)
    resp = w.client.post(
        f"/admin/assignments/{w.comp.id}/{a.id}/reopen",
        data={f"a{a.id}-reason": "The reviewer mistyped a score"},
    )
    assert resp.status_code == 302
    a = fresh(a.id)
    assert a.status == "draft" and a.submitted_at is None
    assert {v.criterion_code: int(v.value) for v in a.values} == values  # values kept
    (event,) = events("score.reopen")
    assert event.after["reason"] == "The reviewer mistyped a score"
    assert event.actor_id == w.admin.id and event.object == f"assignment:{a.id}"


@pytest.mark.parametrize("reason", ["", "   ", "typo"])
def test_reopen_without_a_reason_is_422_and_changes_nothing(w, reason):
    a = submit_sheet(assign(w, w.entries[0], w.reviewers[0]), 80)
    version, before = a.version, event_count()
    resp = w.client.post(
        f"/admin/assignments/{w.comp.id}/{a.id}/reopen", data={f"a{a.id}-reason": reason}
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "At least 5 characters." in html
    assert re.search(rf"<details open>\s*<summary>[^<]*</summary>\s*<form[^>]*{a.id}/reopen", html)
    a = fresh(a.id)
    assert (a.status, a.version) == ("submitted", version)
    assert event_count() == before
