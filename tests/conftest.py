"""Shared fixtures.

Database: PostgreSQL when DATABASE_URL is set (its name must contain "test": the suite empties
it), SQLite otherwise. The schema is built once per run by the Alembic migrations, never by
create_all: on SQLite a migrated template file is copied for each test; on PostgreSQL every
table is truncated after each test.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

import kipp.auth.passwords as passwords
from kipp import create_app
from kipp.extensions import db

# Argon2id still, with cheap parameters: the suite hashes hundreds of passwords.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
passwords._DUMMY = passwords._hasher.hash("not-a-real-password")

PASSWORD = "correct-horse-battery"
PG_URL = os.environ.get("DATABASE_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"
# The fixtures call create_app("testing"); whatever builds an app from the environment instead
# gets the test configuration explicitly too (an unset KIPP_ENV means production).
os.environ["KIPP_ENV"] = "testing"


# With CI=true a skip fails the test unless its reason is listed here. The SQLite pass skips
# the PostgreSQL-only race tests (the PostgreSQL pass runs them); nothing else may skip.
ALLOWED_CI_SKIPS = () if PG_URL else ("needs PostgreSQL",)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (IN_CI and report.skipped) or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    if not any(allowed in reason for allowed in ALLOWED_CI_SKIPS):
        report.outcome = "failed"
        report.longrepr = f"unexpected skip with CI=true: {reason}"


def _normalise(url: str) -> str:
    for short in ("postgres://", "postgresql://"):
        if url.startswith(short):
            return "postgresql+psycopg://" + url[len(short) :]
    return url


def _migrate(url: str, tmp_dir) -> None:
    from flask_migrate import upgrade

    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=url, KIPP_STORAGE_DIR=str(tmp_dir / "storage")
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """The URL of a migrated, empty database for this run."""
    tmp = tmp_path_factory.mktemp("db")
    if PG_URL:
        url = _normalise(PG_URL)
        if "test" not in url.rsplit("/", 1)[-1]:
            pytest.exit(f"refusing to empty a database whose name lacks 'test': {url}", 2)
        try:
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            engine.dispose()
        except Exception as exc:  # CI must fail loudly, never skip
            pytest.exit(f"PostgreSQL at DATABASE_URL is unreachable: {exc}", 3)
        _migrate(url, tmp)
        return {"url": url, "template": None}
    template = tmp / "template.sqlite3"
    _migrate(f"sqlite:///{template}", tmp)
    return {"url": None, "template": template}


def _truncate(url: str, attempts: int = 3) -> None:
    """Empty every table. A process a test started (a rehearsal host, a worker) may still be
    reading when the test ends: PostgreSQL may then pick this TRUNCATE as a deadlock's victim,
    and it is simply run again."""
    engine = create_engine(url)
    try:
        for attempt in range(1, attempts + 1):
            try:
                with engine.begin() as conn:
                    tables = [
                        r[0]
                        for r in conn.execute(
                            text(
                                "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                                "AND tablename <> 'alembic_version'"
                            )
                        )
                    ]
                    if tables:
                        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
                return
            except OperationalError as exc:
                if "deadlock detected" not in str(exc) or attempt == attempts:
                    raise
    finally:
        engine.dispose()


def _fresh_request_globals():
    # The test holds one app context (and so one `g`) open across requests; a real server
    # starts each request with an empty `g` (user, caller, language), so empty it here.
    from flask import g

    g.__dict__.clear()


@pytest.fixture(scope="session")
def _session_app(database, tmp_path_factory):
    """One app for the run: building the OpenAPI document per test costs more than the test."""
    if database["url"]:
        url = database["url"]
    else:
        path = tmp_path_factory.mktemp("live") / "kipp.sqlite3"
        shutil.copy(database["template"], path)
        url = f"sqlite:///{path}"
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        KIPP_STORAGE_DIR=str(tmp_path_factory.mktemp("storage")),
        CELERY_BROKER_URL=f"sqla+sqlite:///{tmp_path_factory.mktemp('broker')}/broker.sqlite3",
    )
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    return app


@pytest.fixture
def app(_session_app, database, tmp_path):
    """The app with an empty migrated database, its own storage and broker directories, and
    its configuration restored after the test."""
    app = _session_app
    saved = dict(app.config)
    app.config.update(
        KIPP_STORAGE_DIR=str(tmp_path / "storage"),
        CELERY_BROKER_URL=f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}",
        KIPP_MAIL_URL=f"file://{tmp_path / 'mail'}",
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    app.config.clear()
    app.config.update(saved)
    if database["url"]:
        _truncate(database["url"])
    else:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        shutil.copy(database["template"], url.removeprefix("sqlite:///"))


@pytest.fixture
def client(app):
    """A browser-like client that prefers English, so assertions can read the msgids; the
    product's default (Indonesian) is tested explicitly with ?lang=id or Accept-Language."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def is_postgres(app):
    return db.engine.dialect.name == "postgresql"


# ----------------------------------------------------------------- factories
@pytest.fixture
def make(app):
    return Factory()


class Factory:
    """Builds rows through the services, so audit events exist as in real use."""

    def __init__(self):
        self.n = 0

    def _next(self) -> int:
        self.n += 1
        return self.n

    def admin(self, **kw):
        return self.user("admin", **kw)

    def agency(self, name=None, kind="kabupaten", province="Jawa Tengah", is_3t=False):
        from kipp.accounts.services import create_agency

        agency = create_agency(None, name or f"Agency {self._next()}", kind, province, is_3t)
        db.session.commit()
        return agency

    def user(self, role, agency=None, email=None, name=None):
        from kipp.accounts.services import create_user

        if role == "agency" and agency is None:
            agency = self.agency()
        n = self._next()
        user = create_user(
            None,
            email or f"{role}{n}@example.id",
            name or f"{role.title()} {n}",
            role,
            PASSWORD,
            agency.id if agency else None,
        )
        db.session.commit()
        return user

    def competition(self, stage="submission", opens=None, closes=None, **data):
        from kipp.competitions.defaults import EVALUATION_CRITERIA_2023
        from kipp.competitions.services import create_competition
        from kipp.models import Competition

        now = datetime.now(UTC)
        payload = {
            "name": f"KIPP Test {self._next()}",
            "year": 2026,
            "submission_opens_at": opens or now - timedelta(days=10),
            "submission_closes_at": closes or now + timedelta(days=10),
            "criteria": EVALUATION_CRITERIA_2023,
        } | data
        comp = create_competition(None, payload)
        db.session.flush()
        # Jump straight to the requested stage (the stage rules have their own tests).
        db.session.execute(
            db.update(Competition).where(Competition.id == comp.id).values(stage=stage)
        )
        db.session.commit()
        db.session.refresh(comp)
        return comp

    @staticmethod
    def full_answers(comp) -> dict:
        return {
            c.code: f"Jawaban lengkap untuk {c.name}." for c in comp.round_criteria("evaluation")
        }

    def entry(self, comp, agency_user, status="draft", group="umum", **fields):
        """An entry of `agency_user`'s agency, complete unless fields say otherwise."""
        from datetime import date

        from kipp.models import Entry

        entry = Entry(
            competition_id=comp.id,
            agency_id=agency_user.agency_id,
            title=fields.pop("title", f"Inovasi {self._next()}"),
            group=group,
            summary=fields.pop("summary", "Ringkasan inovasi."),
            answers=fields.pop("answers", self.full_answers(comp)),
            started_on=fields.pop("started_on", date(2020, 1, 1)),
            replicates=fields.pop("replicates", "Inovasi asal" if group == "replikasi" else None),
            status=status,
            submitted_at=datetime.now(UTC) if status != "draft" else None,
            **fields,
        )
        db.session.add(entry)
        db.session.commit()
        return entry


# ----------------------------------------------------------------- API helper
class ApiClient:
    """The Flask test client with a bearer token and JSON by default."""

    def __init__(self, client, token=None):
        self.client, self.token = client, token

    def _headers(self, headers):
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        return h

    def get(self, url, **kw):
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url, json=None, **kw):
        return self.client.post(
            url, json=json, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def put(self, url, json=None, **kw):
        return self.client.put(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, url, json=None, **kw):
        return self.client.patch(
            url, json=json, headers=self._headers(kw.pop("headers", None)), **kw
        )


@pytest.fixture
def api(client):
    """`api(user)` → an ApiClient logged in as `user`; `api()` → anonymous."""

    def login(user=None):
        if user is None:
            return ApiClient(client)
        resp = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD})
        assert resp.status_code == 201, resp.get_json()
        return ApiClient(client, resp.get_json()["token"])

    return login


@pytest.fixture
def web_login(client):
    """`web_login(user)` logs the test client in through the login form."""

    def login(user):
        resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert resp.status_code == 302, resp.data[:500]
        return client

    return login
