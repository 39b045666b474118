"""Domain errors raised by services, and how the app answers them.

Under /api/v1 every 4xx/5xx is `application/problem+json` with a machine `code` from the
contract; elsewhere an HTML error page. Any error rolls the session back, so a rejected request
changes nothing.

Database errors that are not bugs get their own answer, wherever they surface (a service's
flush or the view's commit):

- two writers under one version (`StaleDataError` from a `version_id_col`), a deadlock or a
  serialization failure → 409 `stale_version`: the loser reloads and tries again;
- a unique key taken by a concurrent writer (`IntegrityError`, unique violation) → 409 `conflict`;
- the database unreachable (connection refused, dropped or invalidated) → 503
  `service_unavailable` with `Retry-After`; the pool reconnects by itself once it is back;
- a value the database refuses (`DataError`, e.g. out of range) → 422 `validation_error`: the
  request schemas bound values first, this is the net under them.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Flask,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
    session,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from kipp.extensions import db
from kipp.framework_messages import field_messages, http_detail
from kipp.storage.base import StorageUnavailable

CODE_FOR_STATUS = {
    400: "validation_error",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "service_unavailable",
}

RETRY_AFTER_SECONDS = 10


class DomainError(Exception):
    """A rule said no. `status` and `code` follow the API contract's table."""

    status = 400
    code = "validation_error"

    def __init__(self, detail: str = "", *, errors: dict | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra


def _make(name: str, status: int, code: str) -> type[DomainError]:
    return type(name, (DomainError,), {"status": status, "code": code})


ValidationFailed = _make("ValidationFailed", 422, "validation_error")
Unauthenticated = _make("Unauthenticated", 401, "unauthenticated")
Forbidden = _make("Forbidden", 403, "forbidden")
NotFound = _make("NotFound", 404, "not_found")
InvalidStage = _make("InvalidStage", 409, "invalid_stage")
DeadlinePassed = _make("DeadlinePassed", 409, "deadline_passed")
QuotaExceeded = _make("QuotaExceeded", 409, "quota_exceeded")
ConflictOfInterest = _make("ConflictOfInterest", 409, "conflict_of_interest")
Locked = _make("Locked", 409, "locked")
StaleVersion = _make("StaleVersion", 409, "stale_version")
DuplicateValue = _make("DuplicateValue", 409, "conflict")
PayloadTooLarge = _make("PayloadTooLarge", 413, "payload_too_large")
UnsupportedMediaType = _make("UnsupportedMediaType", 415, "unsupported_media_type")
RateLimited = _make("RateLimited", 429, "rate_limited")
ObjectionWindowClosed = _make("ObjectionWindowClosed", 409, "objection_window_closed")
# An invitation or password-reset token that is unknown, used or expired (API v1.1).
InvalidToken = _make("InvalidToken", 422, "invalid_token")


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, code: str, detail: str, errors: dict | None = None, **extra: Any):
    body: dict[str, Any] = {
        "type": f"https://kipp.example/problems/{code}",
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    resp = jsonify(body)
    resp.status_code = status
    resp.content_type = "application/problem+json"
    return resp


def _flatten_webargs(messages: dict) -> dict:
    """webargs nests errors by location ({"json": {...}}); the contract wants field → message."""
    flat: dict[str, Any] = {}
    for location, fields in (messages or {}).items():
        if isinstance(fields, dict):
            for key, value in fields.items():
                flat[str(key)] = value
        else:
            flat[location] = fields
    return flat


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        if is_api_request():
            return problem(exc.status, exc.code, exc.detail, exc.errors, **exc.extra)
        return render_template("errors/error.html", status=exc.status, detail=exc.detail), (
            exc.status
        )

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        db.session.rollback()
        detail = _("The form expired or was sent from elsewhere. Reload the page and try again.")
        if is_api_request():
            return problem(403, "forbidden", detail)
        return render_template("errors/error.html", status=400, detail=detail), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        db.session.rollback()
        status = exc.code or 500
        if is_api_request():
            errors = None
            data = getattr(exc, "data", None)
            if status == 422 and data:
                errors = field_messages(_flatten_webargs(data.get("messages", {})))
            detail = http_detail(exc)
            if status == 422:
                detail = _("The request has invalid fields; see errors.")
            return problem(status, CODE_FOR_STATUS.get(status, "error"), detail, errors)
        detail = http_detail(exc)
        return render_template("errors/error.html", status=status, detail=detail), status

    register_database_error_handlers(app)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        _rollback()
        app.logger.exception("unhandled error")
        if is_api_request():
            return problem(500, "internal_error", _("Internal error."))
        return render_template("errors/error.html", status=500, detail=_("Internal error.")), 500


def _sqlstate(exc: DBAPIError) -> str:
    orig = getattr(exc, "orig", None)
    return str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")


def is_unique_violation(exc: IntegrityError) -> bool:
    """PostgreSQL's unique_violation (23505) or SQLite's "UNIQUE constraint failed"."""
    return _sqlstate(exc) == "23505" or "UNIQUE constraint failed" in str(exc.orig)


def is_lost_race(exc: DBAPIError) -> bool:
    """A deadlock or serialization failure (SQLSTATE class 40): retrying may succeed."""
    return _sqlstate(exc).startswith("40")


# SQLite reports programming errors ("no such table") as OperationalError too: only these
# mean its file cannot be used right now.
_SQLITE_UNAVAILABLE = ("unable to open database file", "database is locked", "disk I/O error")


def is_disconnect(exc: DBAPIError) -> bool:
    """The database could not be reached, dropped the connection or cannot work right now
    (PostgreSQL's OperationalError classes: connection, shutdown, resources, timeouts), as
    opposed to a statement it rejected."""
    if exc.connection_invalidated or isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError) or is_lost_race(exc) or is_too_large(exc):
        return False
    if type(exc.orig).__module__.startswith("sqlite3"):
        return any(text in str(exc.orig) for text in _SQLITE_UNAVAILABLE)
    return True


def is_too_large(exc: DBAPIError) -> bool:
    """PostgreSQL's program_limit_exceeded class (54), e.g. a value too long for an index."""
    return _sqlstate(exc).startswith("54")


def _rollback() -> None:
    """Roll back even when the connection is gone: the pool discards it and reconnects later."""
    try:
        db.session.rollback()
    except Exception:  # a dead connection may refuse even the rollback
        db.session.remove()


def _answer(status: int, code: str, detail: str, errors: dict | None = None):
    if is_api_request():
        return problem(status, code, detail, errors)
    return render_template("errors/error.html", status=status, detail=detail), status


def _offline_locale() -> str:
    """The request's language without the database (the usual selector reads the user)."""
    supported = current_app.config["KIPP_LOCALES"]
    for chosen in (request.args.get("lang"), session.get("lang")):
        if chosen in supported:
            return chosen
    best = request.accept_languages.best_match(supported)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def _unavailable():
    with force_locale(_offline_locale()):
        detail = _("The database cannot be reached right now. Try again in a moment.")
        if is_api_request():
            resp = problem(503, "service_unavailable", detail)
        else:
            # A page of its own (the usual layout reads the logged-in user), and no user to
            # load: Flask-Login's template context would call the user loader otherwise.
            if "_login_user" not in g:
                g._login_user = current_app.login_manager.anonymous_user()
            resp = make_response(render_template("errors/unavailable.html", detail=detail), 503)
    resp.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return resp


def register_database_error_handlers(app: Flask) -> None:
    """The answers the module docstring lists for database errors."""

    def stale() -> tuple:
        detail = _("Someone else changed this meanwhile. Reload it and try again.")
        return _answer(409, "stale_version", detail)

    @app.errorhandler(StaleDataError)
    def stale_data(exc: StaleDataError):
        _rollback()
        return stale()

    @app.errorhandler(StorageUnavailable)
    def storage_unavailable(exc: StorageUnavailable):
        # The file store (kipp.storage) is down: nothing was recorded (the row rolls back).
        _rollback()
        app.logger.warning("file store unavailable: %s", exc)
        detail = _("The file store cannot be reached right now. Try again in a moment.")
        resp = make_response(_answer(503, "service_unavailable", detail))
        resp.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return resp

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        _rollback()
        if isinstance(exc, IntegrityError) and is_unique_violation(exc):
            detail = _("Someone else saved the same thing at the same moment. Reload and check.")
            return _answer(409, "conflict", detail)
        if is_lost_race(exc):
            return stale()
        if is_disconnect(exc):
            app.logger.warning("database unavailable: %s", exc.__class__.__name__)
            return _unavailable()
        if isinstance(exc, DataError) or is_too_large(exc):
            app.logger.warning("value refused by the database", exc_info=exc)
            detail = _("A value is out of range or not in the expected form.")
            return _answer(422, "validation_error", detail)
        app.logger.exception("unhandled database error")
        return _answer(500, "internal_error", _("Internal error."))
