"""Every answer of the account-link operations conforms to /api/v1/openapi.json (the checker of
tests/services/test_openapi_conformance.py), success and problem alike."""

from __future__ import annotations

from tests.accounts_email.mailbox import last_token
from tests.services.test_openapi_conformance import conformance  # noqa: F401  (fixture)

A = "/api/v1"
NEW_PASSWORD = "lampu-hijau-di-simpang-lima"


def test_account_link_answers_conform(client, conformance, make, api):  # noqa: F811
    admin = api(make.admin())
    body = {"email": "sinta@example.id", "name": "Sinta Maharani", "role": "evaluator"}
    assert admin.post(f"{A}/users", json=body | {"locale": "en"}).status_code == 201
    invitation = last_token("sinta@example.id", "invitation")
    accept = f"{A}/auth/invitations/accept"
    assert client.post(accept, json={"token": invitation, "password": "x"}).status_code == 422
    assert client.post(accept, json={"token": "nope", "password": NEW_PASSWORD}).status_code == 422
    assert client.post(accept, json={"token": invitation}).status_code == 422
    ok = client.post(accept, json={"token": invitation, "password": NEW_PASSWORD})
    assert ok.status_code == 204

    reset = f"{A}/auth/password-reset"
    for _ in range(5):
        assert client.post(reset, json={"email": "sinta@example.id"}).status_code == 202
    assert client.post(reset, json={"email": "sinta@example.id"}).status_code == 429
    token = last_token("sinta@example.id", "password_reset")
    confirm = f"{A}/auth/password-reset/confirm"
    done = client.post(confirm, json={"token": token, "password": "perahu-kertas-di-kali"})
    assert done.status_code == 204
    again = client.post(confirm, json={"token": token, "password": "perahu-kertas-di-kali"})
    assert again.status_code == 422 and again.get_json()["code"] == "invalid_token"

    assert not conformance.failures, "\n".join(conformance.failures)
    answered = {(m, p) for m, p, status in conformance.seen if 200 <= status < 300}
    assert {("post", accept), ("post", reset), ("post", confirm), ("post", f"{A}/users")} <= (
        answered
    )
