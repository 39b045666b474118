"""Logging in and switching language in a real browser."""


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
