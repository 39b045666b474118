"""The reviewer's pages: my assignments (progress, filters, own rows only) and the scoring page
(save draft, invalid values kept, incomplete submit, read-only after submit, stage and lock)."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import event, func, select

from kipp.entries.services import add_attachment
from kipp.extensions import db
from kipp.models import Assignment, AuditEvent, ScoreValue
from tests.helpers import pdf_bytes
from tests.services.judging_fixtures import (
    assign,
    evaluation_setup,
    finalised_shortlist,
    full_values,
    reload,
    save_draft,
    set_stage,
    submit_sheet,
)


def html(resp) -> str:
    return unescape(resp.get_data(as_text=True))


def sheet_state(assignment_id: int):
    """What a refused request must not change: the sheet, its values and the audit chain."""
    a = reload(Assignment, assignment_id)
    values = dict(
        db.session.execute(
            select(ScoreValue.criterion_code, ScoreValue.value).where(
                ScoreValue.assignment_id == assignment_id
            )
        ).all()
    )
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    return a.status, a.version, a.total, a.comment, values, events


def form_data(a: Assignment, values: dict, comment: str = "", **extra) -> dict:
    data = {f"score_{code}": str(v) for code, v in values.items()}
    return data | {"comment": comment, "version": str(a.version)} | extra


@pytest.fixture
def web_login(web_login):
    """Log in and read the pages in English (the texts asserted here are the msgids)."""

    def login(user):
        client = web_login(user)
        client.get("/login?lang=en")
        return client

    return login


@pytest.fixture
def world(make):
    """An evaluation round: reviewer 0 holds entries 0–2, reviewer 1 holds entry 3."""
    w = evaluation_setup(make, n_entries=4, n_reviewers=2)
    w.mine = [assign(w, e, w.reviewers[0]) for e in w.entries[:3]]
    w.theirs = assign(w, w.entries[3], w.reviewers[1])
    return w


# ----------------------------------------------------------------- my assignments
def test_list_shows_only_own_assignments_with_agency_and_progress(world, web_login):
    submit_sheet(world.mine[0], 80)
    save_draft(world.mine[1], {"kebaruan": 70})
    client = web_login(world.reviewers[0])
    resp = client.get("/panel/")
    assert resp.status_code == 200
    page = html(resp)
    for a in world.mine:
        assert a.entry.title in page
        assert a.entry.agency.name in page
        assert f'href="/panel/assignments/{a.id}"' in page
    assert world.theirs.entry.title not in page
    assert "1 of 3 submitted" in page
    assert 'aria-valuenow="1"' in page and 'aria-valuemax="3"' in page
    assert "1 dari 3 terkirim" in html(client.get("/panel/?lang=id"))


def test_list_filters_by_status(world, web_login):
    submit_sheet(world.mine[0], 80)
    save_draft(world.mine[1], {"kebaruan": 70})
    client = web_login(world.reviewers[0])
    for status, shown in (("submitted", 0), ("draft", 1), ("pending", 2)):
        page = html(client.get(f"/panel/?status={status}"))
        rows = re.findall(r'<tr id="assignment-(\d+)" data-status="(\w+)"', page)
        assert rows == [(str(world.mine[shown].id), status)]
        assert "1 of 3 submitted" in page  # progress counts every sheet, not the filtered ones


def test_list_puts_open_rounds_first_and_counts_queries(make, world, web_login):
    """Rows of a closed competition come after the open one; the query count does not grow
    with the number of rows."""
    old = evaluation_setup(make, n_entries=2, n_reviewers=0)
    for e in old.entries:
        assign(old, e, world.reviewers[0])
    set_stage(old.comp, "shortlist")
    client = web_login(world.reviewers[0])
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = html(client.get("/panel/"))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert page.index(world.comp.name) < page.index(old.comp.name)
    assert "0 of 2 submitted" in page and "0 of 3 submitted" in page
    # (session user) + counts + competitions + rows with their entry and agency
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 4  # 5 rows in 2 rounds: one query per row would exceed this


@pytest.mark.parametrize("role", ["admin", "agency"])
def test_non_reviewers_get_403(make, web_login, world, role):
    client = web_login(make.user(role))
    assert client.get("/panel/").status_code == 403
    assert client.get(f"/panel/assignments/{world.mine[0].id}").status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    resp = client.get("/panel/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_conflicted_reviewer_is_never_assigned(make, web_login):
    """A reviewer from an entry's agency never sees it: assignment refuses the pair."""
    from kipp.errors import ConflictOfInterest

    w = evaluation_setup(make, n_entries=1, n_reviewers=0)
    insider = make.user("evaluator", agency=w.entries[0].agency)
    with pytest.raises(ConflictOfInterest):
        assign(w, w.entries[0], insider)
    db.session.rollback()
    page = html(web_login(insider).get("/panel/"))
    assert w.entries[0].title not in page
    assert "no assignments yet" in page


# ----------------------------------------------------------------- scoring page
def test_scoring_page_shows_proposal_and_one_input_per_criterion(world, web_login):
    a = world.mine[0]
    client = web_login(world.reviewers[0])
    page = html(client.get(f"/panel/assignments/{a.id}"))
    entry = a.entry
    assert entry.title in page and entry.agency.name in page and entry.summary in page
    for c in world.comp.round_criteria("evaluation"):
        assert entry.answers[c.code] in page
        assert re.search(
            rf'<input type="number" id="score_{c.code}" name="score_{c.code}" value=""\s+'
            r'step="0.01" min="0" max="100"',
            page,
        )
        assert f'data-weight="{c.weight}"' in page
    assert f'formaction="/panel/assignments/{a.id}/submit"' in page
    assert f'data-api-url="/api/v1/assignments/{a.id}/score"' in page
    # previous/next among the reviewer's own assignments of the round
    assert f'href="/panel/assignments/{world.mine[1].id}" rel="next"' in page
    assert 'rel="prev"' not in page
    assert f"/panel/assignments/{world.theirs.id}" not in page


def test_another_reviewers_assignment_is_404(world, web_login):
    client = web_login(world.reviewers[0])
    a = world.theirs
    before = sheet_state(a.id)
    assert client.get(f"/panel/assignments/{a.id}").status_code == 404
    data = form_data(a, full_values(a, 90), confirm="y")
    assert client.post(f"/panel/assignments/{a.id}", data=data).status_code == 404
    assert client.post(f"/panel/assignments/{a.id}/submit", data=data).status_code == 404
    assert client.get("/panel/assignments/999999").status_code == 404
    assert sheet_state(a.id) == before


def test_save_draft_stores_values_and_total(world, web_login):
    a = world.mine[0]
    client = web_login(world.reviewers[0])
    values = {"signifikansi": "90", "adaptabilitas": "85.5"}  # weights 30 and 20
    resp = client.post(f"/panel/assignments/{a.id}", data=form_data(a, values, "Bagus.\r\nSekali"))
    assert resp.status_code == 302 and resp.headers["Location"] == f"/panel/assignments/{a.id}"
    _, version, total, comment, stored, _ = sheet_state(a.id)
    assert stored == {"signifikansi": Decimal("90.00"), "adaptabilitas": Decimal("85.50")}
    assert total == Decimal("44.10")  # 90×30/100 + 85.5×20/100
    assert comment == "Bagus.\nSekali" and version == 2
    page = html(client.get(resp.headers["Location"]))
    assert 'value="85.50"' in page and "44.10" in page and "Draft saved." in page


def test_decimal_comma_is_read_as_a_point(world, web_login):
    a = world.mine[0]
    client = web_login(world.reviewers[0])
    resp = client.post(f"/panel/assignments/{a.id}", data=form_data(a, {"kebaruan": "77,25"}))
    assert resp.status_code == 302
    assert sheet_state(a.id)[4] == {"kebaruan": Decimal("77.25")}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("101", "between 0 and 100"),
        ("85.123", "at most 2 decimals"),
        ("sangat baik", "must be a number"),
    ],
)
def test_invalid_value_is_refused_and_kept(world, web_login, bad, message):
    a = save_draft(world.mine[0], {"kebaruan": 60})
    client = web_login(world.reviewers[0])
    before = sheet_state(a.id)
    data = form_data(a, {"signifikansi": bad, "kebaruan": "75"}, "Catatan saya")
    resp = client.post(f"/panel/assignments/{a.id}", data=data)
    assert resp.status_code == 422
    page = html(resp)
    assert f'value="{bad}"' in page and 'value="75"' in page and "Catatan saya" in page
    assert message in page
    assert re.search(r'id="score_signifikansi"[^>]*aria-invalid="true"', page)
    assert sheet_state(a.id) == before


def test_submit_incomplete_names_the_missing_criteria(world, web_login):
    a = world.mine[0]
    values = full_values(a, 80)
    del values["kebaruan"], values["implementasi"]
    save_draft(a, values)
    client = web_login(world.reviewers[0])
    before = sheet_state(a.id)
    resp = client.post(f"/panel/assignments/{a.id}/submit", data=form_data(a, values, confirm="y"))
    assert resp.status_code == 422
    page = html(resp)
    missing = re.search(r'<ul id="missing-criteria">(.*?)</ul>', page, re.S).group(1)
    names = {c.code: c.name for c in world.comp.round_criteria("evaluation")}
    assert names["kebaruan"] in missing and names["implementasi"] in missing
    assert names["signifikansi"] not in missing
    assert sheet_state(a.id) == before


def test_submit_needs_the_confirmation_box(world, web_login):
    a = save_draft(world.mine[0], full_values(world.mine[0], 80))
    client = web_login(world.reviewers[0])
    before = sheet_state(a.id)
    resp = client.post(f"/panel/assignments/{a.id}/submit", data=form_data(a, full_values(a, 80)))
    assert resp.status_code == 422
    assert "I have checked my scores" in html(resp)
    assert sheet_state(a.id) == before


def test_submit_with_unsaved_changes_keeps_them_and_changes_nothing(world, web_login):
    a = save_draft(world.mine[0], full_values(world.mine[0], 80))
    client = web_login(world.reviewers[0])
    before = sheet_state(a.id)
    data = form_data(a, full_values(a, 80) | {"kebaruan": "95"}, confirm="y")
    resp = client.post(f"/panel/assignments/{a.id}/submit", data=data)
    assert resp.status_code == 409
    assert 'value="95"' in html(resp) and "not saved yet" in html(resp)
    assert sheet_state(a.id) == before


def test_submit_complete_then_read_only_and_locked(world, web_login):
    a = world.mine[0]
    client = web_login(world.reviewers[0])
    data = form_data(a, full_values(a, "82.5"), "Layak.")
    assert client.post(f"/panel/assignments/{a.id}", data=data).status_code == 302
    data = form_data(reload(Assignment, a.id), full_values(a, "82.50"), "Layak.", confirm="y")
    resp = client.post(f"/panel/assignments/{a.id}/submit", data=data)
    assert resp.status_code == 302
    status, _, total, _, _, _ = sheet_state(a.id)
    assert (status, total) == ("submitted", Decimal("82.50"))
    resp = client.get(f"/panel/assignments/{a.id}")
    assert resp.status_code == 200
    page = html(resp)
    assert 'id="score-form"' not in page and "<input" not in page.split("</header>", 1)[1]
    assert re.search(r'id="sheet-total">82.50<', page) and "Submitted on" in page
    assert "Layak." in page
    # Writes after submit: 409, nothing changes.
    before = sheet_state(a.id)
    resp = client.post(f"/panel/assignments/{a.id}", data=form_data(a, full_values(a, 10)))
    assert resp.status_code == 409 and "submitted" in html(resp)
    resp = client.post(f"/panel/assignments/{a.id}/submit", data={"confirm": "y"})
    assert resp.status_code == 409
    assert sheet_state(a.id) == before


def test_stale_version_is_refused_with_typed_values_kept(world, web_login):
    a = world.mine[0]
    client = web_login(world.reviewers[0])
    data = form_data(a, {"kebaruan": "61"})
    save_draft(a, {"kebaruan": 50})  # saved elsewhere after the page was opened
    before = sheet_state(a.id)
    resp = client.post(f"/panel/assignments/{a.id}", data=data)
    assert resp.status_code == 409
    assert 'value="61"' in html(resp) and "saved elsewhere" in html(resp)
    assert sheet_state(a.id) == before


def test_wrong_stage_disables_the_form_and_refuses_writes(world, web_login):
    a = save_draft(world.mine[0], {"kebaruan": 70})
    set_stage(world.comp, "shortlist")
    client = web_login(world.reviewers[0])
    page = html(client.get(f"/panel/assignments/{a.id}"))
    assert 'id="stage-notice"' in page
    assert re.search(r"<fieldset disabled", page)
    before = sheet_state(a.id)
    resp = client.post(f"/panel/assignments/{a.id}", data=form_data(a, {"kebaruan": "90"}))
    assert resp.status_code == 409
    assert "only open in the evaluation stage" in html(resp) and 'value="90"' in html(resp)
    resp = client.post(
        f"/panel/assignments/{a.id}/submit",
        data=form_data(a, full_values(a, 80), confirm="y"),
    )
    assert resp.status_code == 409
    assert sheet_state(a.id) == before


def test_chair_scores_the_panel_round(make, web_login):
    """The chair, as a panelist, scores the panel criteria of a shortlisted entry."""
    w = evaluation_setup(make, n_entries=2, n_reviewers=0, n_panelists=1)
    finalised_shortlist(w.comp, w.entries, w.chair)
    set_stage(w.comp, "panel")
    a = assign(w, w.entries[0], w.chair, "panel")
    client = web_login(w.chair)
    assert w.entries[0].title in html(client.get("/panel/"))
    codes = [c.code for c in w.comp.round_criteria("panel")]
    page = html(client.get(f"/panel/assignments/{a.id}"))
    assert codes and all(f'name="score_{c}"' in page for c in codes)
    resp = client.post(f"/panel/assignments/{a.id}", data=form_data(a, dict.fromkeys(codes, 90)))
    assert resp.status_code == 302
    assert reload(Assignment, a.id).total == Decimal("90.00")


def test_attachments_link_to_the_api_and_the_reviewer_may_download(make, web_login):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1, stage="submission")
    entry = w.entries[0]
    entry.status = "draft"
    db.session.commit()
    att = add_attachment(w.owners[0], entry, "decree", "sk-inovator.pdf", pdf_bytes(), 2**20)
    entry.status = "eligible"
    db.session.commit()
    set_stage(w.comp, "evaluation")
    a = assign(w, entry, w.reviewers[0])
    client = web_login(w.reviewers[0])
    page = html(client.get(f"/panel/assignments/{a.id}"))
    assert f'<a href="/api/v1/attachments/{att.id}">sk-inovator.pdf</a>' in page
    with client.get(f"/api/v1/attachments/{att.id}") as resp:
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
