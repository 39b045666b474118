"""A live KIPP server in a thread and Playwright driving Debian's /usr/bin/chromium.

CSRF is on here, as in production. Without chromium the browser tests are skipped locally
and fail in CI (CI=true): `make test` installs it with apt.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from kipp import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(app):
    web = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        KIPP_STORAGE_DIR=app.config["KIPP_STORAGE_DIR"],
        CELERY_BROKER_URL=app.config["CELERY_BROKER_URL"],
        WTF_CSRF_ENABLED=True,
    )
    server = make_server("127.0.0.1", 0, web, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    with web.app_context():
        from kipp.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Debian chromium is missing (make test installs it with apt)")
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def login_as(page, live_server):
    from tests.conftest import PASSWORD

    def login(user):
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary")
        page.wait_for_load_state()
        return page

    return login
