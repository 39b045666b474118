"""API contract § People and agencies: agencies, users, conflicts (admin writes)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from kipp.extensions import db
from kipp.models import Agency, Conflict, User
from tests.conftest import PASSWORD
from tests.helpers import assert_problem, count

AGENCY = {"name": "Kabupaten Banyuwangi", "kind": "kabupaten", "province": "Jawa Timur"}


def no_secrets(body) -> None:
    text = json.dumps(body)
    assert "password" not in text
    assert "argon2" not in text
    assert PASSWORD not in text


def new_user(**kw) -> dict:
    return {
        "email": "budi@example.id",
        "name": "Budi Santoso",
        "role": "evaluator",
        "password": "long-enough-secret",
    } | kw


@pytest.fixture
def admin_api(make, api):
    return api(make.admin())


# ------------------------------------------------------------------ agencies
def test_create_agency(admin_api):
    resp = admin_api.post("/api/v1/agencies", json=AGENCY | {"is_3t": True})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["id"] > 0
    assert body | AGENCY == body
    assert body["is_3t"] is True
    row = db.session.get(Agency, body["id"])
    assert (row.name, row.kind, row.province, row.is_3t) == (
        "Kabupaten Banyuwangi",
        "kabupaten",
        "Jawa Timur",
        True,
    )


def test_is_3t_defaults_to_false(admin_api):
    resp = admin_api.post("/api/v1/agencies", json=AGENCY)
    assert resp.status_code == 201
    assert resp.get_json()["is_3t"] is False


def test_invalid_agency_is_422_with_errors(admin_api, subtests):
    cases = [
        (AGENCY | {"kind": "desa"}, "kind"),
        ({"kind": "kota", "province": "Bali"}, "name"),
        (AGENCY | {"name": ""}, "name"),
        ({"name": "Kota X", "kind": "kota"}, "province"),
        (AGENCY | {"province": "   "}, "province"),
        (AGENCY | {"is_3t": "perhaps"}, "is_3t"),
    ]
    for body, field in cases:
        with subtests.test(field=field, body=body):
            resp = admin_api.post("/api/v1/agencies", json=body)
            problem = assert_problem(resp, 422, "validation_error")
            assert field in problem["errors"]
            assert count(Agency) == 0


def test_duplicate_agency_name_is_refused(admin_api):
    assert admin_api.post("/api/v1/agencies", json=AGENCY).status_code == 201
    resp = admin_api.post("/api/v1/agencies", json=AGENCY | {"name": AGENCY["name"].upper()})
    assert resp.status_code == 409
    assert resp.content_type == "application/problem+json"
    assert count(Agency) == 1


def test_only_admin_creates_agencies(make, api, subtests):
    for role in ("agency", "evaluator", "panelist", "chair"):
        with subtests.test(role=role):
            client = api(make.user(role))
            before = count(Agency)
            assert_problem(client.post("/api/v1/agencies", json=AGENCY), 403, "forbidden")
            assert count(Agency) == before


def test_list_and_get_agencies(make, api):
    for n in range(3):
        make.agency(name=f"Kota {n}", kind="kota", province="Bali")
    reader = api(make.user("evaluator"))
    resp = reader.get("/api/v1/agencies")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["total"] == 3
    assert [a["name"] for a in body["items"]] == ["Kota 0", "Kota 1", "Kota 2"]
    one = body["items"][1]
    resp = reader.get(f"/api/v1/agencies/{one['id']}")
    assert resp.status_code == 200 and resp.get_json() == one


def test_agency_list_pages(make, api):
    for n in range(5):
        make.agency(name=f"Kota {n}")
    a = api(make.admin())
    body = a.get("/api/v1/agencies?page=2&per_page=2").get_json()
    assert body["total"] == 5
    assert [x["name"] for x in body["items"]] == ["Kota 2", "Kota 3"]
    assert a.get("/api/v1/agencies?per_page=200").status_code == 200
    problem = assert_problem(a.get("/api/v1/agencies?per_page=201"), 422, "validation_error")
    assert "per_page" in problem["errors"]
    assert_problem(a.get("/api/v1/agencies?page=0"), 422, "validation_error")


def test_unknown_agency_is_404(admin_api):
    assert_problem(admin_api.get("/api/v1/agencies/9999"), 404, "not_found")


# --------------------------------------------------------------------- users
def test_create_user_without_password_in_response(admin_api):
    resp = admin_api.post("/api/v1/users", json=new_user())
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    no_secrets(body)
    assert body["email"] == "budi@example.id"
    assert body["role"] == "evaluator"
    assert body["active"] is True
    assert isinstance(body["version"], int)
    row = db.session.get(User, body["id"])
    assert row.password_hash.startswith("$argon2id$")
    assert "long-enough-secret" not in row.password_hash


def test_created_user_can_log_in(admin_api, client):
    admin_api.post("/api/v1/users", json=new_user())
    resp = client.post(
        "/api/v1/auth/tokens", json={"email": "budi@example.id", "password": "long-enough-secret"}
    )
    assert resp.status_code == 201


def test_agency_role_requires_agency_id(admin_api, make):
    resp = admin_api.post("/api/v1/users", json=new_user(role="agency"))
    problem = assert_problem(resp, 422, "validation_error")
    assert "agency_id" in problem["errors"]
    assert db.session.scalar(select(User).where(User.email == "budi@example.id")) is None
    agency = make.agency()
    resp = admin_api.post("/api/v1/users", json=new_user(role="agency", agency_id=agency.id))
    assert resp.status_code == 201
    assert resp.get_json()["agency_id"] == agency.id


def test_reviewer_home_agency_is_optional(admin_api, make):
    home = make.agency()
    for n, agency_id in enumerate((home.id, None)):
        resp = admin_api.post(
            "/api/v1/users", json=new_user(email=f"r{n}@x.id", agency_id=agency_id)
        )
        assert resp.status_code == 201, resp.get_json()
        assert resp.get_json()["agency_id"] == agency_id
        assert db.session.get(User, resp.get_json()["id"]).agency_id == agency_id


def test_invalid_user_is_422(admin_api, subtests):
    cases = [
        ({"password": "short"}, "password"),
        ({"role": "superuser"}, "role"),
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "name"),
        ({"agency_id": 9999}, "agency_id"),
    ]
    before = count(User)
    for changes, field in cases:
        with subtests.test(field=field):
            resp = admin_api.post("/api/v1/users", json=new_user(**changes))
            assert field in assert_problem(resp, 422, "validation_error")["errors"]
            assert count(User) == before
    for missing in ("email", "name", "role"):  # no password: an invitation (v1.1)
        with subtests.test(missing=missing):
            body = new_user()
            del body[missing]
            resp = admin_api.post("/api/v1/users", json=body)
            assert missing in assert_problem(resp, 422, "validation_error")["errors"]
            assert count(User) == before


def test_duplicate_email_is_refused(admin_api):
    assert admin_api.post("/api/v1/users", json=new_user()).status_code == 201
    before = count(User)
    resp = admin_api.post("/api/v1/users", json=new_user(email="BUDI@example.id", name="Other"))
    assert resp.status_code == 409
    assert resp.content_type == "application/problem+json"
    assert "email" in resp.get_json()["errors"]
    assert count(User) == before


def test_non_admin_cannot_create_users(make, api, subtests):
    for role in ("agency", "evaluator", "panelist", "chair"):
        with subtests.test(role=role):
            client = api(make.user(role))
            before = count(User)
            resp = client.post("/api/v1/users", json=new_user(role="admin"))
            assert_problem(resp, 403, "forbidden")
            assert count(User) == before
            assert db.session.scalar(select(User).where(User.email == "budi@example.id")) is None


def test_list_users_admin_only_and_without_secrets(make, api):
    admin = make.admin()
    make.user("evaluator")
    make.user("agency")
    body = api(admin).get("/api/v1/users").get_json()
    assert body["total"] == 3
    no_secrets(body)
    assert_problem(api(make.user("chair")).get("/api/v1/users"), 403, "forbidden")


def test_users_me(make, api, subtests):
    for role in ("admin", "agency", "evaluator", "panelist", "chair"):
        with subtests.test(role=role):
            user = make.user(role)
            resp = api(user).get("/api/v1/users/me")
            assert resp.status_code == 200
            body = resp.get_json()
            assert (body["id"], body["email"], body["role"]) == (user.id, user.email, role)
            no_secrets(body)


def test_user_sees_self_but_not_others(make, api):
    me, other = make.user("evaluator"), make.user("evaluator")
    client = api(me)
    assert client.get(f"/api/v1/users/{me.id}").status_code == 200
    assert_problem(client.get(f"/api/v1/users/{other.id}"), 404, "not_found")
    assert_problem(client.get("/api/v1/users/9999"), 404, "not_found")


def test_admin_reads_any_user(make, api):
    other = make.user("agency")
    resp = api(make.admin()).get(f"/api/v1/users/{other.id}")
    assert resp.status_code == 200
    assert resp.get_json()["agency_id"] == other.agency_id


def test_patch_user_role_and_name(make, api):
    admin = make.admin()
    user = make.user("evaluator")
    resp = api(admin).patch(
        f"/api/v1/users/{user.id}", json={"role": "chair", "name": "Ketua Panel"}
    )
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["role"], body["name"]) == ("chair", "Ketua Panel")
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "chair"


def test_patch_user_with_stale_version_is_409(make, api):
    admin = make.admin()
    user = make.user("evaluator")
    a = api(admin)
    version = a.get(f"/api/v1/users/{user.id}").get_json()["version"]
    resp = a.patch(f"/api/v1/users/{user.id}", json={"name": "A", "version": version})
    assert resp.status_code == 200
    assert resp.get_json()["version"] == version + 1
    resp = a.patch(f"/api/v1/users/{user.id}", json={"name": "B", "version": version})
    assert_problem(resp, 409, "stale_version")
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "A"


def test_patch_agency_role_without_agency_is_422(make, api):
    user = make.user("evaluator")
    resp = api(make.admin()).patch(f"/api/v1/users/{user.id}", json={"role": "agency"})
    assert "agency_id" in assert_problem(resp, 422, "validation_error")["errors"]
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "evaluator"


def test_admin_cannot_disable_or_demote_self(make, api):
    admin = make.admin()
    a = api(admin)
    for change in ({"active": False}, {"role": "evaluator"}):
        assert_problem(a.patch(f"/api/v1/users/{admin.id}", json=change), 422, "validation_error")
    db.session.expire_all()
    row = db.session.get(User, admin.id)
    assert (row.role, row.active) == ("admin", True)


def test_non_admin_patch_is_403_on_self_and_404_on_others(make, api):
    me, other = make.user("agency"), make.user("evaluator")
    client = api(me)
    assert_problem(client.patch(f"/api/v1/users/{me.id}", json={"role": "admin"}), 403, "forbidden")
    assert_problem(
        client.patch(f"/api/v1/users/{other.id}", json={"active": False}), 404, "not_found"
    )
    db.session.expire_all()
    assert db.session.get(User, me.id).role == "agency"
    assert db.session.get(User, other.id).active is True


# ----------------------------------------------------------------- conflicts
def test_declare_conflict(make, api):
    reviewer = make.user("evaluator")
    agency = make.agency()
    a = api(make.admin())
    resp = a.post(
        f"/api/v1/users/{reviewer.id}/conflicts",
        json={"agency_id": agency.id, "reason": "Former employer"},
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["user_id"], body["agency_id"], body["reason"]) == (
        reviewer.id,
        agency.id,
        "Former employer",
    )
    shown = a.get(f"/api/v1/users/{reviewer.id}").get_json()["conflicts"]
    assert shown == [{"agency_id": agency.id, "reason": "Former employer"}]


def test_duplicate_conflict_is_refused(make, api):
    reviewer, agency = make.user("evaluator"), make.agency()
    a = api(make.admin())
    body = {"agency_id": agency.id, "reason": "Spouse works there"}
    assert a.post(f"/api/v1/users/{reviewer.id}/conflicts", json=body).status_code == 201
    resp = a.post(f"/api/v1/users/{reviewer.id}/conflicts", json=body)
    assert resp.status_code == 409
    assert resp.content_type == "application/problem+json"
    assert count(Conflict) == 1


def test_invalid_conflict_is_422(make, api, subtests):
    reviewer, agency = make.user("evaluator"), make.agency()
    a = api(make.admin())
    cases = [
        ({"agency_id": 9999, "reason": "x"}, "agency_id"),
        ({"reason": "x"}, "agency_id"),
        ({"agency_id": agency.id, "reason": ""}, "reason"),
        ({"agency_id": agency.id, "reason": "   "}, "reason"),
        ({"agency_id": agency.id}, "reason"),
    ]
    for body, field in cases:
        with subtests.test(field=field, body=body):
            resp = a.post(f"/api/v1/users/{reviewer.id}/conflicts", json=body)
            assert field in assert_problem(resp, 422, "validation_error")["errors"]
            assert count(Conflict) == 0


def test_conflicts_for_unknown_user_is_404(make, api):
    agency = make.agency()
    resp = api(make.admin()).post(
        "/api/v1/users/9999/conflicts", json={"agency_id": agency.id, "reason": "x"}
    )
    assert_problem(resp, 404, "not_found")


def test_reviewer_cannot_declare_conflicts(make, api):
    reviewer, other, agency = make.user("evaluator"), make.user("evaluator"), make.agency()
    body = {"agency_id": agency.id, "reason": "x"}
    client = api(reviewer)
    assert_problem(
        client.post(f"/api/v1/users/{reviewer.id}/conflicts", json=body), 403, "forbidden"
    )
    assert_problem(client.post(f"/api/v1/users/{other.id}/conflicts", json=body), 404, "not_found")
    assert count(Conflict) == 0
