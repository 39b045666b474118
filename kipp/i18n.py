"""Language choice: ?lang= (remembered in the session), the user's setting, then the browser."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    if not has_request_context():  # CLI, workers: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    supported = current_app.config["KIPP_LOCALES"]
    chosen = request.args.get("lang")
    if chosen in supported:
        if not request.path.startswith("/api/"):
            session["lang"] = chosen
        return chosen
    if session.get("lang") in supported:
        return session["lang"]
    user = getattr(g, "api_user", None) or (
        current_user if current_user and current_user.is_authenticated else None
    )
    if user is not None and getattr(user, "locale", None) in supported:
        return user.locale
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(supported) or "en"
    return (
        request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )
