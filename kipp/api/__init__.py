"""The JSON API under /api/v1 (contract: shared api.md), documented at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask, request

from kipp.api import (
    accounts,
    certificates,
    competitions,
    documents,
    entries,
    judging,
    selections,
)
from kipp.api.auth import resolve_api_caller
from kipp.extensions import api, csrf

BLUEPRINTS = (
    accounts.blp,
    competitions.blp,
    entries.blp,
    judging.blp,
    selections.blp,
    certificates.blp,
    documents.blp,
)


def register_api(app: Flask) -> None:
    api.init_app(app)
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
        # Bearer-token writes carry no CSRF token; session writes are checked in
        # resolve_api_caller instead.
        csrf.exempt(blp)

    @app.before_request
    def _api_caller():
        if request.path.startswith("/api/v1/") and request.endpoint != "api-docs.openapi_json":
            resolve_api_caller()
