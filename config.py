"""Configuration read from the environment.

`create_app()` picks a class by `KIPP_ENV`. Only an explicit `KIPP_ENV=development` (or
`testing`) gets the development defaults (a published `SECRET_KEY` and certificate key, the
demo loader); unset or any other value means production, which refuses to start without
`SECRET_KEY` and `KIPP_CERTIFICATE_KEY` (API contract v1.1 § Running, continued), or without
`KIPP_MAIL_URL` and `KIPP_MAIL_FROM` (development writes mail to `instance/mail/` instead).
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("KIPP_INSTANCE_DIR", BASE_DIR / "instance"))

# Known to everybody: good for a laptop demo and the tests, never for a server.
DEV_SECRET_KEY = "dev-only-not-secret"
DEV_CERTIFICATE_KEY = "dev-only-certificate-key"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'kipp.sqlite3'}")
    # Accept the common short forms and use psycopg 3 for PostgreSQL.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    # SECRET_KEY and KIPP_CERTIFICATE_KEY (which signs certificate check strings, apart from
    # SECRET_KEY so that rotating the session key never invalidates a printed certificate) are
    # read when the app is built: see `keys()`.
    # Whether development conveniences (published keys, `flask seed-demo`) are allowed.
    KIPP_DEV_DEFAULTS = False
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    KIPP_STORAGE_DIR = os.environ.get("KIPP_STORAGE_DIR", str(INSTANCE_DIR / "storage"))
    # Where files live (kipp.storage): `file://<dir>` (default: KIPP_STORAGE_DIR) or
    # `s3://bucket/prefix` (endpoint KIPP_S3_ENDPOINT_URL, credentials from boto3's environment).
    KIPP_STORAGE_URL = os.environ.get("KIPP_STORAGE_URL") or None
    # Each web process keeps public anonymous pages for their max-age (kipp/pagecache.py).
    KIPP_PAGE_CACHE = os.environ.get("KIPP_PAGE_CACHE", "on").lower() not in ("off", "0", "false")
    KIPP_PUBLIC_BASE_URL = os.environ.get("KIPP_PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Mail (kipp.mail.transport): `smtp://[user:pass@]host:port[?starttls=1]`, `smtps://…` or
    # `file:///dir` (one .eml per mail); required in production. KIPP_MAIL_FROM is the sender.
    KIPP_MAIL_URL = os.environ.get("KIPP_MAIL_URL") or None
    KIPP_MAIL_FROM = os.environ.get("KIPP_MAIL_FROM") or None
    # SMTP connection timeout (seconds), tries before a mail is `failed`, first retry delay.
    KIPP_MAIL_TIMEOUT = float(os.environ.get("KIPP_MAIL_TIMEOUT", "30"))
    KIPP_MAIL_MAX_ATTEMPTS = int(os.environ.get("KIPP_MAIL_MAX_ATTEMPTS", "8"))
    KIPP_MAIL_RETRY_SECONDS = float(os.environ.get("KIPP_MAIL_RETRY_SECONDS", "60"))
    # How long a worker owns a mail it is sending, and how long a queued mail may wait for a
    # worker before the reconciler assumes its broker message was lost.
    KIPP_MAIL_LEASE_SECONDS = float(os.environ.get("KIPP_MAIL_LEASE_SECONDS", "300"))
    KIPP_MAIL_PATIENCE_SECONDS = float(os.environ.get("KIPP_MAIL_PATIENCE_SECONDS", "60"))
    CELERY_BROKER_URL = os.environ.get(
        "CELERY_BROKER_URL", f"sqla+sqlite:///{INSTANCE_DIR / 'broker.sqlite3'}"
    )
    # Uploads: 10 MiB per PDF; the request may carry a little multipart overhead.
    KIPP_MAX_UPLOAD_BYTES = int(os.environ.get("KIPP_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
    MAX_CONTENT_LENGTH = KIPP_MAX_UPLOAD_BYTES + 64 * 1024
    KIPP_TOKEN_HOURS = 12
    # Browser sessions (kipp.auth.sessions): end after this long without a request, and in any
    # case this long after the login.
    KIPP_SESSION_IDLE_MINUTES = int(os.environ.get("KIPP_SESSION_IDLE_MINUTES", "120"))
    KIPP_SESSION_MAX_HOURS = int(os.environ.get("KIPP_SESSION_MAX_HOURS", "12"))
    # Number of trusted reverse proxies in front of the app (0: use the socket address).
    KIPP_PROXY_HOPS = int(os.environ.get("KIPP_PROXY_HOPS", "0"))
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    KIPP_LOCALES = ("id", "en")
    WTF_CSRF_TIME_LIMIT = None
    WTF_I18N_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Strict-Transport-Security (kipp.security_headers): production only, where TLS ends at
    # the proxy in front; the app itself never redirects to https.
    KIPP_HSTS = False
    # OpenAPI document served by flask-smorest.
    API_TITLE = "KIPP API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    # Bearer tokens from POST /api/v1/auth/tokens; kipp.api.OpenApiPlugin marks public operations.
    API_SPEC_OPTIONS = {
        "info": {"description": "Errors are application/problem+json (see the contract)."},
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }
    JSON_SORT_KEYS = False

    @classmethod
    def keys(cls) -> dict:
        """The secret keys, read from the environment when the app is built."""
        return {k: os.environ.get(k) or None for k in ("SECRET_KEY", "KIPP_CERTIFICATE_KEY")}

    @classmethod
    def check(cls, config) -> None:
        """Refuse to start with a configuration that is unsafe for this environment."""
        missing = [k for k in ("SECRET_KEY", "KIPP_CERTIFICATE_KEY") if not config.get(k)]
        missing += [k for k in ("KIPP_MAIL_URL", "KIPP_MAIL_FROM") if not config.get(k)]
        if missing:
            raise RuntimeError(
                f"{' and '.join(missing)} must be set: KIPP is running in production mode "
                "(KIPP_ENV is not 'development'). Set them, or set KIPP_ENV=development for a "
                "local demo with published keys."
            )
        cls.check_mail(config)

    @staticmethod
    def check_mail(config) -> None:
        """KIPP_MAIL_URL must parse and KIPP_MAIL_FROM must be one address on one line."""
        from email.utils import parseaddr

        from kipp.mail.transport import parse_url

        try:
            parse_url(config["KIPP_MAIL_URL"])
        except ValueError as exc:
            raise RuntimeError(str(exc)) from None
        sender = config["KIPP_MAIL_FROM"]
        if "\r" in sender or "\n" in sender or "@" not in parseaddr(sender)[1]:
            raise RuntimeError("KIPP_MAIL_FROM must be one address, e.g. KIPP <kipp@example.org>")


DEV_MAIL_URL = (INSTANCE_DIR / "mail").as_uri()  # file:///…/instance/mail
DEV_MAIL_FROM = "KIPP <kipp@localhost>"


class DevelopmentConfig(Config):
    DEBUG = False
    KIPP_DEV_DEFAULTS = True
    KIPP_MAIL_URL = Config.KIPP_MAIL_URL or DEV_MAIL_URL
    KIPP_MAIL_FROM = Config.KIPP_MAIL_FROM or DEV_MAIL_FROM

    @classmethod
    def keys(cls) -> dict:
        keys = super().keys()
        return {
            "SECRET_KEY": keys["SECRET_KEY"] or DEV_SECRET_KEY,
            "KIPP_CERTIFICATE_KEY": keys["KIPP_CERTIFICATE_KEY"] or DEV_CERTIFICATE_KEY,
        }


class TestingConfig(Config):
    TESTING = True
    KIPP_PAGE_CACHE = False  # tests read each answer fresh (tests/directory turns it on)
    KIPP_DEV_DEFAULTS = True
    KIPP_MAIL_URL = Config.KIPP_MAIL_URL or DEV_MAIL_URL
    KIPP_MAIL_FROM = Config.KIPP_MAIL_FROM or DEV_MAIL_FROM
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")

    @classmethod
    def keys(cls) -> dict:
        return {"SECRET_KEY": "testing-secret", "KIPP_CERTIFICATE_KEY": DEV_CERTIFICATE_KEY}


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    KIPP_HSTS = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    """The configuration class for `name` (normally $KIPP_ENV): anything other than an explicit
    'development' or 'testing' — unset, empty, misspelt — is production."""
    return CONFIGS.get((name or "").strip().lower(), ProductionConfig)
