"""`assignment` mails: one per reviewer per assignment action, listing its new entries."""

from __future__ import annotations

from kipp.extensions import db
from kipp.models import Entry
from tests.helpers import assert_problem
from tests.notices.mails import BASE, mails, set_locale
from tests.services.judging_fixtures import evaluation_setup, finalised_shortlist


def auto(client, comp, round_="evaluation", **body):
    return client.post(
        f"/api/v1/competitions/{comp.id}/assignments/auto", json={"round": round_} | body
    )


def manual(client, entry, reviewer, round_="evaluation"):
    return client.post(
        "/api/v1/assignments", json={"entry_id": entry.id, "user_id": reviewer.id, "round": round_}
    )


def test_manual_assignment_mails_the_reviewer_in_their_language(make, api):
    w = evaluation_setup(make, n_entries=2, n_reviewers=2)
    english = set_locale(w.reviewers[0], "en")
    resp = manual(api(w.admin), w.entries[0], english)
    assert resp.status_code == 201, resp.get_json()
    resp = manual(api(w.admin), w.entries[1], w.reviewers[1])
    assert resp.status_code == 201, resp.get_json()

    first, second = mails("assignment")
    assert (first.to, first.user_id, first.language) == (english.email, english.id, "en")
    assert first.subject.startswith("KIPP: 1 new entry to review")
    assert "Desk evaluation" in first.subject
    entry = w.entries[0]
    assert f"Proposal #{entry.id}: {entry.title}" in first.text_body
    assert w.entries[1].title not in first.text_body
    assert f"{BASE}/panel/" in first.text_body
    assert f'href="{BASE}/panel/"' in first.html_body
    assert w.comp.name in first.text_body and english.name in first.text_body
    # No locale: the app's default language (Indonesian).
    assert (second.user_id, second.language) == (w.reviewers[1].id, "id")
    assert '<html lang="id">' in second.html_body


def test_refused_assignment_mails_nobody(make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    assert manual(api(w.admin), w.entries[0], w.reviewers[0]).status_code == 201
    assert_problem(manual(api(w.admin), w.entries[0], w.reviewers[0]), 409)
    assert len(mails("assignment")) == 1


def test_auto_assign_mails_each_reviewer_once_with_only_their_new_entries(make, api):
    w = evaluation_setup(make, n_entries=5, n_reviewers=3)
    for reviewer in w.reviewers:
        set_locale(reviewer, "en")
    resp = auto(api(w.admin), w.comp)
    assert resp.status_code == 200, resp.get_json()
    got = mails("assignment")
    assert sorted(m.user_id for m in got) == sorted(r.id for r in w.reviewers)
    for mail in got:
        mine = {e.id for e in w.entries if any(a.user_id == mail.user_id for a in _assignments(e))}
        listed = {e.id for e in w.entries if f"Proposal #{e.id}:" in mail.text_body}
        assert listed == mine and mine
        assert f"{len(mine)} new entr" in mail.subject
        for owner in w.owners:  # the reviewer never learns the agency from the mail
            assert owner.agency.name not in mail.text_body + mail.html_body

    # A second action mails only the reviewers it gives entries, listing only those.
    late = make.entry(w.comp, w.owners[0], status="eligible", title="Inovasi Terlambat")
    resp = auto(api(w.admin), w.comp)
    assert resp.get_json()["created"] == 2
    new = mails("assignment")[len(got) :]
    assert len(new) == 2
    for mail in new:
        assert f"Proposal #{late.id}: Inovasi Terlambat" in mail.text_body
        assert all(f"Proposal #{e.id}:" not in mail.text_body for e in w.entries)


def test_auto_assign_creating_nothing_mails_nobody(make, api):
    w = evaluation_setup(make, n_entries=2, n_reviewers=2)
    assert auto(api(w.admin), w.comp).status_code == 200
    before = len(mails("assignment"))
    assert auto(api(w.admin), w.comp).get_json()["created"] == 0
    assert len(mails("assignment")) == before


def test_panel_assignment_mails_panelists_and_chair(make, api):
    w = evaluation_setup(make, n_entries=3, n_reviewers=0, n_panelists=2, stage="panel")
    finalised_shortlist(w.comp, w.entries[:2], w.chair)
    resp = auto(api(w.admin), w.comp, round_="panel")
    assert resp.status_code == 200, resp.get_json()
    got = mails("assignment")
    assert sorted(m.user_id for m in got) == sorted(p.id for p in w.panel)
    for mail in got:
        assert "Putaran panel" in mail.subject  # the round in Indonesian (no locale)
        assert f"Usulan #{w.entries[2].id}:" not in mail.text_body
        assert all(f"Usulan #{e.id}:" in mail.text_body for e in w.entries[:2])


def _assignments(entry: Entry):
    db.session.refresh(entry)
    from kipp.models import Assignment

    return db.session.scalars(db.select(Assignment).where(Assignment.entry_id == entry.id))
