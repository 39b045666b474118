"""KIPP: the judging workflow of the public-service innovation competition."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from config import INSTANCE_DIR, config_for
from kipp.security_headers import register_security_headers
from kipp.static_cache import register_static_cache


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app. `config_name` defaults to $KIPP_ENV; only an explicit `development` or
    `testing` selects development defaults, anything else (unset included) is production.

    Raises RuntimeError when a key the chosen configuration needs is missing (production
    without SECRET_KEY or KIPP_CERTIFICATE_KEY), before anything else is set up.
    """
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    config = config_for(config_name or os.environ.get("KIPP_ENV"))
    app.config.from_object(config)
    app.config.update(config.keys())
    app.config.update(overrides)
    config.check(app.config)
    Path(app.config["KIPP_STORAGE_DIR"]).mkdir(parents=True, exist_ok=True)
    from kipp.pagecache import PageCache

    # Stored public answers are served in front of the app (kipp/pagecache.py), behind ProxyFix.
    app.wsgi_app = PageCache(app.wsgi_app, app.config)
    if app.config["KIPP_PROXY_HOPS"]:
        # Behind N trusted proxies the client address (used by login throttling) comes from
        # X-Forwarded-For; without them, the header is ignored (it could be forged).
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["KIPP_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_security_headers(app)  # CSP, nosniff, framing, referrer; HSTS in production
    register_static_cache(app)  # versioned /static URLs, cached a year (kipp/static_cache.py)
    return app


def register_extensions(app: Flask) -> None:
    from kipp import forms_i18n
    from kipp.auth.sessions import init_login
    from kipp.extensions import babel, csrf, db, init_celery, migrate
    from kipp.i18n import select_locale

    db.init_app(app)
    init_celery(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories="translations"
    )
    init_login(app)
    forms_i18n.install()
    from kipp.transaction_end import init_transaction_end

    init_transaction_end(app)  # read-only requests end with COMMIT (keeps prepared statements)

    from kipp import models  # noqa: F401  (register tables)
    from kipp.documents import on_close
    from kipp.judging import guards  # noqa: F401  (register the judging stage guards)

    on_close.register()  # leaving a judging round renders its score sheets
    # --- mail-notices: stage hooks
    from kipp.mail import notices

    notices.register()  # leaving screening mails each agency its decisions
    # --- publication: stage guards
    from kipp.publication import guards as publication_guards  # noqa: F401  (register)


def register_blueprints(app: Flask) -> None:
    from kipp.api import register_api
    from kipp.converters import register_converters
    from kipp.errors import register_error_handlers
    from kipp.health import bp as health
    from kipp.request_guard import register_request_guard
    from kipp.web import register_web

    register_converters(app)
    register_error_handlers(app)
    register_request_guard(app)
    register_api(app)
    app.register_blueprint(health)
    register_web(app)


def register_cli(app: Flask) -> None:
    from kipp.cli import register
    from kipp.storage.cli import register as register_storage

    register(app)
    register_storage(app)
