"""Every answer of the award and pass-mark operations matches the OpenAPI document."""

from __future__ import annotations

import io

from pypdf import PdfReader

from kipp.documents import certificates, codes
from kipp.extensions import db
from tests.awards.fixtures import AWARD, REASON, A, award_world
from tests.awards.test_award_rules import payload
from tests.services.judging_fixtures import set_stage
from tests.services.test_openapi_conformance import conformance  # noqa: F401  (fixture)


def test_award_answers_conform(make, api, conformance):  # noqa: F811
    admin = make.admin()
    created = api(admin).post(
        f"{A}/competitions", json=payload(extra_awards=[AWARD], pass_mark=85.5)
    )
    assert created.status_code == 201
    bad = api(admin).post(f"{A}/competitions", json=payload(extra_awards=[AWARD | {"group": "x"}]))
    assert bad.status_code == 422
    w = award_world(make, pass_mark=80)
    e = [x.id for x in w.entries]
    chair = api(w.chair)
    assert chair.get(f"{A}/competitions/{w.comp.id}").status_code == 200
    ranking = chair.get(f"{A}/competitions/{w.comp.id}/ranking")
    assert ranking.status_code == 200
    set_stage(w.comp, "final")
    url = f"{A}/competitions/{w.comp.id}/selections"
    assert chair.post(url, json={"tier": AWARD["code"]}).status_code == 409  # tie at the cut
    needs = chair.post(url, json={"tier": AWARD["code"], "entry_ids": [e[1], e[3]]})
    assert needs.status_code == 422
    sel = chair.post(
        url,
        json={
            "tier": AWARD["code"],
            "entry_ids": [e[1], e[3]],
            "justifications": {str(e[3]): REASON},
        },
    )
    assert sel.status_code == 201
    done = chair.post(f"{A}/selections/{sel.get_json()['id']}/finalize")
    assert done.status_code == 200
    recap = chair.get(f"{A}/selections/{sel.get_json()['id']}/recap")
    assert recap.status_code == 200 and recap.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(recap.get_data())).pages[0].extract_text()
    assert "Top 2 Replikasi" in text
    set_stage(w.comp, "awarded")
    cert = certificates.issue_certificate(e[3])
    db.session.commit()
    verified = api().get(f"{A}/certificates/{codes.public_code(cert.serial)}")
    assert verified.status_code == 200 and verified.get_json()["award"] == AWARD["code"]
    assert not conformance.failures, "\n".join(conformance.failures)
