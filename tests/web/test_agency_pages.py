"""The agency's pages: dashboard, editor, autosave endpoint use, attachments and submission."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import event, select

from kipp.extensions import db
from kipp.models import Attachment, AuditEvent, Entry
from tests.helpers import count, pdf_bytes


def html(resp) -> str:
    """The page's text with HTML entities decoded (Jinja escapes quotes)."""
    return unescape(resp.get_data(as_text=True))


def form_for(comp, **overrides) -> dict:
    """A complete editor POST for `comp`."""
    data = {
        "title": "Layanan Cepat Tanggap",
        "group": "umum",
        "category": "Pelayanan dasar",
        "summary": "Ringkasan singkat.",
        "started_on": "2020-03-01",
        "video_url": "https://video.example/1",
        "replicates": "",
        "replication_type": "",
    }
    for c in comp.round_criteria("evaluation"):
        data[f"ans_{c.code}"] = f"Jawaban untuk {c.name}."
    data.update(overrides)
    return data


def entry_title(entry_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Entry, entry_id).title


@pytest.fixture
def setup(make, web_login):
    comp = make.competition(stage="submission")
    user = make.user("agency")
    web_login(user)
    return comp, user


# ------------------------------------------------------------------ permissions
def test_anonymous_is_sent_to_login(client):
    resp = client.get("/agency/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


@pytest.mark.parametrize("role", ["admin", "evaluator", "panelist", "chair"])
def test_other_roles_get_403(make, web_login, client, role):
    comp = make.competition()
    owner = make.user("agency")
    entry = make.entry(comp, owner)
    web_login(make.user(role))
    assert client.get("/agency/").status_code == 403
    assert client.get(f"/agency/entries/{entry.id}/edit").status_code == 403
    resp = client.post(f"/agency/entries/{entry.id}/edit", data=form_for(comp, title="Hijacked"))
    assert resp.status_code == 403
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).title != "Hijacked"


def test_another_agencys_entry_is_404_and_unchanged(setup, make, client):
    comp, _user = setup
    other = make.user("agency")
    entry = make.entry(comp, other, title="Milik orang lain")
    assert client.get(f"/agency/entries/{entry.id}/edit").status_code == 404
    resp = client.post(f"/agency/entries/{entry.id}/edit", data=form_for(comp, title="Diubah"))
    assert resp.status_code == 404
    assert client.post(f"/agency/entries/{entry.id}/submit").status_code == 404
    db.session.expire_all()
    fresh = db.session.get(Entry, entry.id)
    assert (fresh.title, fresh.status) == ("Milik orang lain", "draft")
    assert "Milik orang lain" not in html(client.get("/agency/"))


# ------------------------------------------------------------------- dashboard
def test_dashboard_shows_entries_quota_and_blockers(setup, make, client):
    comp, user = setup
    make.entry(comp, user, title="Sudah Dikirim", status="submitted")
    make.entry(comp, user, title="Belum Lengkap", summary="", answers={})
    resp = client.get("/agency/")
    page = html(resp)
    assert resp.status_code == 200
    assert "Sudah Dikirim" in page and "Belum Lengkap" in page
    assert re.search(r"Umum</strong>\s*1/10", page)
    assert re.search(r"Replikasi</strong>\s*0/5", page)
    assert "Write the summary." in page
    assert 'Answer the section "Kebaruan".' in page
    # The incomplete draft's submit button is disabled and says why.
    assert re.search(r"disabled aria-describedby=\"why-\d+\"", page)
    assert "items still block submission." in page
    assert "New entry" in page
    assert re.search(r"data-countdown[^>]*>\s*\d+ days \d+ hours? left", page)


def test_dashboard_deadline_in_wib_and_closed_state(make, web_login, client):
    closes = datetime(2026, 1, 31, 16, 59, 59, tzinfo=UTC)  # 23:59:59 WIB
    comp = make.competition(
        stage="submission", opens=closes - timedelta(days=30), closes=closes, name="KIPP Lama"
    )
    user = make.user("agency")
    make.entry(comp, user, title="Terlambat")
    web_login(user)
    page = html(client.get("/agency/"))
    assert "31-01-2026 23:59:59 WIB" in page
    assert "Submission closed" in page
    assert "The submission deadline has passed." in page
    assert "New entry" not in page


def test_dashboard_quota_full_disables_submit(setup, make, client):
    comp, user = setup
    for n in range(10):
        make.entry(comp, user, title=f"Terkirim {n}", status="submitted")
    make.entry(comp, user, title="Kesebelas")
    page = html(client.get("/agency/"))
    assert re.search(r"Umum</strong>\s*10/10", page)
    assert "quota for group Umum is full (10/10)" in page


def test_dashboard_shows_screening_reasons(setup, make, client):
    comp, user = setup
    make.entry(
        comp,
        user,
        title="Ditolak",
        status="ineligible",
        screening_reasons=["missing_documents", "off_theme"],
        screening_note="SK tidak dilampirkan.",
    )
    page = html(client.get("/agency/?lang=id"))
    assert "Dokumen pendukung tidak lengkap" in page
    assert "Tidak sesuai tema/kategori kompetisi" in page
    assert "SK tidak dilampirkan." in page
    page = html(client.get("/agency/?lang=en"))
    assert "Off the competition's theme" in page


def test_dashboard_query_count_does_not_grow_with_entries(setup, make, client):
    comp, user = setup
    statements = []

    def counter(*args):
        statements.append(1)

    def queries_for_dashboard() -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            assert client.get("/agency/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return len(statements)

    make.entry(comp, user)
    few = queries_for_dashboard()
    for _n in range(6):
        make.entry(comp, user)
    assert queries_for_dashboard() == few


# ---------------------------------------------------------------------- editor
def test_create_via_form(setup, client):
    comp, user = setup
    resp = client.post(f"/agency/competitions/{comp.id}/entries/new", data=form_for(comp))
    assert resp.status_code == 302
    entry = db.session.scalars(select(Entry)).one()
    assert resp.headers["Location"].endswith(f"/agency/entries/{entry.id}/edit")
    assert (entry.title, entry.agency_id, entry.status) == (
        "Layanan Cepat Tanggap",
        user.agency_id,
        "draft",
    )
    assert entry.answers["kebaruan"] == "Jawaban untuk Kebaruan."
    assert entry.started_on == date(2020, 3, 1)
    assert entry.replicates is None
    page = html(client.get(resp.headers["Location"]))
    assert "Draft saved." in page
    assert f'data-api-url="/api/v1/entries/{entry.id}"' in page


def test_new_entry_page_has_criteria_with_guidance_and_counters(setup, client):
    comp, _user = setup
    resp = client.get(f"/agency/competitions/{comp.id}/entries/new")
    page = html(resp)
    assert resp.status_code == 200
    for c in comp.round_criteria("evaluation"):
        assert f'name="ans_{c.code}"' in page
    assert 'data-limit="200"' in page  # ringkasan
    assert "Words: 0 of 200" in page
    assert "data-api-url" not in page  # autosave starts after the first save
    assert 'name="version"' in page


def test_validation_error_keeps_typed_text_and_writes_nothing(setup, client):
    comp, _user = setup
    long_text = " ".join(["kata"] * 205) + " PENANDA-UNIK"
    data = form_for(comp, ans_ringkasan=long_text, ans_kebaruan="Teks saya yang berharga")
    events = count(AuditEvent)
    resp = client.post(f"/agency/competitions/{comp.id}/entries/new", data=data)
    page = html(resp)
    assert resp.status_code == 422
    assert "PENANDA-UNIK" in page and "Teks saya yang berharga" in page
    assert "Layanan Cepat Tanggap" in page
    assert "206 words; the limit is 200." in page
    assert 'id="ans_ringkasan-err"' in page
    assert count(Entry) == 0 and count(AuditEvent) == events


def test_missing_title_is_shown_on_the_field(setup, client):
    comp, _user = setup
    resp = client.post(
        f"/agency/competitions/{comp.id}/entries/new",
        data=form_for(comp, title="  ", ans_signifikansi="Tetap di sini"),
    )
    page = html(resp)
    assert resp.status_code == 422
    assert 'id="title-err"' in page and "Tetap di sini" in page
    assert count(Entry) == 0


def test_edit_saves_and_bumps_version(setup, make, client):
    comp, user = setup
    entry = make.entry(comp, user, title="Lama")
    data = form_for(comp, title="Baru", version=str(entry.version))
    resp = client.post(f"/agency/entries/{entry.id}/edit", data=data)
    assert resp.status_code == 302
    db.session.expire_all()
    fresh = db.session.get(Entry, entry.id)
    assert fresh.title == "Baru" and fresh.version == 2


def test_stale_version_keeps_text_and_changes_nothing(setup, make, client):
    comp, user = setup
    entry = make.entry(comp, user, title="Versi Satu")
    stale = entry.version
    entry.title = "Diubah di tab lain"
    db.session.commit()
    data = form_for(
        comp, title="Judul saya", version=str(stale), ans_kebaruan="Tulisan panjang saya"
    )
    resp = client.post(f"/agency/entries/{entry.id}/edit", data=data)
    page = html(resp)
    assert resp.status_code == 409
    assert "Tulisan panjang saya" in page and "Judul saya" in page
    assert "Someone else saved this entry" in page
    assert "Open the saved version in a new tab" in page
    assert f'name="version" type="hidden" value="{stale}"' in page
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).title == "Diubah di tab lain"


def test_replikasi_without_source_shows_field_error_and_keeps_text(setup, client):
    comp, _user = setup
    data = form_for(comp, group="replikasi", replication_type="adaptasi", ans_kebaruan="Milik saya")
    resp = client.post(f"/agency/competitions/{comp.id}/entries/new", data=data)
    page = html(resp)
    assert resp.status_code == 422
    assert 'id="replicates-err"' in page and "Say which innovation" in page
    assert "Milik saya" in page
    assert re.search(r'<option selected value="replikasi">', page)
    assert count(Entry) == 0


def test_draft_after_deadline_is_read_only(make, web_login, client):
    now = datetime.now(UTC)
    comp = make.competition(opens=now - timedelta(days=20), closes=now - timedelta(minutes=1))
    user = make.user("agency")
    entry = make.entry(comp, user, title="Terlambat")
    web_login(user)
    resp = client.get(f"/agency/entries/{entry.id}/edit")
    page = html(resp)
    assert resp.status_code == 200
    assert 'id="entry-form"' not in page and "can no longer be changed" in page
    resp = client.post(
        f"/agency/entries/{entry.id}/edit",
        data=form_for(comp, title="Masih mencoba", version=str(entry.version)),
    )
    assert resp.status_code == 409 and "deadline" in html(resp)
    assert "Masih mencoba" in html(resp)
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).title == "Terlambat"


def test_post_without_version_is_treated_as_stale(setup, make, client):
    comp, user = setup
    entry = make.entry(comp, user, title="Aman")
    resp = client.post(f"/agency/entries/{entry.id}/edit", data=form_for(comp, title="Tanpa"))
    assert resp.status_code == 409
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).title == "Aman"


def test_submitted_entry_is_read_only(setup, make, client):
    comp, user = setup
    entry = make.entry(comp, user, title="Final", status="submitted")
    resp = client.get(f"/agency/entries/{entry.id}/edit")
    page = html(resp)
    assert resp.status_code == 200
    assert 'id="entry-form"' not in page and "<textarea" not in page
    assert "Final" in page and "Submitted" in page
    events = count(AuditEvent)
    data = form_for(comp, title="Diam-diam diubah", version=str(entry.version))
    resp = client.post(f"/agency/entries/{entry.id}/edit", data=data)
    page = html(resp)
    assert resp.status_code == 409
    assert "can no longer be changed" in page
    assert "Diam-diam diubah" in page  # shown back as unsaved text, not stored
    db.session.expire_all()
    fresh = db.session.get(Entry, entry.id)
    assert (fresh.title, fresh.version) == ("Final", entry.version)
    assert count(AuditEvent) == events


def test_new_entry_outside_submission_stage_is_refused(make, web_login, client):
    comp = make.competition(stage="screening")
    web_login(make.user("agency"))
    assert 'id="entry-form"' not in html(client.get(f"/agency/competitions/{comp.id}/entries/new"))
    resp = client.post(f"/agency/competitions/{comp.id}/entries/new", data=form_for(comp))
    assert resp.status_code == 409
    assert count(Entry) == 0


# ----------------------------------------------------------- autosave contract
def test_autosave_patch_with_session_and_csrf_token(make, web_login, client, app):
    comp = make.competition()
    user = make.user("agency")
    entry = make.entry(comp, user, title="Awal")
    version = entry.version
    web_login(user)
    page = html(client.get(f"/agency/entries/{entry.id}/edit"))
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    body = {"version": version, "title": "Tersimpan otomatis", "answers": {}}
    app.config["WTF_CSRF_ENABLED"] = True  # as in production
    resp = client.patch(f"/api/v1/entries/{entry.id}", json=body)
    assert resp.status_code == 403  # a session write without the token is refused
    assert entry_title(entry.id) == "Awal"
    resp = client.patch(f"/api/v1/entries/{entry.id}", json=body, headers={"X-CSRFToken": token})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["version"] == version + 1
    assert entry_title(entry.id) == "Tersimpan otomatis"
    resp = client.patch(f"/api/v1/entries/{entry.id}", json=body, headers={"X-CSRFToken": token})
    assert resp.status_code == 409 and resp.get_json()["code"] == "stale_version"


# ---------------------------------------------------------------- attachments
def test_upload_pdf_is_stored_listed_and_downloadable(setup, make, client, app):
    comp, user = setup
    entry = make.entry(comp, user)
    data = pdf_bytes(size=200)
    resp = client.post(
        f"/agency/entries/{entry.id}/attachments",
        data={"kind": "decree", "file": (io.BytesIO(data), "sk-inovator.pdf")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    att = db.session.scalars(select(Attachment)).one()
    assert (att.entry_id, att.kind, att.size, att.filename) == (
        entry.id,
        "decree",
        len(data),
        "sk-inovator.pdf",
    )
    from kipp.entries import storage

    assert storage.path_of(att.stored_name).read_bytes() == data
    page = html(client.get(f"/agency/entries/{entry.id}/edit"))
    assert "sk-inovator.pdf" in page and f"/agency/attachments/{att.id}" in page
    with client.get(f"/agency/attachments/{att.id}") as resp:
        assert resp.status_code == 200 and resp.data == data
        assert resp.mimetype == "application/pdf"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in resp.headers["Content-Security-Policy"]


def test_upload_not_a_pdf_is_415_and_stores_nothing(setup, make, client, app, tmp_path):
    comp, user = setup
    entry = make.entry(comp, user)
    resp = client.post(
        f"/agency/entries/{entry.id}/attachments",
        data={"kind": "decree", "file": (io.BytesIO(b"MZ not a pdf"), "virus.pdf")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 415
    assert "Only PDF files are accepted." in html(resp)
    assert count(Attachment) == 0
    assert not any((tmp_path / "storage" / "attachments").glob("*"))


def test_upload_too_large_is_413(setup, make, client, app):
    comp, user = setup
    entry = make.entry(comp, user)
    app.config["KIPP_MAX_UPLOAD_BYTES"] = 100
    resp = client.post(
        f"/agency/entries/{entry.id}/attachments",
        data={"kind": "evidence", "file": (io.BytesIO(pdf_bytes(size=200)), "besar.pdf")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 413
    assert 'id="upload-error"' in html(resp)
    assert count(Attachment) == 0


def test_download_and_delete_by_another_agency_is_404(setup, make, client, web_login):
    comp, user = setup
    entry = make.entry(comp, user)
    client.post(
        f"/agency/entries/{entry.id}/attachments",
        data={"kind": "decree", "file": (io.BytesIO(pdf_bytes(size=200)), "sk.pdf")},
        content_type="multipart/form-data",
    )
    att = db.session.scalars(select(Attachment)).one()
    web_login(make.user("agency"))
    assert client.get(f"/agency/attachments/{att.id}").status_code == 404
    assert client.post(f"/agency/attachments/{att.id}/delete").status_code == 404
    assert count(Attachment) == 1


def test_delete_attachment_removes_row_and_file(setup, make, client):
    from kipp.entries import storage

    comp, user = setup
    entry = make.entry(comp, user)
    client.post(
        f"/agency/entries/{entry.id}/attachments",
        data={"kind": "evidence", "file": (io.BytesIO(pdf_bytes(size=200)), "bukti.pdf")},
        content_type="multipart/form-data",
    )
    att = db.session.scalars(select(Attachment)).one()
    path = storage.path_of(att.stored_name)
    assert path.exists()
    resp = client.post(f"/agency/attachments/{att.id}/delete")
    assert resp.status_code == 302
    assert count(Attachment) == 0 and not path.exists()


def test_attachments_of_submitted_entry_are_locked(setup, make, client):
    comp, user = setup
    entry = make.entry(comp, user, status="submitted")
    resp = client.post(
        f"/agency/entries/{entry.id}/attachments",
        data={"kind": "decree", "file": (io.BytesIO(pdf_bytes(size=200)), "telat.pdf")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 409
    assert "can no longer change" in html(resp)
    assert count(Attachment) == 0


# --------------------------------------------------------------------- submit
def test_submit_via_page(setup, make, client):
    comp, user = setup
    entry = make.entry(comp, user, title="Siap Kirim")
    resp = client.post(f"/agency/entries/{entry.id}/submit")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/agency/")
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).status == "submitted"
    page = html(client.get("/agency/"))
    assert "was submitted." in page
    assert re.search(r"Umum</strong>\s*1/10", page)


def test_submit_incomplete_shows_reasons_and_changes_nothing(setup, make, client):
    comp, user = setup
    entry = make.entry(comp, user, summary="", started_on=date.today() - timedelta(days=30))
    resp = client.post(f"/agency/entries/{entry.id}/submit")
    page = html(resp)
    assert resp.status_code == 422
    assert "Write the summary." in page
    assert "must have run at least 2 years" in page
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).status == "draft"


def test_submit_over_quota_is_409(setup, make, client):
    comp, user = setup
    for _n in range(5):
        make.entry(comp, user, group="replikasi", status="submitted")
    entry = make.entry(comp, user, group="replikasi")
    resp = client.post(f"/agency/entries/{entry.id}/submit")
    assert resp.status_code == 409
    assert "quota" in html(resp)
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).status == "draft"
