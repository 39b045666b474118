"""Every publication operation answers what /api/v1/openapi.json says (success bodies and the
problem statuses, `objection_window_closed` included), checked by the conformance checker of
tests/services/test_openapi_conformance.py."""

from __future__ import annotations

import io
from datetime import timedelta

import time_machine

from tests.helpers import pdf_bytes
from tests.publication.fixtures import ANSWER, A, body, shortlist_world
from tests.services.test_openapi_conformance import conformance  # noqa: F401  (fixture)

OPERATIONS = {
    ("post", "/api/v1/selections/{selection_id}/publish"),
    ("get", "/api/v1/selections/{selection_id}/objections"),
    ("post", "/api/v1/objections/{objection_id}/decision"),
    ("post", "/api/v1/selections/{selection_id}/amend"),
    ("post", "/api/v1/selections/{selection_id}/decree"),
    ("post", "/api/v1/selections/{selection_id}/decree/file"),
    ("post", "/api/v1/public/selections/{selection_id}/objections"),
    ("get", "/api/v1/public/selections/{selection_id}/objections"),
}


def test_publication_operations_conform(make, api, conformance):  # noqa: F811
    pw = shortlist_world(make, publish=False)
    admin, chair, anon = api(pw.admin), api(pw.chair), api()
    sid = pw.sel.id
    assert admin.post(f"{A}/selections/{sid}/publish", json={}).status_code == 200
    assert admin.post(f"{A}/selections/{sid}/publish", json={}).status_code == 409
    url = f"{A}/public/selections/{sid}/objections"
    first = anon.post(url, json=body(pw.entries[0].id))
    assert first.status_code == 201
    assert anon.post(url, json=body(pw.entries[0].id, statement="x")).status_code == 422
    for _ in range(4):
        anon.post(url, json=body(pw.entries[1].id))
    assert anon.post(url, json=body(pw.entries[1].id)).status_code == 429
    assert anon.get(url).status_code == 200
    items = admin.get(f"{A}/selections/{sid}/objections").get_json()["items"]
    decision = {"decision": "uphold", "answer": ANSWER}
    assert admin.post(f"{A}/objections/{items[0]['id']}/decision", json=decision).status_code == 200
    dismiss = {"decision": "dismiss", "answer": ANSWER}
    for item in items[1:]:
        admin.post(f"{A}/objections/{item['id']}/decision", json=dismiss)
    assert admin.post(f"{A}/objections/{items[0]['id']}/decision", json=decision).status_code == 409
    amend = chair.post(f"{A}/selections/{sid}/amend", json={"add": [pw.entries[3].id]})
    assert amend.status_code == 200, amend.get_json()
    with time_machine.travel(pw.sel.objection_closes_at + timedelta(seconds=1), tick=False):
        late = anon.post(url, json=body(pw.entries[1].id))
        assert late.status_code == 409 and late.get_json()["code"] == "objection_window_closed"
        decree = {"number": "SK 3/2026", "signed_on": "2026-01-02"}
        admin = api(pw.admin)  # a token of that day
        assert admin.post(f"{A}/selections/{sid}/decree", json=decree).status_code == 200
        files = f"{A}/selections/{sid}/decree/file"
        for data, status in ((b"not a pdf", 415), (pdf_bytes(), 200)):
            resp = admin.post(
                files,
                data={"file": (io.BytesIO(data), "sk.pdf")},
                content_type="multipart/form-data",
            )
            assert resp.status_code == status
    assert not conformance.failures, "\n".join(conformance.failures)
    answered = {(m, p) for m, p, status in conformance.seen if 200 <= status < 300}
    assert answered >= OPERATIONS
