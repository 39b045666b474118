"""Who may download a certificate: the entry's own agency and admins; everyone else gets 404."""

from __future__ import annotations

import pytest

from kipp.documents import certificates, codes, storage
from kipp.extensions import db
from tests.workers.test_render_world import build_world


@pytest.fixture
def world(make, app):
    return build_world(make)


def issue_all(w):
    out = {e.id: certificates.issue_certificate(e.id) for e in (w.a1, w.a2, w.b1)}
    db.session.commit()
    return out


def test_api_download_before_issue_is_404_for_everyone(world, api):
    for user in (world.admin, world.owner_a):
        resp = api(user).get(f"/api/v1/entries/{world.a1.id}/certificate")
        assert resp.status_code == 404 and resp.get_json()["code"] == "not_found"


def test_api_download_own_agency_and_admin_only(world, api):
    certs = issue_all(world)
    url = f"/api/v1/entries/{world.a1.id}/certificate"
    stored = storage.read(certs[world.a1.id].stored_name)
    for user in (world.owner_a, world.admin):
        resp = api(user).get(url)
        assert resp.status_code == 200 and resp.mimetype == "application/pdf"
        assert resp.data == stored
        assert f"{certs[world.a1.id].serial}.pdf" in resp.headers["Content-Disposition"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    for user in (world.owner_b, world.chair, world.panelist, world.evaluators[0]):
        resp = api(user).get(url)
        assert resp.status_code == 404 and resp.get_json()["code"] == "not_found"
    assert api().get(url).status_code == 401
    assert api(world.admin).get(f"/api/v1/entries/{world.b2.id}/certificate").status_code == 404
    assert api(world.admin).get("/api/v1/entries/999999/certificate").status_code == 404


def test_certificate_code_is_shown_to_those_who_may_download(world):
    certs = issue_all(world)
    code = codes.public_code(certs[world.a1.id].serial)
    assert certificates.certificate_code_for(world.a1, world.owner_a) == code
    assert certificates.certificate_code_for(world.a1, world.admin) == code
    assert certificates.certificate_code_for(world.a1, world.owner_b) is None
    assert certificates.certificate_code_for(world.b2, world.owner_b) is None


def test_agency_page_lists_only_its_own_certificates(world, web_login):
    certs = issue_all(world)
    client = web_login(world.owner_a)
    page = client.get("/agency/certificates")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for entry in (world.a1, world.a2):
        serial = certs[entry.id].serial
        assert serial in html and entry.title in html
        assert f"/agency/certificates/{serial}/download" in html
    assert "Top 45 Inovasi Pelayanan Publik 2026" in html
    assert "Top 99 Inovasi Pelayanan Publik 2026" in html
    assert certs[world.b1.id].serial not in html and world.b1.title not in html

    own = client.get(f"/agency/certificates/{certs[world.a2.id].serial}/download")
    assert own.status_code == 200 and own.mimetype == "application/pdf"
    assert own.data == storage.read(certs[world.a2.id].stored_name)
    other = client.get(f"/agency/certificates/{certs[world.b1.id].serial}/download")
    assert other.status_code == 404 and other.mimetype == "text/html"
    assert client.get("/agency/certificates/KIPP-2026-999999/download").status_code == 404
    assert client.get("/agency/certificates/..%2F..%2Fconfig.py/download").status_code == 404


def test_agency_page_before_any_issue_says_so(world, web_login):
    html = web_login(world.owner_b).get("/agency/certificates").get_data(as_text=True)
    assert "No certificate has been issued" in html
    assert "KIPP-2026-" not in html and "/download" not in html


def test_other_roles_and_anonymous(world, client, web_login):
    certs = issue_all(world)
    serial = certs[world.b1.id].serial
    anonymous = client.get("/agency/certificates")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert client.get(f"/agency/certificates/{serial}/download").status_code == 302
    admin = web_login(world.admin)
    assert admin.get("/agency/certificates").status_code == 403
    resp = admin.get(f"/agency/certificates/{serial}/download")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"


def test_a_revoked_certificate_is_no_longer_downloadable_by_the_agency(world, api, web_login):
    certs = issue_all(world)
    cert = certs[world.a1.id]
    certificates.revoke(world.admin, cert.serial, "Data inovasi terbukti tidak benar.")
    db.session.commit()
    assert api(world.owner_a).get(f"/api/v1/entries/{world.a1.id}/certificate").status_code == 404
    assert api(world.admin).get(f"/api/v1/entries/{world.a1.id}/certificate").status_code == 200
    client = web_login(world.owner_a)
    html = client.get("/agency/certificates").get_data(as_text=True)
    assert "Data inovasi terbukti tidak benar." in html
    assert f"/agency/certificates/{cert.serial}/download" not in html
    assert client.get(f"/agency/certificates/{cert.serial}/download").status_code == 404
