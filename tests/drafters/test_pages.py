"""Drafting units on the pages: a drafter's home is its own drafts in the agency's editor,
without a submit action (a submit POST is 403 and changes nothing); the agency's dashboard
shows who drafted each entry and what still blocks it; the agency invites and switches off its
drafters at /agency/drafters."""

from __future__ import annotations

from html import unescape

from sqlalchemy import func, select

from kipp.extensions import db
from kipp.models import AuditEvent, Entry, User
from tests.accounts_email.mailbox import mails
from tests.web.test_agency_pages import form_for


def text(resp) -> str:
    return unescape(resp.get_data(as_text=True))


def entries_and_events() -> tuple:
    db.session.expire_all()
    rows = sorted(db.session.execute(select(Entry.id, Entry.status, Entry.title, Entry.version)))
    return rows, db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_a_drafters_home_is_its_own_drafts_without_submit(drafting, web_login, client):
    web_login(drafting["first"])
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/agency/")
    page = text(client.get("/agency/"))
    assert "Your drafts" in page and "New draft" in page
    assert drafting["first_entry"].title in page
    assert drafting["second_entry"].title not in page
    assert drafting["agency_entry"].title not in page
    assert "/submit" not in page
    editor = text(client.get(f"/agency/entries/{drafting['first_entry'].id}/edit"))
    assert 'id="submit-form"' not in editor
    assert "decides whether to submit it" in editor


def test_a_drafters_submit_post_is_403_and_changes_nothing(drafting, web_login, client):
    web_login(drafting["first"])
    before = entries_and_events()
    resp = client.post(f"/agency/entries/{drafting['first_entry'].id}/submit")
    assert resp.status_code == 403
    assert entries_and_events() == before


def test_a_drafter_gets_404_for_entries_it_did_not_draft(drafting, web_login, client):
    web_login(drafting["first"])
    comp = drafting["comp"]
    before = entries_and_events()
    for entry in (drafting["second_entry"], drafting["agency_entry"]):
        assert client.get(f"/agency/entries/{entry.id}/edit").status_code == 404
        resp = client.post(f"/agency/entries/{entry.id}/edit", data=form_for(comp, title="X"))
        assert resp.status_code == 404
        assert client.post(f"/agency/entries/{entry.id}/submit").status_code == 404
    assert entries_and_events() == before
    # the agency's own pages stay closed to it
    assert client.get("/agency/certificates").status_code == 403
    assert client.get("/agency/drafters/").status_code == 403


def test_a_drafter_creates_and_edits_a_draft_in_the_editor(drafting, web_login, client):
    web_login(drafting["first"])
    comp = drafting["comp"]
    resp = client.post(f"/agency/competitions/{comp.id}/entries/new", data=form_for(comp))
    assert resp.status_code == 302
    entry = db.session.scalars(select(Entry).order_by(Entry.id.desc())).first()
    assert entry.drafted_by_id == drafting["first"].id
    data = form_for(comp, title="Judul Diperbaiki", version=str(entry.version))
    assert client.post(f"/agency/entries/{entry.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).title == "Judul Diperbaiki"


def test_the_agency_dashboard_shows_who_drafted_and_what_blocks(drafting, web_login, client):
    entry = drafting["second_entry"]
    entry.summary = ""  # a blocker
    db.session.commit()
    web_login(drafting["owner"])
    page = text(client.get("/agency/"))
    for key in ("first_entry", "second_entry", "agency_entry"):
        assert drafting[key].title in page
    row = page.split(f'id="entry-{entry.id}"', 1)[1].split("</tr>", 1)[0]
    assert drafting["second"].name in row and "(Drafting unit (drafter))" in row
    assert "summary" in row.lower() or "ringkasan" in row.lower()
    assert f"/agency/entries/{entry.id}/submit" in row  # the agency decides


def test_the_agency_invites_and_switches_off_a_drafter_on_its_page(drafting, web_login, client):
    web_login(drafting["owner"])
    page = text(client.get("/agency/drafters/"))
    assert drafting["first"].name in page and drafting["second"].name in page
    resp = client.post(
        "/agency/drafters/", data={"email": "upp@example.id", "name": "UPP Baru", "locale": "en"}
    )
    assert resp.status_code == 302
    new = db.session.scalars(select(User).where(User.email == "upp@example.id")).one()
    assert (new.role, new.agency_id) == ("drafter", drafting["owner"].agency_id)
    [mail] = mails("upp@example.id", "invitation")
    assert mail.language == "en"
    # a taken address: the form again with what was typed, nothing created
    resp = client.post("/agency/drafters/", data={"email": "upp@example.id", "name": "Lagi"})
    assert resp.status_code == 409 and 'value="Lagi"' in text(resp)
    first = drafting["first"]
    resp = client.post(
        f"/agency/drafters/{first.id}/active", data={"active": "0", "version": str(first.version)}
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, first.id).active is False
    # a stale version is refused and changes nothing
    resp = client.post(f"/agency/drafters/{first.id}/active", data={"active": "1", "version": "1"})
    assert resp.status_code == 409
    db.session.expire_all()
    assert db.session.get(User, first.id).active is False


def test_another_agency_cannot_touch_the_drafters(drafting, web_login, client):
    web_login(drafting["other"])
    first = drafting["first"]
    resp = client.post(
        f"/agency/drafters/{first.id}/active", data={"active": "0", "version": str(first.version)}
    )
    assert resp.status_code == 404
    db.session.expire_all()
    assert db.session.get(User, first.id).active is True
    assert first.name not in text(client.get("/agency/drafters/"))
