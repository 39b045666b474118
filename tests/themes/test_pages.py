"""The secretariat's themes page, the agency's profile page, the editor's theme select."""

from __future__ import annotations

from kipp.extensions import db
from kipp.models import AuditEvent, Entry
from kipp.models.themes import InnovationProfile, InnovationProfileVersion, Theme
from tests.helpers import count
from tests.web.test_agency_pages import form_for


def test_admin_lists_and_adds_themes(client, web_login, w):
    web_login(w.admin)
    page = client.get("/profiles/themes")
    assert page.status_code == 200 and "Kesehatan" in page.get_data(as_text=True)
    form = {"code": "tourism", "label_id": "Pariwisata", "label_en": "Tourism"}
    resp = client.post("/profiles/themes", data=form)
    assert resp.status_code == 302
    assert db.session.get(Theme, "tourism").label_id == "Pariwisata"
    again = client.post("/profiles/themes", data=form)
    assert again.status_code == 409
    assert "already used" in again.get_data(as_text=True)
    bad = client.post("/profiles/themes", data=form | {"code": "Not OK"})
    assert bad.status_code == 422 and "lower-case" in bad.get_data(as_text=True)
    assert count(Theme, Theme.code == "tourism") == 1


def test_agency_keeps_its_profile(client, web_login, w):
    web_login(w.owner)
    page = client.get(f"/profiles/entries/{w.pub.id}")
    assert page.status_code == 200
    assert "Not validated yet" in page.get_data(as_text=True)
    data = {"status": "stopped", "impact": "300 sekolah", "links": "https://a.id/1\nhttps://b.id"}
    resp = client.post(f"/profiles/entries/{w.pub.id}", data=data | {"version": "0"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    profile = db.session.get(InnovationProfile, w.pub.id)
    assert profile.status == "stopped" and profile.links == ["https://a.id/1", "https://b.id"]
    stale = client.post(f"/profiles/entries/{w.pub.id}", data=data | {"version": "0"})
    assert stale.status_code == 409
    bad = client.post(f"/profiles/entries/{w.pub.id}", data=data | {"links": "ftp://x"})
    assert bad.status_code == 422 and "http://" in bad.get_data(as_text=True)
    shown = client.get(f"/profiles/entries/{w.pub.id}").get_data(as_text=True)
    assert "Validated on" in shown and "Version 1" in shown
    assert count(InnovationProfileVersion) == 1
    assert count(AuditEvent, AuditEvent.action == "profile.validate") == 1


def test_profile_page_of_an_entry_not_in_the_directory(client, web_login, w):
    web_login(w.owner)
    page = client.get(f"/profiles/entries/{w.hidden.id}")
    assert page.status_code == 200 and "not public in the directory" in page.get_data(as_text=True)
    refused = client.post(f"/profiles/entries/{w.hidden.id}", data={"status": "running"})
    assert refused.status_code == 409
    assert count(InnovationProfile) == 0


def test_other_agencies_and_roles_are_refused(client, web_login, w):
    web_login(w.stranger)
    assert client.get(f"/profiles/entries/{w.hidden.id}").status_code == 404
    assert client.get(f"/profiles/entries/{w.pub.id}").status_code == 403
    assert client.get("/profiles/themes").status_code == 403


def test_dashboard_links_the_profile_page(client, web_login, w):
    web_login(w.owner)
    page = client.get("/agency/").get_data(as_text=True)
    assert f'href="/profiles/entries/{w.pub.id}"' in page


def test_editor_chooses_a_theme(client, web_login, w, make):
    entry = make.entry(w.draft_comp, w.owner)
    web_login(w.owner)
    page = client.get(f"/agency/entries/{entry.id}/edit").get_data(as_text=True)
    assert '<option value="education">Education</option>' in page
    form = form_for(w.draft_comp, theme="education", version=str(entry.version))
    resp = client.post(f"/agency/entries/{entry.id}/edit", data=form)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    db.session.expire_all()
    saved = db.session.get(Entry, entry.id)
    assert saved.theme == "education"
    form = form_for(w.draft_comp, theme="nope", version=str(saved.version))
    refused = client.post(f"/agency/entries/{entry.id}/edit", data=form)
    assert refused.status_code == 422 and "Choose one of the themes" in refused.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).theme == "education"
