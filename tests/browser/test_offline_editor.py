"""The entry editor when the connection drops while the agency types (issue 15, item 3).

The browser is taken offline and back through the Chrome DevTools Protocol
(`Network.emulateNetworkConditions`), as a mobile connection in a 3T region would drop.
"""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import Error, expect
from werkzeug.serving import make_server

from kipp import create_app
from kipp.extensions import db
from kipp.models import Entry
from tests.browser import keys
from tests.conftest import PASSWORD

OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
ONLINE = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
NO_CONNECTION = "No connection"
WAIT = 15_000  # ms: the autosave interval is 4 s and the machine is shared


class Cut:
    """The network between the browser and the app, as a switch: while it is cut, the app
    answers nothing but 503 (the browser's own offline emulation stays the main tool)."""

    def __init__(self, wsgi_app):
        self.down = threading.Event()
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if self.down.is_set():
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"network cut"]
        return self.wsgi_app(environ, start_response)


@pytest.fixture
def cut():
    return {}


@pytest.fixture
def live_server(app, cut):
    """tests/browser/conftest.py's live server, with its network behind a `Cut` switch."""
    web = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        KIPP_STORAGE_DIR=app.config["KIPP_STORAGE_DIR"],
        CELERY_BROKER_URL=app.config["CELERY_BROKER_URL"],
        WTF_CSRF_ENABLED=True,
    )
    cut["switch"] = switch = Cut(web.wsgi_app)
    web.wsgi_app = switch
    server = make_server("127.0.0.1", 0, web, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    with web.app_context():
        db.engine.dispose()


def network(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    return cdp


def saved_answer(entry_id: int, code: str) -> str | None:
    db.session.expire_all()
    return db.session.get(Entry, entry_id).answers.get(code)


def local_copy(page, entry_id: int) -> str:
    return page.evaluate(f"localStorage.getItem('kipp:entry:{entry_id}')") or ""


def is_patch(entry_id: int):
    url = f"/api/v1/entries/{entry_id}"
    return lambda r: r.request.method == "PATCH" and r.url.endswith(url)


def typist(page, hands: str):
    """How the test types into a field: Playwright's fill(), or by keyboard (Tab to the
    field from the top of the page, then the keys)."""
    if hands == "mouse":
        return lambda selector, text: page.fill(selector, text)

    def type_it(selector: str, text: str) -> None:
        keys.from_the_top(page)
        keys.type_into(page, page.locator(selector), text)

    return type_it


@pytest.fixture
def editing(request, page, live_server, make, login_as):
    """The editor of a fresh draft, logged in with the mouse or (param "keyboard") by
    keyboard; yields the page, its CDP session, the entry's id, its address and a typist."""
    hands = getattr(request, "param", "mouse")
    comp = make.competition()
    user = make.user("agency")
    entry = make.entry(comp, user, title="Layanan Cepat")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    if hands == "keyboard":
        keys.login(page, live_server, user.email, PASSWORD, lang="en")
    else:
        login_as(user)
        page.goto(f"{live_server}/agency/?lang=en")
    url = f"{live_server}/agency/entries/{entry.id}/edit"
    page.goto(url)
    yield page, network(page), entry.id, url, typist(page, hands)
    assert errors == []


@pytest.mark.parametrize("editing", ["mouse", "keyboard"], indirect=True)
def test_offline_while_typing_says_so_keeps_the_text_and_saves_it_when_back(editing):
    page, cdp, eid, _url, type_into = editing
    status = page.locator("#autosave-status")
    cdp.send("Network.emulateNetworkConditions", OFFLINE)
    typed = "Teks yang diketik tanpa sinyal di Kabupaten Nduga"
    type_into("#ans_kebaruan", typed)
    expect(status).to_contain_text(NO_CONNECTION)
    assert typed in local_copy(page, eid)  # kept at once, not only after a failed save
    # More typing while offline: the copy follows every change, nothing reaches the server.
    type_into("#ans_kebaruan", typed + " dan Asmat")
    assert typed + " dan Asmat" in local_copy(page, eid)
    page.wait_for_timeout(4_500)  # one autosave interval passes while offline
    expect(status).to_contain_text(NO_CONNECTION)
    assert saved_answer(eid, "kebaruan") != typed + " dan Asmat"
    # The connection returns: the text is saved without waiting for the next tick.
    with page.expect_response(is_patch(eid), timeout=WAIT) as answer:
        cdp.send("Network.emulateNetworkConditions", ONLINE)
    assert answer.value.status == 200
    expect(status).to_contain_text("Saved", timeout=WAIT)
    assert saved_answer(eid, "kebaruan") == typed + " dan Asmat"
    assert local_copy(page, eid) == ""  # the copy is dropped once the server has the text


def test_reload_while_offline_keeps_the_typed_text(editing, cut):
    """A reload offline cannot reach the server: the text stays on the device, and the next
    visit (the tab closed meanwhile, so nothing could save it) offers it back.

    The failed reload moves the tab to another renderer (chrome-error://), and the emulation
    leaves the old document, which comes back online for the moment before it unloads and
    could save, as no device with a dead connection can: so the app's side of the network is
    cut too (`Cut`) until the tab is closed."""
    page, cdp, eid, url, _type_into = editing
    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved changes?"
    cdp.send("Network.emulateNetworkConditions", OFFLINE)
    cut["switch"].down.set()
    typed = "Jawaban panjang yang belum tersimpan"
    page.fill("#ans_signifikansi", typed)
    expect(page.locator("#autosave-status")).to_contain_text(NO_CONNECTION)
    with pytest.raises(Error, match="ERR_INTERNET_DISCONNECTED"):
        page.reload()
    later = page.context.new_page()
    page.close()  # the tab is closed before the connection returns
    cut["switch"].down.clear()
    later.goto(url)
    assert later.input_value("#ans_signifikansi") != typed  # the server never had it...
    assert typed in local_copy(later, eid)  # ...but the device kept it
    restore = later.locator("#autosave-restore button.primary")
    expect(restore).to_be_visible()
    with later.expect_response(is_patch(eid), timeout=WAIT):
        restore.click()
    assert later.input_value("#ans_signifikansi") == typed
    expect(later.locator("#autosave-status")).to_contain_text("Saved", timeout=WAIT)
    assert saved_answer(eid, "signifikansi") == typed
