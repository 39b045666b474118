"""Finding 12: while the database is unreachable the app answers 503, and recovers by itself.

API requests get problem+json `service_unavailable` and pages an HTML page, both with
`Retry-After`; neither the answer nor its page needs the database. Once the database is back
the same app (no restart) answers normally again.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import urlsplit

import pytest

from kipp import create_app
from kipp.errors import RETRY_AFTER_SECONDS
from kipp.extensions import db
from tests.conftest import PASSWORD, PG_URL


def fresh_app(url: str, tmp_path):
    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        KIPP_STORAGE_DIR=str(tmp_path / "outage-storage"),
        CELERY_BROKER_URL=f"sqla+sqlite:///{tmp_path / 'outage-broker.sqlite3'}",
    )


def dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


def assert_unavailable_api(resp) -> None:
    assert resp.status_code == 503, resp.get_data(as_text=True)[:500]
    assert resp.content_type == "application/problem+json"
    body = resp.get_json()
    assert (body["status"], body["code"]) == (503, "service_unavailable")
    assert resp.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)


def assert_unavailable_page(resp) -> None:
    assert resp.status_code == 503, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "text/html"
    assert resp.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "503" in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://postgres@127.0.0.1:1/kipp_test_down",  # nothing listens on port 1
        "sqlite:///{tmp}/missing-directory/kipp.sqlite3",  # a file that cannot be opened
    ],
)
def test_unreachable_database_answers_503(app, tmp_path, url):
    down = fresh_app(url.format(tmp=tmp_path), tmp_path)
    client = down.test_client()
    try:
        body = {"email": "admin@example.id", "password": PASSWORD}
        assert_unavailable_api(client.post("/api/v1/auth/tokens", json=body))
        resp = client.get("/api/v1/users/me", headers={"Authorization": "Bearer abc"})
        assert_unavailable_api(resp)
        assert_unavailable_page(client.post("/login", data=body))
    finally:
        dispose(down)


class Proxy:
    """A TCP relay in front of PostgreSQL that can be cut (listener and live connections)."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.server: socket.socket | None = None
        self.sockets: list[socket.socket] = []
        self.running = threading.Event()

    def start(self) -> None:
        self.server = socket.create_server(("127.0.0.1", self.port))
        self.server.settimeout(0.05)
        self.running.set()
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while self.running.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self.running.clear()
        if self.server is not None:
            self.server.close()
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.sockets = []


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: the outage is cut in front of it")
def test_outage_answers_503_and_the_same_app_recovers(app, make, tmp_path):
    admin = make.admin()
    url = urlsplit(app.config["SQLALCHEMY_DATABASE_URI"])
    proxy = Proxy((url.hostname or "127.0.0.1", url.port or 5432))
    proxy.start()
    relayed = url._replace(netloc=f"{url.username}@127.0.0.1:{proxy.port}").geturl()
    served = fresh_app(relayed, tmp_path)
    api, web = served.test_client(), served.test_client()
    try:
        resp = api.post("/api/v1/auth/tokens", json={"email": admin.email, "password": PASSWORD})
        assert resp.status_code == 201
        auth = {"Authorization": f"Bearer {resp.get_json()['token']}"}
        assert api.get("/api/v1/users/me", headers=auth).status_code == 200
        login = {"email": admin.email, "password": PASSWORD}
        assert web.post("/login", data=login).status_code == 302
        assert web.get("/admin/users").status_code == 200

        proxy.stop()  # PostgreSQL "goes away": pooled connections die, new ones are refused
        assert_unavailable_api(api.get("/api/v1/users/me", headers=auth))
        assert_unavailable_api(api.get("/api/v1/competitions", headers=auth))
        assert_unavailable_page(web.get("/admin/users"))

        proxy.start()  # back: the same app, no restart
        resp = api.get("/api/v1/users/me", headers=auth)
        assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
        assert web.get("/admin/users").status_code == 200
    finally:
        proxy.stop()
        dispose(served)
