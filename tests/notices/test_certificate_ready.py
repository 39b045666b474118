"""`certificate_ready`: the agency's accounts are told once when its certificate is issued."""

from __future__ import annotations

from kipp.documents import certificates, codes
from kipp.extensions import db
from tests.notices.mails import mails
from tests.workers.test_render_world import build_world


def test_issuing_a_certificate_mails_the_agency_once(make):
    w = build_world(make)
    colleague = make.user("agency", agency=w.owner_a.agency)
    cert = certificates.issue_certificate(w.a1.id)
    db.session.commit()
    sent = mails("certificate_ready")
    assert sorted(m.to for m in sent) == sorted([w.owner_a.email, colleague.email])
    code = codes.public_code(cert.serial)
    for mail in sent:
        assert w.a1.title in mail.text_body and code in mail.text_body
        assert "/agency/certificates" in mail.text_body and f"/verify/{code}" in mail.text_body
    # asking again (a re-run of the job, a second worker) mails nobody again
    certificates.issue_certificate(w.a1.id)
    db.session.commit()
    assert len(mails("certificate_ready")) == 2
    # the other agency was not told about this certificate
    assert w.owner_b.email not in {m.to for m in mails("certificate_ready")}
