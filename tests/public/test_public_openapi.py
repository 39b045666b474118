"""Every answer of the public data API conforms to the OpenAPI document (bodies, 304, 404,
422), checked with the conformance checker of tests/services/test_openapi_conformance.py."""

from __future__ import annotations

from tests.public.fixtures import fix_by_decree
from tests.services.test_openapi_conformance import conformance  # noqa: F401  (fixture)

A = "/api/v1/public"


def test_public_answers_conform_to_the_document(pw, client, conformance):  # noqa: F811
    fix_by_decree(pw.shortlist, pw.admin)  # a decree with its file, so `decree` is an object
    for url in (
        f"{A}/competitions",
        f"{A}/selections/{pw.shortlist.id}",
        f"{A}/selections/{pw.fixed.id}",
        f"{A}/results.csv?competition_id={pw.comp.id}",
        f"{A}/results.csv",
    ):
        first = client.get(url)
        assert first.status_code == 200, url
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get(f"{A}/selections/{pw.unpublished.id}").status_code == 404
    assert client.get(f"{A}/results.csv?competition_id={pw.draft.id}").status_code == 404
    assert client.get(f"{A}/results.csv?competition_id=x").status_code == 422
    assert client.get(f"{A}/competitions", headers={"Authorization": "Bearer x"}).status_code == 401
    assert not conformance.failures, conformance.failures
    statuses = {(path, status) for _, path, status in conformance.seen}
    assert (f"{A}/selections/{{selection_id}}", 304) in statuses
    assert (f"{A}/results.csv", 422) in statuses
