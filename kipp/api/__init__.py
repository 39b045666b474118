"""The JSON API under /api/v1 (contract: shared api.md), documented at /api/v1/openapi.json.

The document is checkable: every operation names its success body (`kipp.api.responses*`) and
the problem+json errors it can answer; nothing is left to a catch-all `default` response.
"""

from __future__ import annotations

from apispec import BasePlugin
from flask import Flask, request

from kipp.api import (
    account_links,
    accounts,
    certificates,
    competitions,
    directory,
    documents,
    drafts,
    entries,
    flags,
    invitations,
    judging,
    mail,
    public,
    publication,
    schedule,
    selections,
    themes,
)
from kipp.api.auth import resolve_api_caller
from kipp.api.responses_base import PROBLEM, PROBLEM_SCHEMAS, Problem, problem_response
from kipp.extensions import api, csrf

BLUEPRINTS = (
    accounts.blp,
    competitions.blp,
    entries.blp,
    judging.blp,
    selections.blp,
    certificates.blp,
    documents.blp,
    mail.blp,
    account_links.blp,
    publication.blp,
    public.blp,
    directory.blp,
    themes.blp,
    flags.blp,
    invitations.blp,
    drafts.blp,
    schedule.blp,
)

WRITES = ("post", "put", "patch", "delete")
# Operations anyone may call without logging in (a bad bearer token still answers 401).
PUBLIC = {
    ("post", "/api/v1/auth/tokens"),
    ("get", "/api/v1/certificates/{code}"),
    ("post", "/api/v1/auth/invitations/accept"),
    ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/confirm"),
}
# Everything under this prefix is public data (API v1.1 § Public data).
PUBLIC_PREFIX = "/api/v1/public/"


def is_public(method: str, path: str) -> bool:
    """True for an operation anyone may call without logging in."""
    return (method, path) in PUBLIC or path.startswith(PUBLIC_PREFIX)


# The HTTP server's own refusal, before the application: gunicorn.conf.py caps the request line
# at 8,190 bytes. Every URL whose query values keep within their documented bounds fits under it
# (tests/api_contract checks the longest); longer values are answered by gunicorn's HTML page.
URI_TOO_LONG = {
    "description": "The request line is longer than 8,190 bytes (a query value beyond its "
    "documented length); the HTTP server answers before the application, with a short HTML page.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


class OpenApiPlugin(BasePlugin):
    """Documents the problem+json answers every operation shares and drops `default`.

    Every operation: 401 (a missing, expired or revoked token). With a path parameter: 404.
    Writes: 403 (role or state; for a browser session also a missing CSRF token), except the
    token exchange. With a request body: 400 (unreadable), 413 (too large), 422 (invalid).
    Statuses particular to an operation come from `@blp.doc(responses=problems(...))`.
    """

    def init_spec(self, spec):
        super().init_spec(spec)
        for status, schema in PROBLEM_SCHEMAS.items():
            name = problem_response(status)
            spec.components.schema(name, schema=schema)
            content = {PROBLEM: {"schema": name}}
            spec.components.response(name, {"description": "Problem", "content": content})

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            if method not in ("get", *WRITES):
                continue
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            responses.pop("default", None)
            shared = {401}
            if "{" in (path or ""):
                shared.add(404)
            if method in WRITES and not is_public(method, path or ""):
                shared.add(403)
            if "requestBody" in operation:
                shared |= {400, 413, 422}
            if "422" in responses:  # flask-smorest's own 422 for @blp.arguments
                responses["422"] = problem_response(422)
            for status in sorted(shared):
                responses.setdefault(str(status), problem_response(status))
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                responses["414"] = URI_TOO_LONG
            operation["responses"] = dict(sorted(responses.items()))
            if is_public(method, path or ""):
                operation["security"] = []


def register_api(app: Flask) -> None:
    # flask-smorest's own error schema (integer `code`, no extra members) and its catch-all
    # `default` response describe bodies this app never sends.
    api.ERROR_SCHEMA = Problem
    api.DEFAULT_ERROR_RESPONSE_NAME = None
    api.init_app(app, spec_kwargs={"extra_plugins": [OpenApiPlugin()]})
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
        # Bearer-token writes carry no CSRF token; session writes are checked in
        # resolve_api_caller instead.
        csrf.exempt(blp)

    @app.before_request
    def _api_caller():
        if request.path.startswith("/api/v1/") and request.endpoint != "api-docs.openapi_json":
            resolve_api_caller()

    @app.after_request
    def _no_content(response):
        # A 204 has no body (RFC 9110 § 15.3.5), so it names no media type either.
        if response.status_code == 204:
            response.set_data(b"")
            response.headers.pop("Content-Type", None)
        return response
