"""Finding 7: an upload never keeps the uploader's extension. The stored name and the name it
is downloaded under always end in `.pdf` (web and API), and rows and files from before
migration 0006 are brought to the same state."""

from __future__ import annotations

import importlib.util
import io
import re
import secrets
from pathlib import Path

import pytest
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from kipp.entries import storage
from kipp.extensions import db
from kipp.models import Attachment
from tests.helpers import pdf_bytes

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0006_hardening.py"
HOSTILE_NAMES = ["laporan.html", "bukti.exe", "skrip.svg", "tanpa-ekstensi", "SK.PDF"]


def download_name(resp) -> str:
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return re.search(r'filename="?([^";]+)"?', disposition).group(1)


@pytest.fixture
def draft(make):
    comp = make.competition(stage="submission")
    owner = make.user("agency")
    return make.entry(comp, owner), owner


def stored_files(app) -> list[str]:
    root = Path(app.config["KIPP_STORAGE_DIR"]) / "attachments"
    return sorted(p.name for p in root.iterdir())


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_web_upload_is_stored_and_downloaded_as_pdf(draft, client, web_login, app, name):
    entry, owner = draft
    web_login(owner)
    resp = client.post(
        f"/agency/entries/{entry.id}/attachments",
        data={"kind": "evidence", "file": (io.BytesIO(pdf_bytes(size=200)), name)},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    att = db.session.scalars(select(Attachment)).one()
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", att.stored_name)
    assert stored_files(app) == [att.stored_name]
    assert att.filename.endswith(".pdf") and att.filename.count(".pdf") == 1
    with client.get(f"/agency/attachments/{att.id}") as resp:
        assert resp.status_code == 200 and resp.mimetype == "application/pdf"
        assert download_name(resp) == att.filename
        assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_api_upload_is_stored_and_downloaded_as_pdf(draft, api, app):
    entry, owner = draft
    agency = api(owner)
    resp = agency.post(
        f"/api/v1/entries/{entry.id}/attachments",
        data={"kind": "decree", "file": (io.BytesIO(pdf_bytes(size=200)), "Surat Keputusan.html")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["filename"] == "Surat Keputusan.pdf"
    att = db.session.get(Attachment, body["id"])
    assert att.stored_name.endswith(".pdf") and stored_files(app) == [att.stored_name]
    with agency.get(f"/api/v1/attachments/{att.id}") as resp:
        assert resp.status_code == 200 and download_name(resp) == "Surat Keputusan.pdf"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("sk-inovator.pdf", "sk-inovator.pdf"),
        ("evil.html", "evil.pdf"),
        ("Laporan Akhir", "Laporan Akhir.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\x\\bukti.docx", "bukti.pdf"),
        ("a\x00b\n.pdf", "ab.pdf"),
        ("", "document.pdf"),
        (None, "document.pdf"),
        (".pdf", "document.pdf"),
        ("x" * 300 + ".exe", "x" * 196 + ".pdf"),
    ],
)
def test_display_names_always_end_in_pdf(given, shown):
    assert storage.pdf_filename(given) == shown


def run_migration() -> None:
    spec = importlib.util.spec_from_file_location("kipp_migration_0006", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with db.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        module.upgrade()
    db.session.expire_all()


def test_rows_and_files_from_before_are_renamed(draft, client, web_login, api, app):
    """A row stored as `<hex>` / `evil.html` before migration 0006: the migration renames the
    row, the first download renames the file; both doors serve it as a PDF."""
    entry, owner = draft
    legacy = secrets.token_hex(16)
    data = pdf_bytes(size=200)
    (storage.storage_root() / legacy).write_bytes(data)
    att = Attachment(
        entry_id=entry.id,
        kind="other",
        filename="evil.html",
        stored_name=legacy,
        size=len(data),
        sha256="0" * 64,
    )
    db.session.add(att)
    db.session.commit()
    att_id = att.id

    run_migration()
    att = db.session.get(Attachment, att_id)
    assert (att.stored_name, att.filename) == (legacy + ".pdf", "evil.pdf")
    run_migration()  # idempotent
    assert db.session.get(Attachment, att_id).stored_name == legacy + ".pdf"

    web_login(owner)
    with client.get(f"/agency/attachments/{att_id}") as resp:
        assert resp.status_code == 200 and resp.data == data
        assert download_name(resp) == "evil.pdf"
    assert stored_files(app) == [legacy + ".pdf"]  # renamed on first access, nothing left
    with api(owner).get(f"/api/v1/attachments/{att_id}") as resp:
        assert resp.status_code == 200 and download_name(resp) == "evil.pdf"


def test_deleting_a_row_from_before_removes_its_file(draft, client, web_login, app):
    entry, owner = draft
    legacy = secrets.token_hex(16)
    (storage.storage_root() / legacy).write_bytes(pdf_bytes(size=200))
    att = Attachment(
        entry_id=entry.id,
        kind="other",
        filename="x.pdf",
        stored_name=legacy + ".pdf",
        size=1,
        sha256="0" * 64,
    )
    db.session.add(att)
    db.session.commit()
    web_login(owner)
    assert client.post(f"/agency/attachments/{att.id}/delete").status_code == 302
    assert stored_files(app) == []


def test_stored_names_are_only_ever_ours():
    for bad in ("../kipp.sqlite3", "abc.pdf", "0" * 32 + ".html", ""):
        with pytest.raises(ValueError):
            storage.path_of(bad)
