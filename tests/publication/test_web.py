"""The publication pages: publish with its confirmation, decide objections, amend (chair),
record the decree with its PDF (downloadable by anyone), and refusals that change nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import time_machine

from kipp.extensions import db
from kipp.models import Entry, Selection
from kipp.models.mail import Mail
from kipp.models.publication import Objection, SelectionAmendment
from tests.helpers import count, pdf_bytes
from tests.publication.fixtures import ANSWER, shortlist_world, submit
from tests.services.judging_fixtures import reload

P = "/publication"


def test_admin_publishes_with_confirmation(make, web_login):
    pw = shortlist_world(make, publish=False)
    client = web_login(pw.admin)
    page = client.get(f"{P}/selections/{pw.sel.id}")
    assert page.status_code == 200 and b'id="publish-form"' in page.data
    unconfirmed = client.post(f"{P}/selections/{pw.sel.id}/publish", data={})
    assert unconfirmed.status_code == 422
    assert reload(Selection, pw.sel.id).published_at is None
    resp = client.post(f"{P}/selections/{pw.sel.id}/publish", data={"confirm": "y"})
    assert resp.status_code == 302
    sel = reload(Selection, pw.sel.id)
    assert sel.published_at is not None and sel.objection_closes_at is not None
    assert count(Mail, Mail.kind == "selection_result") == 6  # the round ranked six agencies
    again = client.post(f"{P}/selections/{pw.sel.id}/publish", data={"confirm": "y"})
    assert again.status_code == 409
    index = client.get(f"{P}/")
    assert index.status_code == 200 and f'data-selection="{pw.sel.id}"'.encode() in index.data


def test_admin_decides_on_the_objections_page(make, web_login):
    pw = shortlist_world(make)
    obj = submit(pw, name="Siti Pelapor")
    client = web_login(pw.admin)
    page = client.get(f"{P}/selections/{pw.sel.id}/objections")
    assert page.status_code == 200 and b"Siti Pelapor" in page.data
    url = f"{P}/objections/{obj.id}/decide"
    short = client.post(url, data={f"o{obj.id}-decision": "uphold", f"o{obj.id}-answer": "Ya."})
    assert short.status_code == 422
    assert reload(Objection, obj.id).status == "received"
    ok = client.post(url, data={f"o{obj.id}-decision": "uphold", f"o{obj.id}-answer": ANSWER})
    assert ok.status_code == 302
    assert reload(Objection, obj.id).status == "upheld"
    assert reload(Entry, pw.entries[0].id).status == "disqualified"


def test_chair_amends_on_the_page(make, web_login):
    pw = shortlist_world(make)
    from kipp.publication import objections

    objections.decide(pw.admin, submit(pw), "uphold", ANSWER)
    db.session.commit()
    client = web_login(pw.chair)
    page = client.get(f"{P}/selections/{pw.sel.id}/amend")
    assert page.status_code == 200 and b'id="amend-candidates"' in page.data
    e = [x.id for x in pw.entries]
    tie = client.post(f"{P}/selections/{pw.sel.id}/amend", data={"action": "auto"})
    assert tie.status_code == 409 and b'class="tied"' in tie.data
    unjustified = client.post(
        f"{P}/selections/{pw.sel.id}/amend", data={"action": "chosen", "add": str(e[5])}
    )
    assert unjustified.status_code == 422
    assert count(SelectionAmendment) == 0
    ok = client.post(
        f"{P}/selections/{pw.sel.id}/amend", data={"action": "chosen", "add": str(e[3])}
    )
    assert ok.status_code == 302
    assert reload(SelectionAmendment, 1).added == [e[3]]
    shown = client.get(f"{P}/selections/{pw.sel.id}")
    assert b'id="amendments"' in shown.data


def test_decree_and_its_public_pdf(make, web_login, client):
    pw = shortlist_world(make)
    url = f"{P}/selections/{pw.sel.id}"
    decree = {"number": "SK 7/2026", "signed_on": "2026-01-05"}
    early = web_login(pw.admin).post(f"{url}/decree", data=decree)
    assert early.status_code == 409
    assert reload(Selection, pw.sel.id).decree_number is None
    client.post("/logout")
    pdf = pdf_bytes()
    with time_machine.travel(pw.sel.objection_closes_at + timedelta(seconds=1), tick=False):
        admin = web_login(pw.admin)
        ok = admin.post(f"{url}/decree", data=decree)
        assert ok.status_code == 302 and ok.location.endswith(url)
        bad = admin.post(
            f"{url}/decree/file",
            data={"file": (io.BytesIO(b"not a pdf"), "sk.pdf")},
            content_type="multipart/form-data",
        )
        assert bad.status_code == 415
        good = admin.post(
            f"{url}/decree/file",
            data={"file": (io.BytesIO(pdf), "sk.pdf")},
            content_type="multipart/form-data",
        )
        assert good.status_code == 302
        client.post("/logout")
        download = client.get(f"/results/selections/{pw.sel.id}/decree.pdf")
    assert download.status_code == 200 and download.data == pdf
    assert reload(Selection, pw.sel.id).decree_number == "SK 7/2026"


def test_pages_closed_to_others(make, web_login, client):
    pw = shortlist_world(make)
    assert client.get(f"{P}/selections/{pw.sel.id}").status_code == 302  # login
    web_login(pw.w.owners[0])
    assert client.get(f"{P}/").status_code == 403
