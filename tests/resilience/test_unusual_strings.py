"""Finding 11: NUL bytes, lone surrogates, deep nesting and huge texts never crash a request.

Each is refused with 422 `validation_error` naming the field (400 for a body that is not
JSON at all) and nothing is stored. PostgreSQL refuses NUL in text and no UTF-8 form exists
for a lone surrogate, so without the checks these requests fail inside the driver (500).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from kipp.extensions import db
from kipp.models import Agency, AuditEvent, Entry, User
from tests.conftest import PASSWORD
from tests.helpers import assert_problem

BAD = ["Dinas\u0000Kesehatan", "Dinas \ud800 Kesehatan", "\udfff"]


def raw_json(value) -> bytes:
    """JSON text as a client would send it: surrogates escaped as \\udXXX, which is valid JSON."""
    return json.dumps(value).encode()


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def post_json(client, url, value, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(url, data=raw_json(value), headers=headers)


@pytest.mark.parametrize("bad", BAD)
def test_token_endpoint_refuses_bad_text_without_a_session(app, client, make, bad):
    user = make.admin()
    events = count(AuditEvent)
    for body, field in [
        ({"email": bad, "password": PASSWORD}, "email"),
        ({"email": user.email, "password": bad}, "password"),
        ({"email": user.email, "password": PASSWORD, bad: 1}, "body"),
    ]:
        problem = assert_problem(
            post_json(client, "/api/v1/auth/tokens", body), 422, "validation_error"
        )
        assert field in problem["errors"], problem
    assert count(AuditEvent) == events


@pytest.mark.parametrize("bad", BAD)
def test_bad_text_in_bodies_is_refused_and_nothing_stored(app, client, make, api, bad):
    admin = api(make.admin())
    comp = make.competition()
    owner = make.user("agency")
    agencies, users, entries = count(Agency), count(User), count(Entry)
    cases = [
        ("/api/v1/agencies", {"name": bad, "kind": "kota", "province": "Bali"}, "name", admin),
        (
            "/api/v1/users",
            {"email": "a@example.id", "name": bad, "role": "evaluator", "password": PASSWORD},
            "name",
            admin,
        ),
        (
            f"/api/v1/competitions/{comp.id}/entries",
            {
                "title": "Layanan",
                "group": "umum",
                "summary": "Ringkas",
                "answers": {"kebaruan": bad},
                "started_on": "2020-01-01",
            },
            "answers.kebaruan",
            api(owner),
        ),
    ]
    for url, body, field, caller in cases:
        problem = assert_problem(
            post_json(client, url, body, caller.token), 422, "validation_error"
        )
        assert field in problem["errors"], problem
    assert (count(Agency), count(User), count(Entry)) == (agencies, users, entries)


def test_bad_text_in_query_path_and_form(app, client, make, api, web_login):
    admin = make.admin()
    comp = make.competition()
    token = api(admin).token
    headers = {"Authorization": f"Bearer {token}"}
    resp = client.get(f"/api/v1/competitions/{comp.id}/entries?status=a%00b", headers=headers)
    assert "status" in assert_problem(resp, 422, "validation_error")["errors"]
    resp = client.get("/api/v1/certificates/KIPP-2026-000001%00X")
    assert "path" in assert_problem(resp, 422, "validation_error")["errors"]
    resp = client.get("/verify/KIPP-2026-000001%00X")
    assert resp.status_code == 422 and resp.mimetype == "text/html"
    web_login(admin)
    agencies = count(Agency)
    resp = client.post(
        "/admin/agencies", data={"name": "Dinas\x00", "kind": "kota", "province": "Bali"}
    )
    assert resp.status_code == 422 and resp.mimetype == "text/html"
    assert count(Agency) == agencies


@pytest.mark.parametrize("depth", [5000, 100_000])
def test_deeply_nested_json_is_refused(app, client, make, api, depth):
    for body in (
        b"[" * depth + b"]" * depth,
        b'{"email": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b', "password": "x"}',
    ):
        resp = client.post(
            "/api/v1/auth/tokens", data=body, headers={"Content-Type": "application/json"}
        )
        assert_problem(resp, 422, "validation_error")
    # Brackets inside strings are text, not nesting; ordinary bodies pass.
    admin = api(make.admin())
    name = "[" * 90 + "{" * 90
    resp = admin.post("/api/v1/agencies", json={"name": name, "kind": "kota", "province": "X"})
    assert resp.status_code == 201, resp.get_json()
    # A body that is not JSON at all is still the parser's 400, not a 500.
    for body in (b"{", b'{"email": "a", "password": ', b"\xff\xfe", b'{"email": "\x00"}'):
        resp = client.post(
            "/api/v1/auth/tokens", data=body, headers={"Content-Type": "application/json"}
        )
        assert_problem(resp, 400, "validation_error")


# ------------------------------------------------------------------ lengths
def test_a_five_megabyte_summary_is_refused(app, make, api):
    comp = make.competition()
    owner = make.user("agency")
    entries = count(Entry)
    body = {
        "title": "Layanan",
        "group": "umum",
        "summary": "kata " * 1_000_000,
        "answers": make.full_answers(comp),
        "started_on": "2020-01-01",
    }
    resp = api(owner).post(f"/api/v1/competitions/{comp.id}/entries", json=body)
    assert "summary" in assert_problem(resp, 422, "validation_error")["errors"]
    assert count(Entry) == entries


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "x" * 301),
        ("summary", "x" * 5001),
        ("category", "x" * 101),
        ("answers", {"kebaruan": "x" * 30_001}),
        ("answers", {"k" * 51: "x"}),
    ],
)
def test_entry_text_limits(app, make, api, field, value):
    comp = make.competition()
    owner = make.user("agency")
    entry = make.entry(comp, owner)
    resp = api(owner).patch(f"/api/v1/entries/{entry.id}", json={field: value})
    assert field in assert_problem(resp, 422, "validation_error")["errors"]


@pytest.mark.parametrize(
    "url, body, field",
    [
        ("/api/v1/auth/tokens", {"email": "a" * 255, "password": "x"}, "email"),
        ("/api/v1/auth/tokens", {"email": "a@b.id", "password": "x" * 1025}, "password"),
    ],
)
def test_credential_lengths(app, client, url, body, field):
    resp = client.post(url, json=body)
    assert field in assert_problem(resp, 422, "validation_error")["errors"]


def test_free_text_without_a_named_limit_gets_the_default(app, make, api):
    from tests.services.judging_fixtures import assign, evaluation_setup

    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    sheet = assign(w, w.entries[0], w.reviewers[0])
    resp = api(w.admin).post(
        f"/api/v1/assignments/{sheet.id}/score/reopen", json={"reason": "x" * 10_001}
    )
    assert "reason" in assert_problem(resp, 422, "validation_error")["errors"]


def test_web_entry_editor_refuses_a_huge_summary(app, make, web_login):
    comp = make.competition()
    owner = make.user("agency")
    entry = make.entry(comp, owner)
    client = web_login(owner)
    resp = client.post(
        f"/agency/entries/{entry.id}/edit",
        data={"title": "Judul", "group": "umum", "summary": "x" * 5001, "version": entry.version},
    )
    assert resp.status_code == 422
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).summary == "Ringkasan inovasi."


def test_a_form_part_without_a_name_is_refused_not_a_500(app):
    """Found by the fuzzer: a multipart part whose name the parser gave as None."""
    from werkzeug.datastructures import MultiDict

    from kipp import request_guard
    from kipp.errors import DomainError

    for pairs in (MultiDict([(None, "x")]), MultiDict([("kind", None)])):
        with app.test_request_context("/api/v1/agencies", method="POST"):
            try:
                request_guard._check_pairs(pairs, "form")
            except DomainError as exc:
                assert exc.status == 422
            except Exception as exc:  # the answer must be a refusal, never a crash
                raise AssertionError(f"crashed with {exc!r}") from exc
            else:
                raise AssertionError("a part without a name was let through")
