"""Public verification (JSON and the bilingual page), tampering, and audited revocation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kipp.audit.chain import verify as verify_chain
from kipp.documents import certificates, codes
from kipp.extensions import db
from kipp.models import AuditEvent, Certificate
from tests.workers.test_render_world import build_world

REASON = "Data inovasi terbukti tidak benar setelah pemeriksaan lapangan."


@pytest.fixture
def issued(make, app):
    w = build_world(make)
    cert = certificates.issue_certificate(w.a1.id)
    db.session.commit()
    return w, cert, codes.public_code(cert.serial)


def tampered(code: str) -> list[str]:
    serial, check = code.rsplit("-", 1)
    other = "Z" if check[0] != "Z" else "Y"
    digit = str((int(serial[-1]) + 1) % 10)
    return [
        f"{serial}-{other}{check[1:]}",  # one character of the check changed
        f"{serial[:-1]}{digit}-{check}",  # another serial with this check
        f"{serial}-{check[:-1]}",
        serial,
        "KIPP-2026-999999-ABCDEFGH",
        "not-a-code",
    ]


def revocations() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "certificate.revoke")
    )


def test_public_json_for_a_valid_code(issued, api):
    w, cert, code = issued
    resp = api().get(f"/api/v1/certificates/{code}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["valid"] is True and body["revoked"] is False
    assert body["serial"] == cert.serial
    assert body["entry_title"] == "Smart Kampung Banyuwangi"
    assert body["agency"] == "Pemerintah Kabupaten Banyuwangi"
    assert body["award"] == "final"
    assert body["award_label"] == "Top 45 Inovasi Pelayanan Publik 2026"
    assert body["issued_at"].endswith("+07:00")
    assert api().get(f"/api/v1/certificates/{code.lower()}").get_json()["serial"] == cert.serial


def test_altered_codes_are_404_and_reveal_nothing(issued, api):
    w, cert, code = issued
    bodies = []
    for bad in tampered(code):
        resp = api().get(f"/api/v1/certificates/{bad}")
        assert resp.status_code == 404, bad
        body = resp.get_json()
        assert body["code"] == "not_found"
        assert cert.serial not in resp.get_data(as_text=True)
        bodies.append((body["title"], body["detail"]))
    assert len(set(bodies)) == 1  # every failure looks the same


def test_public_page_is_bilingual(issued, client):
    w, cert, code = issued
    resp = client.get(f"/verify/{code}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    date_id, date_en = certificates.dates(cert.issued_at, "Asia/Jakarta")
    for expected in (
        "Sah",
        "Valid",
        "Smart Kampung Banyuwangi",
        "Pemerintah Kabupaten Banyuwangi",
        "Top 45 Inovasi Pelayanan Publik 2026",
        "Top 45 Public Service Innovations 2026",
        date_id,
        date_en,
        cert.serial,
    ):
        assert expected in html, expected
    assert "Dicabut" not in html


def test_public_page_for_altered_code_is_a_bare_404(issued, client):
    w, cert, code = issued
    for bad in tampered(code):
        resp = client.get(f"/verify/{bad}")
        assert resp.status_code == 404
        html = resp.get_data(as_text=True)
        assert "Tidak ditemukan" in html and "Not found" in html
        html = html.replace(bad, "")  # the visitor's own input, echoed in the language links
        for secret in (cert.serial, "Smart Kampung", "Banyuwangi", "Top 45"):
            assert secret not in html


def test_hostile_title_is_escaped_on_the_page(issued, client):
    w, cert, code = issued
    w.a1.title = '<script>alert(1)</script><img src="http://127.0.0.1:9/x.png">'
    db.session.commit()
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_revoke_is_audited_and_flips_verification(issued, api, client):
    w, cert, code = issued
    before = revocations()
    resp = api(w.admin).post(f"/api/v1/certificates/{cert.serial}/revoke", json={"reason": REASON})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["revoked"] is True
    db.session.expire_all()
    row = db.session.get(Certificate, cert.id)
    assert row.revoked_reason == REASON and row.revoked_by_id == w.admin.id
    assert row.revoked_at is not None
    assert revocations() == before + 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
    assert event.competition_id == w.comp.id and event.object == f"certificate:{cert.serial}"
    assert event.after["reason"] == REASON and event.actor == w.admin.email
    assert verify_chain(w.comp.id)["ok"] is True

    body = api().get(f"/api/v1/certificates/{code}").get_json()
    assert body["valid"] is False and body["revoked"] is True and body["reason"] == REASON
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Dicabut" in html and "Revoked" in html and REASON in html
    assert "Smart Kampung Banyuwangi" in html


def test_revoke_refusals_change_nothing(issued, api):
    w, cert, code = issued
    url = f"/api/v1/certificates/{cert.serial}/revoke"
    for user in (w.owner_a, w.chair):
        resp = api(user).post(url, json={"reason": REASON})
        assert resp.status_code == 403 and resp.get_json()["code"] == "forbidden"
    assert api().post(url, json={"reason": REASON}).status_code == 401
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        resp = api(w.admin).post(url, json=body)
        assert resp.status_code == 422 and resp.get_json()["code"] == "validation_error"
        assert "reason" in resp.get_json()["errors"]
    resp = api(w.admin).post(
        "/api/v1/certificates/KIPP-2026-999999/revoke", json={"reason": REASON}
    )
    assert resp.status_code == 404
    resp = api(w.admin).post(f"/api/v1/certificates/{code}/revoke", json={"reason": REASON})
    assert resp.status_code == 404  # the serial, not the code
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).revoked_at is None
    assert revocations() == 0
    assert api().get(f"/api/v1/certificates/{code}").get_json()["valid"] is True


def test_revoking_twice_is_locked_and_keeps_the_first_reason(issued, api):
    w, cert, code = issued
    url = f"/api/v1/certificates/{cert.serial}/revoke"
    assert api(w.admin).post(url, json={"reason": REASON}).status_code == 200
    resp = api(w.admin).post(url, json={"reason": "Alasan lain yang berbeda sekali."})
    assert resp.status_code == 409 and resp.get_json()["code"] == "locked"
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).revoked_reason == REASON
    assert revocations() == 1


def test_routes_are_in_the_openapi_document(issued, api):
    paths = api().get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/certificates/{code}",
        "/api/v1/certificates/{serial}/revoke",
        "/api/v1/entries/{entry_id}/certificate",
        "/api/v1/entries/{entry_id}/score-sheet",
        "/api/v1/selections/{selection_id}/recap",
    ):
        assert path in paths, path


# Printed certificates carry these codes for good: a change of the check formula (key use,
# domain separation, bits taken, alphabet) would invalidate every one of them, so the pairs are
# pinned here, computed once with a fixed certificate key.
PINNED_KEY = "kipp-pinned-certificate-key"
PINNED = {
    "KIPP-2026-000123": "KIPP-2026-000123-YZD10562",
    "KIPP-2026-000001": "KIPP-2026-000001-XTBE7Y92",
    "KIPP-2023-1234567": "KIPP-2023-1234567-T3SQF8YK",
}


@pytest.mark.parametrize("serial", sorted(PINNED))
def test_pinned_serial_gives_the_same_public_code(app, serial):
    app.config["KIPP_CERTIFICATE_KEY"] = PINNED_KEY
    assert codes.public_code(serial) == PINNED[serial]
    assert codes.parse_code(PINNED[serial]) == serial
    # Rotating the session key leaves printed codes valid...
    app.config["SECRET_KEY"] = "a-freshly-rotated-session-key"
    assert codes.public_code(serial) == PINNED[serial]
    # ...while another certificate key would not know them.
    app.config["KIPP_CERTIFICATE_KEY"] = "another-certificate-key"
    assert codes.parse_code(PINNED[serial]) is None
