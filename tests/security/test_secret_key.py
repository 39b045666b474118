"""Issue 10, finding 1: no known session key by default (v1.1 § Running, continued).

Development defaults only with an explicit KIPP_ENV=development; unset or anything else is
production, which refuses to start without SECRET_KEY and KIPP_CERTIFICATE_KEY; `seed-demo`
refuses outside development.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import DEV_CERTIFICATE_KEY, DEV_SECRET_KEY
from kipp import create_app
from kipp.extensions import db
from kipp.models import User

ROOT = Path(__file__).resolve().parents[2]
KEYS = ("KIPP_ENV", "SECRET_KEY", "KIPP_CERTIFICATE_KEY")


@pytest.fixture
def bare_env(monkeypatch, tmp_path):
    """No KIPP_ENV and no keys in the environment; `build()` makes an app from it."""
    for name in KEYS:
        monkeypatch.delenv(name, raising=False)

    def build(config_name=None, **overrides):
        settings = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'kipp.sqlite3'}",
            "KIPP_STORAGE_DIR": str(tmp_path / "storage"),
            "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}",
            "KIPP_MAIL_URL": "smtp://mail.example.org:587?starttls=1",
            "KIPP_MAIL_FROM": "KIPP <kipp@example.org>",
        }
        return create_app(config_name, **(settings | overrides))

    return build


@pytest.mark.parametrize("env", [None, "", "production", "prod", "devel", "staging"])
def test_without_explicit_development_no_secret_key_refuses_to_start(bare_env, monkeypatch, env):
    if env is not None:
        monkeypatch.setenv("KIPP_ENV", env)
    with pytest.raises(RuntimeError, match="SECRET_KEY") as refused:
        bare_env()
    assert "KIPP_ENV=development" in str(refused.value)  # says how to get a demo instead


def test_production_also_needs_a_certificate_key(bare_env, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-session-key")
    with pytest.raises(RuntimeError, match="KIPP_CERTIFICATE_KEY"):
        bare_env()


def test_production_uses_the_keys_it_is_given(bare_env, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-session-key")
    monkeypatch.setenv("KIPP_CERTIFICATE_KEY", "a-long-random-certificate-key")
    app = bare_env()
    assert app.config["SECRET_KEY"] == "a-long-random-session-key"
    assert app.config["KIPP_CERTIFICATE_KEY"] == "a-long-random-certificate-key"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["KIPP_DEV_DEFAULTS"] is False
    assert DEV_SECRET_KEY not in (app.config["SECRET_KEY"], app.config["KIPP_CERTIFICATE_KEY"])


def test_explicit_development_gets_the_published_defaults(bare_env, monkeypatch):
    monkeypatch.setenv("KIPP_ENV", "development")
    app = bare_env()
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY
    assert app.config["KIPP_CERTIFICATE_KEY"] == DEV_CERTIFICATE_KEY
    assert app.config["KIPP_DEV_DEFAULTS"] is True


def test_certificate_key_is_apart_from_the_session_key(bare_env, monkeypatch):
    monkeypatch.setenv("KIPP_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "rotated-session-key")
    app = bare_env()
    assert app.config["KIPP_CERTIFICATE_KEY"] == DEV_CERTIFICATE_KEY


def test_a_cookie_signed_with_the_published_key_is_worthless(bare_env, monkeypatch, make, app):
    """A session cookie made under the published development key (a demo install on the same
    accounts, or a forger who read the source) is no key to a production server."""
    from tests.conftest import PASSWORD

    admin = make.admin()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    monkeypatch.setenv("KIPP_ENV", "development")
    demo = bare_env(SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False)
    monkeypatch.setenv("KIPP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-session-key")
    monkeypatch.setenv("KIPP_CERTIFICATE_KEY", "a-long-random-certificate-key")
    prod = bare_env(SQLALCHEMY_DATABASE_URI=url)
    demo_client = demo.test_client()
    resp = demo_client.post("/login", data={"email": admin.email, "password": PASSWORD})
    assert resp.status_code == 302
    assert demo_client.get("/api/v1/users/me").status_code == 200  # valid where it was made
    client = prod.test_client()
    client.set_cookie("session", demo_client.get_cookie("session").value)
    assert client.get("/api/v1/users/me").status_code == 401
    for other in (demo, prod):
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_seed_demo_refuses_outside_development(app):
    app.config["KIPP_DEV_DEFAULTS"] = False  # as in production (the fixture restores it)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "KIPP_ENV=development" in result.output
    assert "Traceback" not in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_wsgi_without_kipp_env_or_keys_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    env |= {"KIPP_INSTANCE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", "import wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "RuntimeError" in proc.stderr and "SECRET_KEY" in proc.stderr
