"""Logging in and switching language in a real browser, with the mouse and by keyboard."""

from tests.browser import keys
from tests.conftest import PASSWORD


def test_login_with_csrf_and_language_switch(page, live_server, make, login_as):
    user = make.user("evaluator", name="Dr. Sari Wulandari")
    login_as(user)
    assert "Dr. Sari Wulandari" in page.inner_text("header")
    page.click("a[lang=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Log out").is_visible()


def test_wrong_password_keeps_email_and_says_why(page, live_server, make):
    user = make.user("admin")
    page.goto(f"{live_server}/login?lang=en")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", "wrong-password-here")
    page.click("button.primary")
    assert page.input_value("input[name=email]") == user.email
    assert "Wrong e-mail or password." in page.inner_text("main")


def test_login_and_language_switch_by_keyboard(page, live_server, make):
    """The same journey without a mouse: skip link, typing, Enter, then Tab to the language
    link and Enter; a wrong password is shown tied to the form and keeps the e-mail."""
    user = make.user("evaluator", name="Dr. Sari Wulandari")
    page.goto(f"{live_server}/login?lang=en")
    keys.from_the_top(page)
    keys.type_into(page, page.locator("input[name=email]"), user.email)
    keys.type_into(page, page.locator("input[name=password]"), "wrong-password-here")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Wrong e-mail or password." in page.inner_text("main")
    assert page.input_value("input[name=email]") == user.email
    keys.login(page, live_server, user.email, PASSWORD)
    assert "Dr. Sari Wulandari" in page.inner_text("header")
    keys.from_the_top(page)
    keys.follow(page, page.locator("a[lang=id]"))
    assert page.locator("html").get_attribute("lang") == "id"
    keys.from_the_top(page)
    keys.follow(page, page.locator("a[lang=en]"))
    assert page.locator("html").get_attribute("lang") == "en"
    keys.follow(page, page.get_by_role("button", name="Log out"), key="Space")
    assert page.get_by_role("button", name="Log out").count() == 0
