"""Invitations and "forgot password" in a real browser (CSRF on): the link is read from the
queued mail row, as the person would read it from their mailbox."""

from __future__ import annotations

from tests.accounts_email.mailbox import last_link
from tests.browser import keys
from tests.conftest import PASSWORD

NEW_PASSWORD = "lampu-hijau-di-simpang-lima"
NEWER_PASSWORD = "perahu-kertas-di-kali-code"


def _local(link: str, live_server: str) -> str:
    """The mailed link on the test's server (mails carry KIPP_PUBLIC_BASE_URL)."""
    return live_server + "/" + link.split("/", 3)[3]


def _log_in(page, live_server, email, password):
    page.goto(f"{live_server}/login?lang=en")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_load_state()


def test_admin_invites_an_evaluator_who_sets_a_password_and_logs_in(
    browser, live_server, make, login_as, page
):
    admin = make.admin()
    login_as(admin)
    page.goto(f"{live_server}/admin/users?lang=en")
    page.fill("input[name=email]", "ayu.lestari@example.id")
    page.fill("input[name=name]", "Ayu Lestari")
    page.select_option("select[name=role]", "evaluator")
    assert page.input_value("input[name=password]") == ""
    page.click("button:has-text('Create account')")
    page.wait_for_load_state()
    assert "an invitation to set a password was mailed" in page.inner_text("main")
    assert "Invited, no password yet" in page.inner_text("main")

    link = _local(last_link("ayu.lestari@example.id", "invitation"), live_server)
    person = browser.new_context(locale="en-US").new_page()
    person.goto(link + "?lang=en")
    assert "Set your password" in person.inner_text("h1")
    person.fill("input[name=password]", NEW_PASSWORD)
    person.fill("input[name=confirm]", NEW_PASSWORD + "!")
    person.click("button.primary")
    assert "The passwords differ." in person.inner_text("main")
    person.fill("input[name=password]", NEW_PASSWORD)
    person.fill("input[name=confirm]", NEW_PASSWORD)
    person.click("button.primary")
    person.wait_for_load_state()
    assert person.url.startswith(f"{live_server}/login")
    assert "Your password is set." in person.inner_text("main")

    _log_in(person, live_server, "ayu.lestari@example.id", NEW_PASSWORD)
    assert "Ayu Lestari" in person.inner_text("header")
    person.goto(link)
    assert "This link is no longer valid" in person.inner_text("h1")
    person.context.close()


def test_forgot_password_mails_a_link_that_sets_a_new_password(page, live_server, make):
    user = make.user("agency", name="Bambang Sutrisno")
    page.goto(f"{live_server}/login?lang=en")
    page.click("text=Forgot your password?")
    page.fill("input[name=email]", user.email)
    page.click("button.primary")
    page.wait_for_load_state()
    assert "Check your e-mail" in page.inner_text("h1")

    page.goto(_local(last_link(user.email, "password_reset"), live_server))
    assert "Choose a new password" in page.inner_text("h1")
    page.fill("input[name=password]", NEWER_PASSWORD)
    page.fill("input[name=confirm]", NEWER_PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()
    assert "Your password was changed." in page.inner_text("main")
    _log_in(page, live_server, user.email, NEWER_PASSWORD)
    assert "Bambang Sutrisno" in page.inner_text("header")


def test_invitation_and_reset_by_keyboard(browser, live_server, make, page):
    """Both journeys without a mouse: the admin fills the new account (role chosen with the
    arrow keys) and sends it with Enter; the invited person types the passwords (a mismatch
    is tied to its field) and logs in; "Forgot your password?" is reached with Tab and the
    new password set the same way."""
    admin = make.admin()
    keys.login(page, live_server, admin.email, PASSWORD, lang="en")
    page.goto(f"{live_server}/admin/users")
    keys.from_the_top(page)
    keys.type_into(page, page.locator("main input[name=email]"), "ayu.lestari@example.id")
    keys.type_into(page, page.locator("main input[name=name]"), "Ayu Lestari")
    keys.choose(page, page.locator("main select[name=role]"), "evaluator")
    keys.follow(page, page.locator("main button", has_text="Create account"))
    assert "Invited, no password yet" in page.inner_text("main")

    person = browser.new_context(locale="en-US").new_page()
    person.goto(_local(last_link("ayu.lestari@example.id", "invitation"), live_server) + "?lang=en")
    keys.from_the_top(person)
    keys.type_into(person, person.locator("input[name=password]"), NEW_PASSWORD)
    keys.type_into(person, person.locator("input[name=confirm]"), NEW_PASSWORD + "!")
    with person.expect_navigation():
        person.keyboard.press("Enter")
    confirm = person.locator("input[name=confirm]")
    assert confirm.get_attribute("aria-invalid") == "true"
    error_id = confirm.get_attribute("aria-describedby").split()[-1]
    assert "The passwords differ." in person.inner_text(f"#{error_id}")
    keys.from_the_top(person)
    keys.type_into(person, person.locator("input[name=password]"), NEW_PASSWORD)
    keys.type_into(person, confirm, NEW_PASSWORD)
    with person.expect_navigation():
        person.keyboard.press("Enter")
    assert "Your password is set." in person.inner_text("main")
    keys.login(person, live_server, "ayu.lestari@example.id", NEW_PASSWORD)
    assert "Ayu Lestari" in person.inner_text("header")
    person.context.close()

    user = make.user("agency", name="Bambang Sutrisno")
    other = browser.new_context(locale="en-US").new_page()
    other.goto(f"{live_server}/login?lang=en")
    keys.from_the_top(other)
    keys.follow(other, other.get_by_role("link", name="Forgot your password?"))
    keys.type_into(other, other.locator("main input[name=email]"), user.email)
    with other.expect_navigation():
        other.keyboard.press("Enter")
    assert "Check your e-mail" in other.inner_text("h1")
    other.goto(_local(last_link(user.email, "password_reset"), live_server))
    keys.from_the_top(other)
    keys.type_into(other, other.locator("input[name=password]"), NEWER_PASSWORD)
    keys.type_into(other, other.locator("input[name=confirm]"), NEWER_PASSWORD)
    with other.expect_navigation():
        other.keyboard.press("Enter")
    assert "Your password was changed." in other.inner_text("main")
    keys.login(other, live_server, user.email, NEWER_PASSWORD)
    assert "Bambang Sutrisno" in other.inner_text("header")
    other.context.close()
