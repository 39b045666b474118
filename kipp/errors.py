"""Domain errors raised by services, and how the app answers them.

Under /api/v1 every 4xx/5xx is `application/problem+json` with a machine `code` from the
contract; elsewhere an HTML error page. Any error rolls the session back, so a rejected request
changes nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kipp.extensions import db
from kipp.framework_messages import field_messages, http_detail

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
}


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

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        if is_api_request():
            return problem(500, "internal_error", _("Internal error."))
        return render_template("errors/error.html", status=500, detail=_("Internal error.")), 500
