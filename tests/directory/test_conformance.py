"""Every directory answer matches the OpenAPI document (the checker of
tests/services/test_openapi_conformance.py)."""

from __future__ import annotations

from tests.services.test_openapi_conformance import conformance  # noqa: F401  (fixture)

URL = "/api/v1/public/innovations"


def test_directory_answers_conform(world, client, conformance):  # noqa: F811
    for query in ({}, {"q": "kesehatan", "island": "jawa"}, {"per_page": 1, "page": 3}):
        assert client.get(URL, query_string=query).status_code == 200
    assert client.get(URL, query_string={"q": "x" * 201}).status_code == 422
    assert client.get(URL, query_string={"tier": "gold"}).status_code == 422
    for key in ("final", "replica", "consented"):
        assert client.get(f"{URL}/{world.e[key].id}").status_code == 200
    assert client.get(f"{URL}/{world.e['private'].id}").status_code == 404
    assert client.get(f"{URL}.csv").status_code == 200
    first = client.get(URL)
    assert client.get(URL, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert not conformance.failures, "\n".join(conformance.failures)
    assert {status for *_, status in conformance.seen} == {200, 304, 404, 422}
