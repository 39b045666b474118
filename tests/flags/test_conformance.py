"""Every answer of the flag operations conforms to /api/v1/openapi.json (the checker of
tests/services/test_openapi_conformance.py), success and problem alike."""

from __future__ import annotations

from tests.services.test_openapi_conformance import conformance  # noqa: F401  (fixture)

A = "/api/v1"


def test_flag_answers_conform(app, api, conformance, history):  # noqa: F811
    admin, agency = api(history["admin"]), api(history["users"]["a"])
    twice, comp = history["twice"], history["comp"]
    assert admin.get(f"{A}/entries/{twice.id}/flags").status_code == 200
    assert agency.get(f"{A}/entries/{twice.id}/flags").status_code == 403
    assert api(history["users"]["c"]).get(f"{A}/entries/{twice.id}/flags").status_code == 404
    assert api().get(f"{A}/entries/{twice.id}/flags").status_code == 401
    listing = f"{A}/competitions/{comp.id}/entries"
    assert admin.get(listing, query_string={"flag": "previous_winner"}).status_code == 200
    assert admin.get(listing, query_string={"flag": "nope"}).status_code == 422
    assert agency.get(listing, query_string={"flag": "duplicate_title"}).status_code == 403

    assert not conformance.failures, "\n".join(conformance.failures)
    answered = {(m, p) for m, p, status in conformance.seen if 200 <= status < 300}
    assert ("get", f"{A}/entries/{{entry_id}}/flags") in answered
