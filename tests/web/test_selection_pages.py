"""The chair's ranking and selection pages: who sees what, the cut and its tie, overrides and
their justifications, finalising with the snapshot hash, and read-only final selections.

Every refused request is checked against the database afterwards: nothing may change.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from kipp.extensions import db
from kipp.models import AuditEvent, Selection
from tests.conftest import PASSWORD
from tests.services.judging_fixtures import finalised_shortlist, set_stage
from tests.services.test_api_ranking import add_sheet, scored_world
from tests.services.test_api_selections import counts

REASON = "Keterwakilan wilayah 3T dan replikasi yang kuat di Papua."


# ----------------------------------------------------------------- helpers
def login(app, user):
    """A fresh test client logged in as `user` (one client per person), in English."""
    client = app.test_client()
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    client.get("/lang/en")  # the session remembers the language
    return client


def shortlist_world(make, totals, size):
    w = scored_world(make, totals, shortlist_size=size, final_size=1)
    set_stage(w.comp, "shortlist")
    return w


def ranking_url(w, **args) -> str:
    qs = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/selection/{w.comp.id}/ranking" + (f"?{qs}" if qs else "")


def row_order(html: str) -> list[str]:
    """Entry rows and the cut line, in page order: ['row-3', 'cut', 'row-4', ...]."""
    found = re.findall(r'<tr (?:id="(row-\d+)"|class="cut-line")', html)
    return [f or "cut" for f in found]


def checked_ids(html: str) -> set[int]:
    boxes = re.findall(r'<input type="checkbox" name="entry_ids" value="(\d+)"[^>]*>', html)
    tags = re.findall(r'<input type="checkbox" name="entry_ids" value="\d+"[^>]*>', html)
    return {int(v) for v, tag in zip(boxes, tags, strict=True) if re.search(r"\schecked", tag)}


def row_html(html: str, entry_id: int) -> str:
    start = html.index(f'<tr id="row-{entry_id}"')
    return html[start : html.index("</tr>", start)]


def propose(client, w, entry_ids=(), round_="evaluation", **extra):
    data = {"round": round_, "entry_ids": [str(e) for e in entry_ids], **extra}
    return client.post(f"/selection/{w.comp.id}/propose", data=data)


def fresh(selection_id: int) -> Selection:
    db.session.expire_all()
    return db.session.get(Selection, selection_id)


# ----------------------------------------------------------------- access
def test_index_lists_competitions_for_readers_only(app, make, client):
    w = shortlist_world(make, [[90, 90], [80, 80]], size=1)
    for user in (w.admin, w.chair, w.panel[0]):
        page = login(app, user).get("/selection/")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert w.comp.name in html and "Shortlist" in html
        assert f"/selection/{w.comp.id}/ranking?round=evaluation" in html
        assert f"/selection/{w.comp.id}/ranking?round=panel" not in html  # no panel yet
    assert "Waiting for your selection" in login(app, w.chair).get("/selection/").text
    assert client.get("/selection/").status_code == 302  # anonymous → login
    for user in (w.reviewers[0], w.owners[0]):
        assert login(app, user).get("/selection/").status_code == 403


def test_evaluators_and_agencies_get_403_everywhere(app, make):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70]], size=2)
    sel_id = propose(login(app, w.chair), w, [w.entries[0].id, w.entries[1].id]).location
    sel_id = int(sel_id.rsplit("/", 1)[1])
    before = counts()
    for user in (w.reviewers[0], w.owners[0]):
        c = login(app, user)
        assert c.get(ranking_url(w)).status_code == 403
        assert c.get(ranking_url(w, method="zscore")).status_code == 403
        assert c.get(f"/selection/proposals/{sel_id}").status_code == 403
        assert propose(c, w, [w.entries[0].id, w.entries[1].id]).status_code == 403
        fin = c.post(f"/selection/proposals/{sel_id}/finalize", data={"confirm": "y"})
        assert fin.status_code == 403
    assert counts() == before
    assert fresh(sel_id).status == "proposed"


def test_unknown_things_are_404(app, make):
    w = shortlist_world(make, [[90, 90]], size=1)
    c = login(app, w.chair)
    assert c.get("/selection/424242/ranking").status_code == 404
    assert c.get(ranking_url(w, round="semifinal")).status_code == 404
    assert c.get(ranking_url(w, method="median")).status_code == 404
    assert c.get("/selection/proposals/424242").status_code == 404
    assert c.post("/selection/proposals/424242/finalize", data={"confirm": "y"}).status_code == 404
    assert c.post("/selection/424242/propose", data={"round": "evaluation"}).status_code == 404
    assert counts()[0] == 0


# ----------------------------------------------------------------- the ranking table
def test_ranking_shows_the_cut_line_and_flags_read_only_for_admin(app, make):
    w = scored_world(
        make, [[90, 88], [80, 70], [85, 65], [60, None], [None, None]], shortlist_size=3
    )
    e = [x.id for x in w.entries]
    resp = login(app, w.admin).get(ranking_url(w))
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert row_order(html) == [f"row-{e[0]}", f"row-{e[1]}", f"row-{e[2]}", "cut", f"row-{e[3]}"]
    assert "High disagreement" in row_html(html, e[2])  # spread 20.00
    assert "Missing sheets" in row_html(html, e[3])
    assert "High disagreement" not in row_html(html, e[1])
    assert 'class="spread high"' in row_html(html, e[2])
    assert "75.00" in row_html(html, e[1]) and "89.00" in row_html(html, e[0])
    assert w.entries[4].title in html.split("Not ranked yet", 1)[1]  # unscored, listed apart
    assert 'name="entry_ids"' not in html and "selection-form" not in html  # read-only
    assert "Read-only" in html


def test_tie_at_the_cut_is_highlighted_and_left_to_the_chair(app, make):
    w = shortlist_world(make, [[90, 90], [80, 80], [79, 81], [82, 78], [60, 60]], size=2)
    e = [x.id for x in w.entries]
    html = login(app, w.chair).get(ranking_url(w)).get_data(as_text=True)
    assert "Decide the tie: choose 1 of these 3 entries." in html
    for tied in e[1:4]:
        assert 'class="tied' in row_html(html, tied) and "Tie at the cut" in row_html(html, tied)
    assert 'class="tied' not in row_html(html, e[0])
    assert checked_ids(html) == {e[0]}  # above the tie; the tied ones are the chair's call
    assert re.search(r'id="selected-count"[^>]*>1</span>\s*/ <span id="selected-target">2<', html)
    assert row_order(html).index("cut") == 2  # drawn after place 2, inside the tie


def test_zscore_toggle_shows_reviewer_statistics(app, make):
    # Reviewer 2 scores some 50 points below the two others on every entry: it deviates.
    w = shortlist_world(make, [[90, 88, 40], [85, 84, 35], [80, 82, 30]], size=2)
    harsh, fair = w.reviewers[2], w.reviewers[0]
    c = login(app, w.chair)
    html = c.get(ranking_url(w, method="zscore")).get_data(as_text=True)
    assert re.search(r'method=zscore"\s*aria-current="page"', html)
    stats = html.split('id="reviewer-stats"', 1)[1].split("</table>", 1)[0]
    harsh_row = stats.split(f'data-reviewer="{harsh.id}"', 1)[1].split("</tr>", 1)[0]
    assert harsh.name in harsh_row and "35.00" in harsh_row and "Deviates" in harsh_row
    fair_row = stats.split(f'data-reviewer="{fair.id}"', 1)[1].split("</tr>", 1)[0]
    assert fair.name in fair_row and "85.00" in fair_row and "Deviates" not in fair_row
    assert "selection-form" not in html  # selections are made on the raw mean
    assert "Switch to the raw ranking to select" in html
    raw = c.get(ranking_url(w)).get_data(as_text=True)
    assert "reviewer-stats" not in raw and "selection-form" in raw


def test_distribution_panel_counts_the_preselection_against_all_ranked(app, make):
    w = shortlist_world(make, [[70, 70], [60, 60]], size=1)
    papua = make.agency("Kabupaten Nduga", province="Papua Pegunungan", is_3t=True)
    extra = make.entry(w.comp, make.user("agency", agency=papua), status="eligible")
    add_sheet(w.comp, extra, w.reviewers[0], 95)
    db.session.commit()
    html = login(app, w.chair).get(ranking_url(w)).get_data(as_text=True)
    assert 'data-d-island_group="papua"' in row_html(html, extra.id)
    panel = html.split('id="distribution"', 1)[1]
    islands = panel.split('data-dim="island_group"', 1)[1].split("</table>", 1)[0]
    papua_row = islands.split('data-key="papua"', 1)[1].split("</tr>", 1)[0]
    jawa_row = islands.split('data-key="jawa"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="sel-n">1</span> (<span class="sel-pct">100.0</span>%)' in papua_row
    assert "1 (33.3%)" in papua_row
    assert '<span class="sel-n">0</span>' in jawa_row and "2 (66.7%)" in jawa_row
    three_t = panel.split('data-dim="is_3t"', 1)[1].split("</table>", 1)[0]
    assert '<tr data-key="3t">' in three_t


# ----------------------------------------------------------------- proposing
def test_chair_proposes_the_preselected_top_n(app, make):
    w = shortlist_world(make, [[90, 90], [70, 70], [80, 80], [60, 60]], size=2)
    e = [x.id for x in w.entries]
    c = login(app, w.chair)
    html = c.get(ranking_url(w)).get_data(as_text=True)
    assert checked_ids(html) == {e[0], e[2]}
    resp = propose(c, w, sorted(checked_ids(html)))
    assert resp.status_code == 302
    sel = db.session.scalar(select(Selection))
    assert resp.location.endswith(f"/selection/proposals/{sel.id}")
    assert (sel.status, sel.tier, sel.created_by_id) == ("proposed", "shortlist", w.chair.id)
    assert [(se.entry_id, se.place, se.rank) for se in sel.entries] == [(e[0], 1, 1), (e[2], 2, 2)]
    page = c.get(resp.location).get_data(as_text=True)
    assert "What will be frozen" in page and 'id="finalize-form"' in page
    assert "Signifikansi" in page and ">30<" in page  # criteria and weights
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "selection.propose"))


def test_tie_at_the_cut_refuses_and_shows_the_tied_entries(app, make):
    w = shortlist_world(make, [[90, 90], [80, 80], [79, 81], [82, 78], [60, 60]], size=2)
    e = [x.id for x in w.entries]
    c = login(app, w.chair)
    before = counts()
    resp = propose(c, w, [e[0]], action="top")  # "the top 2 as ranked" splits the tie
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    dialog = html.split('id="tie-dialog"', 1)[1].split("</div>", 1)[0]
    assert "nothing was proposed" in dialog and "1 place is left" in dialog
    assert [int(i) for i in re.findall(r'href="#row-(\d+)"', dialog)] == e[1:4]
    assert checked_ids(html) == {e[0]}
    # Submitting the preselection without deciding the tie is refused too.
    short = propose(c, w, [e[0]])
    assert short.status_code == 422 and "Choose exactly 2 entries" in short.get_data(True)
    assert counts() == before
    # Deciding it needs no justification: equal scores.
    assert propose(c, w, [e[0], e[3]]).status_code == 302
    assert [se.entry_id for se in db.session.scalar(select(Selection)).entries] == [e[0], e[3]]


def test_override_without_justification_keeps_the_checks_and_creates_nothing(app, make):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70], [60, 60]], size=2)
    e = [x.id for x in w.entries]
    c = login(app, w.chair)
    before = counts()
    resp = propose(
        c,
        w,
        [e[0], e[3]],
        **{f"justification-{e[3]}": "terlalu pendek", f"justification-{e[2]}": "draf lain"},
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert counts() == before
    assert checked_ids(html) == {e[0], e[3]}
    box = html.split(f'id="justify-{e[3]}"', 1)[1].split("</tr>", 1)[0]
    assert "hidden" not in box.split(">", 1)[0]
    assert 'aria-invalid="true"' in box and "at least 20" in box
    assert ">terlalu pendek</textarea>" in box
    # Text typed under an entry the chair has unchecked is kept on the page (not recorded).
    assert ">draf lain</textarea>" in html.split(f'id="justify-{e[2]}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="override"' in row_html(html, e[3])
    assert 'class=""' in row_html(html, e[2])


def test_override_with_justification_is_recorded_and_shown(app, make):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70]], size=2)
    e = [x.id for x in w.entries]
    c = login(app, w.chair)
    resp = propose(
        c, w, [e[0], e[2]], **{f"justification-{e[2]}": REASON, f"justification-{e[1]}": "lupa"}
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    sel = db.session.scalar(select(Selection))
    assert {se.entry_id: se.justification for se in sel.entries} == {e[0]: None, e[2]: REASON}
    page = c.get(resp.location).get_data(as_text=True)
    row = page.split(f'<tr data-entry="{e[2]}">', 1)[1].split("</tr>", 1)[0]
    assert REASON in row and ">3<" in row  # rank 3, taken over rank 2


def test_panelists_and_admin_read_but_cannot_propose_or_finalise(app, make):
    w = shortlist_world(make, [[90, 90], [80, 80]], size=1)
    e = [x.id for x in w.entries]
    sel_id = int(propose(login(app, w.chair), w, [e[0]]).location.rsplit("/", 1)[1])
    before = counts()
    for user in (w.panel[0], w.admin):
        c = login(app, user)
        html = c.get(ranking_url(w)).get_data(as_text=True)
        assert "selection-form" not in html and w.entries[0].title in html
        page = c.get(f"/selection/proposals/{sel_id}")
        assert page.status_code == 200 and "finalize-form" not in page.get_data(True)
        assert propose(c, w, [e[0]]).status_code == 403
        fin = c.post(f"/selection/proposals/{sel_id}/finalize", data={"confirm": "y"})
        assert fin.status_code == 403
    assert counts() == before
    assert fresh(sel_id).status == "proposed"


def test_chair_outside_the_selection_stage_reads_only(app, make):
    w = scored_world(make, [[90, 90], [80, 80]], shortlist_size=1, final_size=1)
    c = login(app, w.chair)
    html = c.get(ranking_url(w)).get_data(as_text=True)
    assert "selection-form" not in html and "is chosen in stage Shortlist" in html
    resp = propose(c, w, [w.entries[0].id])
    assert resp.status_code == 409 and "stage" in resp.get_data(as_text=True)
    assert counts()[0] == 0


# ----------------------------------------------------------------- finalising
def proposed(app, w, entry_ids, **texts):
    c = login(app, w.chair)
    resp = propose(c, w, entry_ids, **texts)
    assert resp.status_code == 302
    return c, int(resp.location.rsplit("/", 1)[1])


def test_finalise_needs_the_confirmation(app, make):
    w = shortlist_world(make, [[90, 90], [80, 80]], size=1)
    c, sel_id = proposed(app, w, [w.entries[0].id])
    before = counts()
    resp = c.post(f"/selection/proposals/{sel_id}/finalize", data={})
    assert resp.status_code == 422 and "Tick the box to confirm." in resp.get_data(True)
    assert counts() == before and fresh(sel_id).status == "proposed"


def test_finalise_shows_the_hash_stored_in_the_database(app, make):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70]], size=2)
    e = [x.id for x in w.entries]
    c, sel_id = proposed(app, w, [e[0], e[2]], **{f"justification-{e[2]}": REASON})
    resp = c.post(f"/selection/proposals/{sel_id}/finalize", data={"confirm": "y"})
    assert resp.status_code == 302 and resp.location.endswith(f"/selection/proposals/{sel_id}")
    sel = fresh(sel_id)
    assert sel.status == "final" and len(sel.snapshot_sha256) == 64
    html = c.get(resp.location).get_data(as_text=True)
    shown = re.search(r'id="snapshot-sha256">([0-9a-f]+)<', html).group(1)
    assert shown == sel.snapshot_sha256
    assert 'id="selection-status">final<' in html
    download = c.get(f"/selection/proposals/{sel_id}/snapshot.json")
    assert hashlib.sha256(download.data).hexdigest() == sel.snapshot_sha256
    assert download.get_json()["justifications"] == {str(e[2]): REASON}


def test_final_selection_is_read_only_for_ever(app, make):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70]], size=2)
    e = [x.id for x in w.entries]
    c, sel_id = proposed(app, w, [e[0], e[2]], **{f"justification-{e[2]}": REASON})
    _c, other_id = proposed(app, w, [e[0], e[1]])
    assert (
        c.post(f"/selection/proposals/{sel_id}/finalize", data={"confirm": "y"}).status_code == 302
    )
    digest = fresh(sel_id).snapshot_sha256
    before = counts()
    page = c.get(f"/selection/proposals/{sel_id}").get_data(as_text=True)
    assert "finalize-form" not in page and digest in page and REASON in page
    again = c.post(f"/selection/proposals/{sel_id}/finalize", data={"confirm": "y"})
    assert again.status_code == 409 and "Locked." in again.get_data(as_text=True)
    assert (
        c.post(f"/selection/proposals/{other_id}/finalize", data={"confirm": "y"}).status_code
        == 409
    )
    other = c.get(f"/selection/proposals/{other_id}").get_data(as_text=True)
    assert "can no longer be finalised" in other and "finalize-form" not in other
    ranking = c.get(ranking_url(w)).get_data(as_text=True)
    assert "selection-form" not in ranking and "is final and can no longer change" in ranking
    assert 'Final selection: <strong id="dist-selected-total">2<' in ranking
    assert propose(c, w, [e[0], e[1]]).status_code == 409
    assert counts() == before
    assert (fresh(sel_id).snapshot_sha256, fresh(other_id).status) == (digest, "proposed")


def test_stale_proposal_says_propose_again(app, make):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70]], size=2)
    c, sel_id = proposed(app, w, [w.entries[0].id, w.entries[1].id])
    add_sheet(w.comp, w.entries[2], make.user("evaluator"), 100)  # entry 3 now ties at 80.00
    db.session.commit()
    before = counts()
    resp = c.post(f"/selection/proposals/{sel_id}/finalize", data={"confirm": "y"})
    assert resp.status_code == 409
    assert "The ranking changed since this proposal: propose again." in resp.get_data(True)
    assert counts() == before and fresh(sel_id).status == "proposed"


@pytest.mark.parametrize("method", ["mean", "zscore"])
def test_final_tier_is_chosen_on_the_panel_ranking(app, make, method):
    w = scored_world(make, [[95, 95], [90, 90], [85, 85], [50, 50]], shortlist_size=3, final_size=1)
    panelist, chair = w.panel
    finalised_shortlist(w.comp, w.entries[:3], chair)
    set_stage(w.comp, "panel")
    for entry, total in ((w.entries[0], 70), (w.entries[1], 75), (w.entries[2], 88)):
        add_sheet(w.comp, entry, panelist, total, "panel")
    db.session.commit()
    set_stage(w.comp, "final")
    c = login(app, chair)
    html = c.get(ranking_url(w, round="panel", method=method)).get_data(as_text=True)
    assert w.entries[3].title not in html  # not shortlisted: not in the panel's pool
    if method == "zscore":
        assert "selection-form" not in html
        return
    assert checked_ids(html) == {w.entries[2].id}
    resp = propose(c, w, [w.entries[2].id], round_="panel")
    assert resp.status_code == 302
    sel = db.session.scalar(select(Selection).where(Selection.tier == "final"))
    assert [se.entry_id for se in sel.entries] == [w.entries[2].id]
    page = c.get(resp.location).get_data(as_text=True)
    assert "The finalised shortlist" in page and "Final tier" in page
