"""Issue 10, finding 5: common passwords and passwords made of the user's e-mail or name are
refused wherever a password is set; long passphrases are welcome."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from kipp.auth.passwords import MAX_LENGTH, common_passwords, password_problem
from kipp.extensions import db
from kipp.models import User

COMMON = "This password is too common. Choose one that is hard to guess."
PERSONAL = "The password must not contain your name or e-mail address."


def users() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_shipped_list_is_the_real_one(app):
    words = common_passwords()
    assert len(words) > 19_000
    assert {"password", "123456", "qwertyuiop", "iloveyou123", "password1234"} <= words


@pytest.mark.parametrize(
    "password", ["qwertyuiop", "QwertyUIOP", "password1234", " 1234567890 ", "iloveyou123"]
)
def test_common_passwords_are_refused(app, password):
    with force_locale("en"):
        assert password_problem(password) == COMMON


@pytest.mark.parametrize(
    "password",
    [
        "sari.wulandari-2026",  # the e-mail's local part
        "xx-SARIWULANDARI-xx",  # ignoring case and punctuation
        "Dr Sari Wulandari!!",  # the whole name
        "wulandari-from-jepara",  # one long word of the name
    ],
)
def test_passwords_made_of_the_email_or_name_are_refused(app, password):
    with force_locale("en"):
        problem = password_problem(
            password, email="sari.wulandari@menpan.go.id", name="Dr. Sari Wulandari"
        )
    assert problem == PERSONAL


def test_ordinary_and_long_passwords_pass(app):
    owner = {"email": "sari.wulandari@menpan.go.id", "name": "Dr. Sari Wulandari"}
    assert password_problem("correct-horse-battery", **owner) is None
    passphrase = "pelayanan publik yang baik dimulai dari mendengar warga " * 4
    assert len(passphrase) > 200
    assert password_problem(passphrase, **owner) is None
    assert password_problem("x" * MAX_LENGTH + "y") is not None
    assert password_problem("short") is not None


def test_api_create_user_refuses_a_common_password(make, api):
    admin = make.admin()
    before = users()
    resp = api(admin).post(
        "/api/v1/users",
        json={
            "email": "new@example.id",
            "name": "Budi",
            "role": "evaluator",
            "password": "qwertyuiop",
        },
    )
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["errors"]["password"] == [COMMON]
    assert users() == before


def test_api_patch_refuses_a_password_with_the_name(make, api):
    admin = make.admin()
    user = make.user("evaluator", name="Bambang Wicaksono")
    resp = api(admin).patch(f"/api/v1/users/{user.id}", json={"password": "wicaksono-1975!"})
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["errors"]["password"] == [PERSONAL]


def test_api_accepts_a_long_passphrase(make, api, client):
    admin = make.admin()
    user = make.user("evaluator")
    passphrase = "tiga ratus kata tentang inovasi pelayanan publik di kabupaten " * 3
    resp = api(admin).patch(f"/api/v1/users/{user.id}", json={"password": passphrase})
    assert resp.status_code == 200, resp.get_json()
    resp = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": passphrase})
    assert resp.status_code == 201


def test_admin_page_refuses_a_common_password(make, web_login):
    admin = make.admin()
    client = web_login(admin)
    before = users()
    resp = client.post(
        "/admin/users",
        data={
            "email": "new@example.id",
            "name": "Budi",
            "role": "evaluator",
            "agency_id": "",
            "password": "1234567890",
        },
    )
    assert resp.status_code == 422
    assert COMMON in resp.get_data(as_text=True)
    assert users() == before


def test_command_line_refuses_a_password_with_the_email(app):
    args = ["create-user", "--email", "operator@menpan.go.id", "--name", "Tim Sekretariat"]
    result = app.test_cli_runner().invoke(
        args=[*args, "--role", "admin", "--password-stdin"], input="operator-2026-menpan\n"
    )
    assert result.exit_code != 0
    assert gettext(PERSONAL) in result.output  # the command line speaks the default language
    assert users() == 0
