"""Issuing certificates: subjects, serials, codes, content, QR payload, idempotency."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
import segno
from pypdf import PdfReader
from sqlalchemy import func, select

from kipp.documents import certificates, codes, render, storage
from kipp.errors import InvalidStage, NotFound
from kipp.extensions import db
from kipp.models import Certificate, Competition
from tests.workers.test_render_world import build_world, flat, pdf_pages, pdf_text


def issue(entry_id):
    cert = certificates.issue_certificate(entry_id)
    db.session.commit()
    return cert


def qr_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules drawn by segno's one-path SVG ("M x y" then "h n" / "m dx dy")."""
    path = re.search(r'\sd="([^"]+)"', svg)[1]
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for cmd, args in re.findall(r"([MmHh])([^MmHh]*)", path):
        nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if cmd == "M":
            x, y = nums
        elif cmd == "m":
            x, y = x + nums[0], y + nums[1]
        elif cmd == "h":
            dark |= {(int(x) + i, int(y - 0.5)) for i in range(int(nums[0]))}
            x += nums[0]
    return dark


def expected_modules(url: str) -> set[tuple[int, int]]:
    """Dark modules of the QR code of `url` as segno encodes it, shifted by its 4-module quiet
    zone; version and error level are segno's choice for error correction M."""
    qr = segno.make(url, error="m", micro=False, boost_error=False)
    return {(x + 4, y + 4) for y, row in enumerate(qr.matrix) for x, bit in enumerate(row) if bit}


def test_subjects_are_every_finalised_entry_at_its_highest_tier(make):
    w = build_world(make)
    assert certificates.certificate_subjects(w.comp.id) == [
        (w.a1.id, "final"),
        (w.a2.id, "shortlist"),
        (w.b1.id, "shortlist"),
    ]


def test_subjects_ignore_proposed_selections_and_other_competitions(make):
    w = build_world(make)
    w.final.status = "proposed"
    db.session.commit()
    other = build_world(make, tag=" II")
    assert certificates.certificate_subjects(w.comp.id) == [
        (w.a1.id, "shortlist"),
        (w.a2.id, "shortlist"),
        (w.b1.id, "shortlist"),
    ]
    assert len(certificates.certificate_subjects(other.comp.id)) == 3


def test_first_issue_creates_serial_and_stores_the_pdf(make):
    w = build_world(make)
    cert = issue(w.a1.id)
    assert cert.serial == f"KIPP-2026-{w.a1.id:06d}"  # the entry's id: known before any write
    assert re.fullmatch(r"KIPP-2026-\d{6}", cert.serial)
    assert (cert.award, cert.competition_id, cert.entry_id) == ("final", w.comp.id, w.a1.id)
    data = storage.read(cert.stored_name)
    assert hashlib.sha256(data).hexdigest() == cert.sha256 and len(data) == cert.size
    assert storage.path_of(cert.stored_name).parent.name == "documents"

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595  # A4 landscape
    text = flat(pdf_text(data))
    code = codes.public_code(cert.serial)
    date_id, date_en = certificates.dates(cert.issued_at, "Asia/Jakarta")
    for expected in (
        "PIAGAM PENGHARGAAN",
        "Certificate of Award",
        "Pemerintah Kabupaten Banyuwangi",
        "Smart Kampung Banyuwangi",
        "Top 45 Inovasi Pelayanan Publik 2026",
        "Top 45 Public Service Innovations 2026",
        cert.serial,
        code,
        date_id,
        date_en,
        certificates.DEFAULT_SIGNATORY_NAME,
        "Menteri Pendayagunaan Aparatur Negara",
    ):
        assert expected in text, expected


def test_shortlist_certificate_names_the_shortlist_size(make):
    w = build_world(make)
    text = flat(pdf_text(storage.read(issue(w.a2.id).stored_name)))
    assert "Top 99 Inovasi Pelayanan Publik 2026" in text
    assert "Top 45" not in text


def test_signatory_comes_from_the_configuration(make, app):
    w = build_world(make)
    app.config.update(KIPP_SIGNATORY_NAME="Dr. Nama Penandatangan", KIPP_SIGNATORY_TITLE="Plt.")
    text = flat(pdf_text(storage.read(issue(w.b1.id).stored_name)))
    assert "Dr. Nama Penandatangan" in text and "Plt." in text


def test_qr_code_is_vector_and_encodes_the_verify_url(make, app):
    app.config["KIPP_PUBLIC_BASE_URL"] = "https://kipp.menpan.go.id/"
    w = build_world(make)
    cert = issue(w.a1.id)
    code = codes.public_code(cert.serial)
    url = f"https://kipp.menpan.go.id/verify/{code}"
    context = certificates.certificate_context(cert)
    assert context["verify_url"] == url
    html = render.render_html("certificate.html", c=context)
    svg = re.search(r"<svg.*?</svg>", html, re.S)[0]
    assert qr_modules(svg) == expected_modules(url)
    altered = url[:-1] + ("Y" if url.endswith("X") else "X")
    assert qr_modules(svg) != expected_modules(altered)  # the comparison can fail
    data = storage.read(cert.stored_name)
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert not page.images  # drawn as vector paths, no raster image
    links = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
    assert url in links
    assert url in flat(pdf_text(data))


def test_issuing_again_keeps_serial_and_bytes_without_rendering(make, monkeypatch):
    w = build_world(make)
    first = issue(w.a1.id)
    snapshot = (first.id, first.serial, first.stored_name, first.sha256, first.size)
    data = storage.read(first.stored_name)

    def boom(*a, **k):
        raise AssertionError("must not render again")

    monkeypatch.setattr(certificates, "render_certificate", boom)
    db.session.expire_all()
    again = issue(w.a1.id)
    assert (again.id, again.serial, again.stored_name, again.sha256, again.size) == snapshot
    assert storage.read(again.stored_name) == data
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_a_lost_file_is_rendered_again_byte_for_byte(make):
    w = build_world(make)
    first = issue(w.a2.id)
    data = storage.read(first.stored_name)
    storage.path_of(first.stored_name).unlink()  # the worker died before the file landed
    db.session.expire_all()
    again = issue(w.a2.id)
    assert (again.id, again.serial, again.sha256) == (first.id, first.serial, first.sha256)
    assert storage.read(again.stored_name) == data


def test_a_row_without_file_keeps_its_serial(make):
    w = build_world(make)
    row = Certificate(
        competition_id=w.comp.id, entry_id=w.b1.id, serial="KIPP-2026-777777", award="shortlist"
    )
    db.session.add(row)
    db.session.commit()
    cert = issue(w.b1.id)
    assert (cert.id, cert.serial) == (row.id, "KIPP-2026-777777")
    assert "KIPP-2026-777777" in pdf_text(storage.read(cert.stored_name))


def test_a_lost_race_keeps_the_winners_row_and_drops_our_file(make, monkeypatch):
    w = build_world(make)
    original = certificates.render_certificate

    def render_while_another_worker_commits(cert, size=None):
        pdf = original(cert, size)
        with db.engine.begin() as conn:  # the other worker, on its own connection
            conn.execute(
                Certificate.__table__.insert().values(
                    competition_id=w.comp.id,
                    entry_id=w.b1.id,
                    serial=cert.serial,
                    award="shortlist",
                    issued_at=cert.issued_at,
                    stored_name="f" * 32,
                    sha256=hashlib.sha256(pdf).hexdigest(),
                    size=len(pdf),
                )
            )
        return pdf

    monkeypatch.setattr(certificates, "render_certificate", render_while_another_worker_commits)
    cert = issue(w.b1.id)
    assert cert.stored_name == "f" * 32  # the winner's row
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    assert not list(storage.storage_root().iterdir())  # our copy was removed


def test_no_certificate_outside_awards_or_selections(make):
    w = build_world(make)
    with pytest.raises(InvalidStage):
        certificates.issue_certificate(w.b2.id)  # in no selection
    with pytest.raises(NotFound):
        certificates.issue_certificate(999999)
    db.session.rollback()
    db.session.execute(
        db.update(Competition).where(Competition.id == w.comp.id).values(stage="final")
    )
    db.session.commit()
    with pytest.raises(InvalidStage):
        certificates.issue_certificate(w.a1.id)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    assert not list(storage.storage_root().iterdir())


def test_codes_parse_case_insensitively_and_reject_alterations(app):
    serial = "KIPP-2026-000123"
    check = codes.check_string(serial)
    assert len(check) == 8 and set(check) <= set(codes.ALPHABET)
    assert not set(check) & set("ILOU")
    code = codes.public_code(serial)
    assert codes.parse_code(code) == serial
    assert codes.parse_code(f"  {code.lower()} ") == serial
    for i in range(len(check)):
        wrong = check[:i] + ("0" if check[i] != "0" else "1") + check[i + 1 :]
        assert codes.parse_code(f"{serial}-{wrong}") is None
    assert codes.parse_code(f"KIPP-2026-000124-{check}") is None
    for bad in ("", "KIPP", serial, code + "X", code[:-1], "x" * 500, None, 42):
        assert codes.parse_code(bad) is None
    # Crockford reading: O is 0, I and L are 1, in the check part.
    serials = (f"KIPP-2026-{n:06d}" for n in range(1, 500))
    s = next(s for s in serials if "0" in codes.check_string(s))
    assert codes.parse_code(f"{s}-{codes.check_string(s).replace('0', 'O')}") == s
    # A different certificate key gives different checks: codes cannot be forged without it.
    app.config["KIPP_CERTIFICATE_KEY"] = "another-secret"
    assert codes.parse_code(code) is None


def test_longest_title_and_agency_still_fit_one_page(make):
    w = build_world(make)
    w.a1.title = ("Sistem Informasi Pelayanan Terpadu Satu Pintu Berbasis Elektronik " * 5)[:300]
    w.a1.agency.name = ("Pemerintah Kabupaten Kepulauan Sangihe Sulawesi Utara " * 4)[:200]
    db.session.commit()
    data = storage.read(issue(w.a1.id).stored_name)
    assert pdf_pages(data) == 1
    assert "Top 45 Inovasi Pelayanan Publik 2026" in flat(pdf_text(data))
