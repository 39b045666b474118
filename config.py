"""Configuration read from the environment.

`create_app()` picks a class by `KIPP_ENV` (development, production, testing). Production has
no insecure defaults: it refuses to start without `SECRET_KEY`.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("KIPP_INSTANCE_DIR", BASE_DIR / "instance"))


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'kipp.sqlite3'}")
    # Accept the common short forms and use psycopg 3 for PostgreSQL.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    KIPP_STORAGE_DIR = os.environ.get("KIPP_STORAGE_DIR", str(INSTANCE_DIR / "storage"))
    KIPP_PUBLIC_BASE_URL = os.environ.get("KIPP_PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    CELERY_BROKER_URL = os.environ.get(
        "CELERY_BROKER_URL", f"sqla+sqlite:///{INSTANCE_DIR / 'broker.sqlite3'}"
    )
    # Uploads: 10 MiB per PDF; the request may carry a little multipart overhead.
    KIPP_MAX_UPLOAD_BYTES = int(os.environ.get("KIPP_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
    MAX_CONTENT_LENGTH = KIPP_MAX_UPLOAD_BYTES + 64 * 1024
    KIPP_TOKEN_HOURS = 12
    # Number of trusted reverse proxies in front of the app (0: use the socket address).
    KIPP_PROXY_HOPS = int(os.environ.get("KIPP_PROXY_HOPS", "0"))
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    KIPP_LOCALES = ("id", "en")
    WTF_CSRF_TIME_LIMIT = None
    WTF_I18N_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # OpenAPI document served by flask-smorest.
    API_TITLE = "KIPP API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    JSON_SORT_KEYS = False


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True

    @classmethod
    def check(cls) -> None:
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production (KIPP_ENV=production).")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
