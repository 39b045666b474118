"""The secretariat's screening queue: who may see it, what it lists, and what a decision does.

Every rejected request is checked against the database afterwards: nothing may change.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event, func, select

from kipp.entries import storage
from kipp.extensions import db
from kipp.models import Attachment, AuditEvent, Entry
from kipp.screening.queries import implementation_age


# ----------------------------------------------------------------- helpers
def fresh(entry_id: int) -> Entry:
    """The entry as the database has it now, not as this session remembers it."""
    db.session.expire_all()
    return db.session.get(Entry, entry_id)


def screen_events(entry_id: int | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "entry.screen")
    if entry_id is not None:
        query = query.where(AuditEvent.object == f"entry:{entry_id}")
    return db.session.scalar(query)


def queue_url(comp, **args) -> str:
    qs = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/admin/screening/{comp.id}" + (f"?{qs}" if qs else "")


def entry_url(comp, entry, qs: str = "") -> str:
    return f"/admin/screening/{comp.id}/entries/{entry.id}" + (f"?{qs}" if qs else "")


def listed_ids(resp) -> list[int]:
    """Entry ids offered for selection in the queue table, in page order."""
    return [int(i) for i in re.findall(r'name="entry_ids" value="(\d+)"', resp.get_data(True))]


@pytest.fixture
def world(make, web_login):
    """An admin logged in, an agency user and a competition in stage screening."""
    admin = make.admin()
    agency_user = make.user("agency")
    comp = make.competition(stage="screening")
    client = web_login(admin)
    return {"admin": admin, "agency_user": agency_user, "comp": comp, "client": client}


# ----------------------------------------------------------------- access
def test_only_admins_reach_the_screening_pages(make, client, web_login):
    comp = make.competition(stage="screening")
    agency_user = make.user("agency")
    entry = make.entry(comp, agency_user, status="submitted")
    urls = [queue_url(comp), entry_url(comp, entry)]

    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]

    web_login(agency_user)
    for url in urls:
        assert client.get(url).status_code == 403
    resp = client.post(entry_url(comp, entry), data={"decision": "pass"})
    assert resp.status_code == 403
    resp = client.post(
        f"/admin/screening/{comp.id}/bulk", data={"entry_ids": [entry.id], "decision": "pass"}
    )
    assert resp.status_code == 403
    assert fresh(entry.id).status == "submitted"
    assert screen_events() == 0


def test_entry_outside_the_queue_is_not_found(world, make):
    comp, client = world["comp"], world["client"]
    other = make.competition(stage="screening")
    theirs = make.entry(other, world["agency_user"], status="submitted")
    draft = make.entry(comp, world["agency_user"], status="draft")

    assert client.get(entry_url(comp, theirs)).status_code == 404
    assert client.get(entry_url(comp, draft)).status_code == 404
    assert client.get(f"/admin/screening/{comp.id}/entries/999999").status_code == 404
    assert client.get("/admin/screening/999999").status_code == 404
    resp = client.post(entry_url(comp, theirs), data={"decision": "pass"})
    assert resp.status_code == 404
    assert fresh(theirs.id).status == "submitted"
    assert screen_events() == 0


# ----------------------------------------------------------------- the queue
def test_queue_lists_unscreened_by_default_and_never_drafts(world, make):
    comp, client, user = world["comp"], world["client"], world["agency_user"]
    submitted = make.entry(comp, user, status="submitted", title="Layanan Satu Pintu")
    eligible = make.entry(comp, user, status="eligible", title="Posyandu Digital")
    ineligible = make.entry(
        comp, user, status="ineligible", title="Sampah Jadi Emas", screening_reasons=["off_theme"]
    )
    draft = make.entry(comp, user, status="draft", title="Draf Rahasia")

    resp = client.get(queue_url(comp))
    assert resp.status_code == 200
    assert listed_ids(resp) == [submitted.id]
    assert "Draf Rahasia" not in resp.get_data(True)

    resp = client.get(queue_url(comp, status="all"))
    assert listed_ids(resp) == [submitted.id, eligible.id, ineligible.id]
    assert "Draf Rahasia" not in resp.get_data(True)
    assert draft.id not in listed_ids(resp)

    resp = client.get(queue_url(comp, status="ineligible", lang="en"))
    html = resp.get_data(True)
    assert listed_ids(resp) == [ineligible.id]
    assert "Off the competition&#39;s theme" in html  # reason shown in the chosen language
    # Counts per status ignore the status filter (one of each; drafts not counted).
    assert re.search(r"Unscreened\s*<span class=\"count\">\(1\)", html)
    assert re.search(r"All\s*<span class=\"count\">\(3\)", html)


def test_queue_filters_by_group_kind_province_and_title(world, make):
    comp, client = world["comp"], world["client"]
    city = make.user("agency", agency=make.agency(kind="kota", province="Papua", is_3t=True))
    ministry = make.user("agency", agency=make.agency(kind="kementerian", province="DKI Jakarta"))
    a = make.entry(comp, city, status="submitted", title="Puskesmas Keliling 100%")
    b = make.entry(comp, city, status="submitted", group="replikasi", title="Sekolah Apung")
    c = make.entry(comp, ministry, status="submitted", title="Perizinan Kilat")

    assert listed_ids(client.get(queue_url(comp, group="replikasi"))) == [b.id]
    assert listed_ids(client.get(queue_url(comp, kind="kementerian"))) == [c.id]
    assert listed_ids(client.get(queue_url(comp, province="Papua"))) == [a.id, b.id]
    assert listed_ids(client.get(queue_url(comp, q="puskesmas"))) == [a.id]
    # LIKE wildcards in the search text are taken literally.
    assert listed_ids(client.get(queue_url(comp, q="100%25"))) == [a.id]
    assert listed_ids(client.get(queue_url(comp, q="%25"))) == [a.id]
    assert listed_ids(client.get(queue_url(comp, province="Papua", group="umum"))) == [a.id]
    # Filters combine with the status; an unknown status falls back to "unscreened".
    assert listed_ids(client.get(queue_url(comp, status="eligible", province="Papua"))) == []
    assert listed_ids(client.get(queue_url(comp, status="bogus"))) == [a.id, b.id, c.id]


def test_queue_pages_by_fifty(world, make):
    comp, client, user = world["comp"], world["client"], world["agency_user"]
    ids = [make.entry(comp, user, status="submitted").id for _ in range(53)]

    first = client.get(queue_url(comp))
    assert listed_ids(first) == ids[:50]
    assert "Page 1 of 2" in client.get(queue_url(comp, lang="en")).get_data(True)
    assert listed_ids(client.get(queue_url(comp, page=2))) == ids[50:]
    assert listed_ids(client.get(queue_url(comp, page=99))) == ids[50:]  # clamped


def test_queue_loads_agencies_in_the_same_query(world, make):
    """The number of statements does not grow with the rows shown (no N+1)."""
    comp, client = world["comp"], world["client"]
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    def render_with(n: int) -> int:
        for _ in range(n):
            make.entry(comp, make.user("agency"), status="submitted")
        db.session.expire_all()
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(queue_url(comp)).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    assert render_with(2) == render_with(6)


# ----------------------------------------------------------------- the preview
def test_preview_shows_the_whole_entry_and_reasons_in_the_locale(world, make):
    comp, client = world["comp"], world["client"]
    user = make.user("agency", agency=make.agency(name="Kota Sorong", kind="kota", is_3t=True))
    entry = make.entry(
        comp,
        user,
        status="submitted",
        title="Sorong Sehat",
        category="Kesehatan",
        summary="Ringkasan yang jelas.",
        started_on=date(2021, 3, 15),
        video_url="https://video.example/sorong",
    )
    stored, sha = storage.store(b"%PDF-1.4 surat keputusan")
    att = Attachment(
        entry_id=entry.id, kind="decree", filename="sk.pdf", stored_name=stored, size=24, sha256=sha
    )
    db.session.add(att)
    db.session.commit()

    resp = client.get(entry_url(comp, entry, "lang=en"))
    assert resp.status_code == 200
    html = resp.get_data(True)
    for text in ("Sorong Sehat", "Kota Sorong", "City government", "3T area", "Kesehatan"):
        assert text in html
    assert "Ringkasan yang jelas." in html
    for criterion in comp.round_criteria("evaluation"):
        assert criterion.name.replace("&", "&amp;") in html
        assert f"Jawaban lengkap untuk {criterion.name}.".replace("&", "&amp;") in html
    assert 'href="https://video.example/sorong"' in html
    years, months = implementation_age(date(2021, 3, 15), comp.submission_closes_at.date())
    assert f"{years} years" in html
    assert f'href="/api/v1/attachments/{att.id}"' in html
    assert "Implementation younger than the minimum age" in html
    # The download link works with the admin's browser session.
    download = client.get(f"/api/v1/attachments/{att.id}")
    try:
        assert download.status_code == 200 and download.data == b"%PDF-1.4 surat keputusan"
    finally:
        download.close()

    html_id = client.get(entry_url(comp, entry, "lang=id")).get_data(True)
    assert "Usia implementasi belum memenuhi syarat minimal" in html_id


def test_previous_and_next_stay_within_the_filter(world, make):
    comp, client, user = world["comp"], world["client"], world["agency_user"]
    first = make.entry(comp, user, status="submitted")
    make.entry(comp, user, status="submitted", group="replikasi")
    third = make.entry(comp, user, status="submitted")

    html = client.get(entry_url(comp, first, "group=umum")).get_data(True)
    assert f'/entries/{third.id}?status=submitted&amp;group=umum" rel="next"' in html
    assert 'rel="prev"' not in html
    html = client.get(entry_url(comp, third, "group=umum")).get_data(True)
    assert f'/entries/{first.id}?status=submitted&amp;group=umum" rel="prev"' in html
    assert 'rel="next"' not in html


# ----------------------------------------------------------------- one decision
def test_fail_without_a_reason_is_refused_and_keeps_the_input(world, make):
    comp, client = world["comp"], world["client"]
    entry = make.entry(comp, world["agency_user"], status="submitted")

    resp = client.post(
        entry_url(comp, entry, "lang=en"), data={"decision": "fail", "note": "Video 12 menit"}
    )
    assert resp.status_code == 422
    html = resp.get_data(True)
    assert "A failed entry needs at least one reason." in html
    assert "Video 12 menit" in html  # the note typed is still there
    assert re.search(r'value="fail"\s+id="decision-fail" checked', html)
    stored = fresh(entry.id)
    assert stored.status == "submitted"
    assert stored.screening_reasons is None and stored.screening_note is None
    assert screen_events() == 0


def test_pass_makes_the_entry_eligible_audits_it_and_moves_on(world, make):
    comp, client, admin = world["comp"], world["client"], world["admin"]
    first = make.entry(comp, world["agency_user"], status="submitted")
    second = make.entry(comp, world["agency_user"], status="submitted")

    # Reason boxes left ticked while passing are not recorded as reasons.
    resp = client.post(
        entry_url(comp, first), data={"decision": "pass", "reason_codes": ["off_theme"]}
    )
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(
        f"/admin/screening/{comp.id}/entries/{second.id}?status=submitted"
    )
    stored = fresh(first.id)
    assert stored.status == "eligible" and stored.screening_reasons == []
    assert stored.screened_by_id == admin.id and stored.screened_at is not None
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object == f"entry:{first.id}")
    ).one()
    assert audit.action == "entry.screen" and audit.actor == admin.email
    assert audit.competition_id == comp.id
    assert audit.before["status"] == "submitted" and audit.after["status"] == "eligible"
    assert fresh(second.id).status == "submitted"

    # The last entry of the view sends the admin back to the queue.
    resp = client.post(entry_url(comp, second), data={"decision": "pass"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/admin/screening/{comp.id}?status=submitted")


def test_fail_with_reasons_stores_them_and_the_agency_sees_the_decision(make, api, web_login):
    admin, agency_user = make.admin(), make.user("agency")
    comp = make.competition(stage="screening")
    entry = make.entry(comp, agency_user, status="submitted")
    agency_api = api(agency_user)  # a bearer token, taken before the admin logs in
    client = web_login(admin)

    resp = client.post(
        entry_url(comp, entry),
        data={
            "decision": "fail",
            "reason_codes": ["missing_documents", "implementation_too_young"],
            "note": "SK inovator tidak dilampirkan.",
        },
    )
    assert resp.status_code == 302
    stored = fresh(entry.id)
    assert stored.status == "ineligible"
    assert stored.screening_reasons == ["missing_documents", "implementation_too_young"]
    assert stored.screening_note == "SK inovator tidak dilampirkan."
    assert screen_events(entry.id) == 1

    # The preview now shows the current decision with its reasons (filter: ineligible).
    html = client.get(entry_url(comp, entry, "status=ineligible&lang=en")).get_data(True)
    assert "Current decision:" in html
    assert "Missing documents (decree on the innovator" in html
    assert "SK inovator tidak dilampirkan." in html

    resp = agency_api.get(f"/api/v1/entries/{entry.id}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "ineligible"
    assert body["screening"]["decision"] == "fail"
    assert body["screening"]["reason_codes"] == ["missing_documents", "implementation_too_young"]
    assert body["screening"]["note"] == "SK inovator tidak dilampirkan."


def test_decisions_outside_the_screening_stage_are_refused(make, web_login):
    admin, user = make.admin(), make.user("agency")
    comp = make.competition(stage="evaluation")
    entry = make.entry(comp, user, status="submitted")
    client = web_login(admin)

    resp = client.post(
        entry_url(comp, entry, "lang=en"),
        data={"decision": "fail", "reason_codes": ["off_theme"], "note": "catatan"},
    )
    assert resp.status_code == 409
    html = resp.get_data(True)
    assert "Screening is only possible in the screening stage." in html
    assert "catatan" in html
    resp = client.post(
        f"/admin/screening/{comp.id}/bulk", data={"entry_ids": [entry.id], "decision": "pass"}
    )
    assert resp.status_code == 409
    stored = fresh(entry.id)
    assert stored.status == "submitted" and stored.screening_reasons is None
    assert screen_events() == 0


# ----------------------------------------------------------------- bulk
def test_bulk_pass_marks_every_selected_entry(world, make):
    comp, client, user = world["comp"], world["client"], world["agency_user"]
    a, b, c = (make.entry(comp, user, status="submitted") for _ in range(3))

    resp = client.post(
        f"/admin/screening/{comp.id}/bulk?status=submitted",
        data={"entry_ids": [a.id, c.id], "decision": "pass"},
    )
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/admin/screening/{comp.id}?status=submitted")
    assert [fresh(e.id).status for e in (a, b, c)] == ["eligible", "submitted", "eligible"]
    assert screen_events(a.id) == screen_events(c.id) == 1 and screen_events(b.id) == 0


def test_bulk_is_all_or_nothing(world, make):
    comp, client, user = world["comp"], world["client"], world["agency_user"]
    good = make.entry(comp, user, status="submitted")
    draft = make.entry(comp, user, status="draft")
    foreign = make.entry(make.competition(stage="screening"), user, status="submitted")

    resp = client.post(
        f"/admin/screening/{comp.id}/bulk",
        data={"entry_ids": [good.id, draft.id], "decision": "pass"},
    )
    assert resp.status_code == 403  # the service refuses to screen a draft
    # The selection is kept for a second try.
    assert re.search(rf'value="{good.id}" id="pick-{good.id}"[^>]*checked', resp.get_data(True))

    resp = client.post(
        f"/admin/screening/{comp.id}/bulk",
        data={"entry_ids": [good.id, foreign.id], "decision": "pass"},
    )
    assert resp.status_code == 422

    resp = client.post(f"/admin/screening/{comp.id}/bulk", data={"decision": "pass"})
    assert resp.status_code == 422

    assert [fresh(e.id).status for e in (good, draft, foreign)] == [
        "submitted",
        "draft",
        "submitted",
    ]
    assert screen_events() == 0


def test_bulk_fail_needs_reasons_then_stores_them(world, make):
    comp, client, user = world["comp"], world["client"], world["agency_user"]
    a, b = (make.entry(comp, user, status="submitted") for _ in range(2))
    url = f"/admin/screening/{comp.id}/bulk?lang=en"

    resp = client.post(url, data={"entry_ids": [a.id, b.id], "decision": "fail", "note": "dup"})
    assert resp.status_code == 422
    html = resp.get_data(True)
    assert "A failed entry needs at least one reason." in html
    assert re.search(r">\s*dup</textarea>", html)  # the note typed is kept
    assert [fresh(e.id).status for e in (a, b)] == ["submitted", "submitted"]
    assert screen_events() == 0

    resp = client.post(
        url,
        data={"entry_ids": [a.id, b.id], "decision": "fail", "reason_codes": ["duplicate_title"]},
    )
    assert resp.status_code == 302
    for e in (a, b):
        stored = fresh(e.id)
        assert stored.status == "ineligible"
        assert stored.screening_reasons == ["duplicate_title"]
    assert screen_events() == 2


# ----------------------------------------------------------------- pure helper
@pytest.mark.parametrize(
    ("started", "on", "age"),
    [
        (date(2020, 1, 1), date(2022, 1, 1), (2, 0)),
        (date(2020, 1, 2), date(2022, 1, 1), (1, 11)),
        (date(2020, 2, 29), date(2023, 3, 1), (3, 0)),
        (date(2024, 5, 1), date(2024, 4, 1), (0, 0)),
    ],
)
def test_implementation_age_counts_whole_months(started, on, age):
    assert implementation_age(started, on) == age
