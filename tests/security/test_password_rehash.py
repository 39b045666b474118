"""A password hash made with older Argon2 parameters is replaced at the next successful login,
so lowering the login cost (benchmarks/deadline_surge.py) reaches existing accounts too."""

from __future__ import annotations

from argon2 import PasswordHasher, extract_parameters

import kipp.auth.passwords as passwords
from kipp.extensions import db
from tests.conftest import PASSWORD

TOKENS = "/api/v1/auth/tokens"
OLD = PasswordHasher(time_cost=3, memory_cost=2048, parallelism=2)


def _stored(user):
    db.session.expire_all()
    return db.session.get(type(user), user.id).password_hash


def test_an_old_hash_is_upgraded_by_a_successful_login(make, client):
    user = make.user("admin")
    user.password_hash = OLD.hash(PASSWORD)
    db.session.commit()
    assert passwords.needs_rehash(_stored(user))

    assert client.post(TOKENS, json={"email": user.email, "password": PASSWORD}).status_code == 201
    upgraded = _stored(user)
    assert not passwords.needs_rehash(upgraded)
    assert extract_parameters(upgraded) == passwords._hasher._parameters
    assert passwords.verify_password(upgraded, PASSWORD)
    # Logging in again with the upgraded hash changes nothing.
    assert client.post(TOKENS, json={"email": user.email, "password": PASSWORD}).status_code == 201
    assert _stored(user) == upgraded


def test_a_wrong_password_never_rewrites_the_hash(make, client):
    user = make.user("admin")
    user.password_hash = old = OLD.hash(PASSWORD)
    db.session.commit()
    resp = client.post(TOKENS, json={"email": user.email, "password": "wrong-" + PASSWORD})
    assert resp.status_code == 401
    assert _stored(user) == old


def test_production_parameters_are_the_owasp_profile():
    # tests/conftest.py swaps in a cheap hasher; the module keeps the production parameters.
    assert passwords.PARAMETERS == {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
    real = PasswordHasher(**passwords.PARAMETERS)
    assert extract_parameters(real.hash("x")).type.name == "ID"
