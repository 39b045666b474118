"""The pages of invitations and password resets, and the admin's side of invitations."""

from __future__ import annotations

from kipp.extensions import db
from kipp.models import User
from kipp.models.account_links import AccountLink
from tests.accounts_email.mailbox import last_link, last_token, mails
from tests.conftest import PASSWORD
from tests.helpers import count

NEW_PASSWORD = "lampu-hijau-di-simpang-lima"


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_login_page_links_to_forgot_password(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/account/forgot"' in page and "Forgot your password?" in page


def test_admin_creates_an_account_without_password_and_can_send_the_invitation_again(
    client, make, web_login
):
    admin = make.admin()
    web_login(admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Leave the password empty" in page and 'name="locale"' in page
    resp = client.post(
        "/admin/users",
        data={
            "email": "sari@example.id",
            "name": "Sari Dewi",
            "role": "evaluator",
            "agency_id": "",
            "password": "",
            "locale": "en",
        },
        follow_redirects=True,
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "an invitation to set a password was mailed" in page
    user = db.session.query(User).filter_by(email="sari@example.id").one()
    assert user.locale == "en" and [m.language for m in mails(user.email)] == ["en"]
    assert "Invited, no password yet" in page
    assert f'action="/admin/users/{user.id}/invitation"' in page

    resp = client.post(f"/admin/users/{user.id}/invitation", follow_redirects=True)
    assert "A new invitation was mailed to sari@example.id" in resp.get_data(as_text=True)
    assert len(mails(user.email, "invitation")) == 2

    # Someone with a password gets no invitation: an error, nothing mailed.
    resp = client.post(f"/admin/users/{admin.id}/invitation", follow_redirects=True)
    assert "already set a password" in resp.get_data(as_text=True)
    assert mails(admin.email) == [] and count(AccountLink) == 2


def test_admin_may_still_type_a_password(client, make, web_login):
    web_login(make.admin())
    resp = client.post(
        "/admin/users",
        data={
            "email": "tono@example.id",
            "name": "Tono",
            "role": "evaluator",
            "agency_id": "",
            "password": NEW_PASSWORD,
        },
    )
    assert resp.status_code == 302
    assert mails("tono@example.id") == [] and count(AccountLink) == 0
    resp = client.post(
        "/admin/users",
        data={
            "email": "tini@example.id",
            "name": "Tini",
            "role": "evaluator",
            "agency_id": "",
            "password": "short",
        },
    )
    assert resp.status_code == 422 and "at least 10 characters" in resp.get_data(as_text=True)


def test_setup_page_sets_the_password_and_the_link_dies(client, make):
    admin = make.admin()
    from kipp.accounts.services import create_user

    user = create_user(admin, "wulan@example.id", "Wulan Sari", "panelist", None)
    db.session.commit()
    url = path_of(last_link(user.email, "invitation"))
    page = client.get(url)
    assert page.status_code == 200 and "wulan@example.id" in page.get_data(as_text=True)

    resp = client.post(url, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert resp.status_code == 422 and "The passwords differ." in resp.get_data(as_text=True)
    resp = client.post(url, data={"password": "password1234", "confirm": "password1234"})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "too common" in text
    assert "password1234" not in text  # never echoed back
    assert count(AccountLink, AccountLink.used_at.isnot(None)) == 0

    resp = client.post(url, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    resp = client.post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert resp.status_code == 302
    gone = client.get(url)
    assert gone.status_code == 404
    assert 'href="/account/forgot"' in gone.get_data(as_text=True)


def test_unknown_links_show_the_invalid_page(client):
    for url in ("/account/setup/nope", "/account/reset/nope", "/account/reset/" + "a" * 300):
        resp = client.get(url)
        assert resp.status_code == 404
        assert "This link is no longer valid" in resp.get_data(as_text=True)
        resp = client.post(url, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        assert resp.status_code == 404


def test_forgot_page_answers_the_same_and_the_reset_page_logs_everyone_out(
    client, make, web_login, app
):
    user = make.user("agency")
    other_browser = app.test_client()
    other_browser.post("/login", data={"email": user.email, "password": PASSWORD})
    web_login(user)
    known = client.post("/account/forgot", data={"email": user.email})
    unknown = client.post("/account/forgot", data={"email": "nobody@example.id"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert mails("nobody@example.id") == []
    url = "/account/reset/" + last_token(user.email, "password_reset")
    resp = client.post(url, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert resp.status_code == 302
    for browser in (client, other_browser):  # this browser's session ended too
        resp = browser.get("/agency/")
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert (
        client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_forgot_page_throttles_and_checks_its_field(client, make):
    user = make.user("agency")
    assert client.post("/account/forgot", data={"email": ""}).status_code == 422
    for _ in range(5):
        assert client.post("/account/forgot", data={"email": user.email}).status_code == 200
    resp = client.post("/account/forgot", data={"email": user.email})
    assert resp.status_code == 429 and "Try again in an hour" in resp.get_data(as_text=True)
    assert len(mails(user.email, "password_reset")) == 5
