"""Finding 6: a strict Content-Security-Policy and the other security headers on every
response, HSTS in production only, never a redirect to https; no page needs inline script or
inline style (the browser proof is tests/browser/test_csp.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Response

from config import DevelopmentConfig, ProductionConfig, TestingConfig
from kipp.security_headers import CSP, HSTS, add_security_headers

KIPP = Path(__file__).resolve().parents[2] / "kipp"
EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_secured(resp, csp: str = EXPECTED_CSP) -> None:
    for name, value in ALWAYS.items():
        assert resp.headers.get(name) == value, (name, resp.request.path)
    assert resp.headers.get("Content-Security-Policy") == csp


def test_the_policy_is_the_strict_one():
    assert CSP == EXPECTED_CSP
    assert "unsafe" not in CSP and "*" not in CSP


@pytest.mark.parametrize(
    "path",
    ["/login", "/", "/no-such-page", "/static/kipp.css", "/health", "/api/v1/openapi.json"],
)
def test_anonymous_responses_carry_the_headers(client, path):
    with client.get(path) as resp:
        assert resp.status_code < 500
        assert_secured(resp)
        assert "Strict-Transport-Security" not in resp.headers  # testing: no HSTS


def test_pages_and_api_of_a_logged_in_user_carry_the_headers(make, client, web_login, api):
    admin = make.admin()
    web_login(admin)
    for path in ("/admin/competitions", "/admin/users", "/account/password"):
        resp = client.get(path)
        if resp.status_code == 404:  # a page this build does not have
            continue
        assert resp.status_code == 200, path
        assert resp.mimetype == "text/html"
        assert_secured(resp)
    resp = api(admin).get("/api/v1/competitions")
    assert resp.status_code == 200 and resp.is_json
    assert_secured(resp)
    failed = api(admin).get("/api/v1/competitions/999999")
    assert failed.status_code == 404 and failed.mimetype == "application/problem+json"
    assert_secured(failed)


def test_a_view_with_its_own_stricter_policy_keeps_it(app):
    # e.g. attachment downloads: `default-src 'none'; sandbox`
    with app.test_request_context("/agency/attachments/1"):
        resp = Response("x", headers={"Content-Security-Policy": "default-src 'none'; sandbox"})
        resp = add_security_headers(resp)
    assert resp.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert all(resp.headers[name] == value for name, value in ALWAYS.items())


def test_hsts_only_when_configured_and_never_a_redirect_to_https(app, client):
    assert ProductionConfig.KIPP_HSTS is True
    assert DevelopmentConfig.KIPP_HSTS is False and TestingConfig.KIPP_HSTS is False
    app.config["KIPP_HSTS"] = True
    for headers in ({}, {"X-Forwarded-Proto": "http"}):
        resp = client.get("/login", headers=headers)
        assert resp.status_code == 200  # plain HTTP is served; TLS ends in front of the app
        assert resp.headers["Strict-Transport-Security"] == HSTS
        assert_secured(resp)
    resp = client.get("/no-such-page")
    assert resp.status_code == 404 and resp.headers["Strict-Transport-Security"] == HSTS


# Inline script (other than JSON data islands), inline event handlers and style attributes
# are what the policy blocks; none may appear in a page template.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def page_templates() -> list[Path]:
    root = KIPP / "templates"
    # pdf/ is rendered by WeasyPrint into PDFs and mail/ into mails (whose readers need inline
    # styles); neither is ever served as a page.
    never_served = ("pdf", "mail")
    return sorted(
        p for p in root.rglob("*.html") if p.relative_to(root).parts[0] not in never_served
    )


@pytest.mark.parametrize("template", page_templates(), ids=lambda p: str(p.name))
def test_no_template_needs_unsafe_inline(template):
    text = template.read_text(encoding="utf-8")
    for pattern in (INLINE_SCRIPT, EVENT_HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT):
        found = pattern.search(text)
        assert found is None, f"{template}: {found.group(0) if found else ''}"


def test_scripts_need_no_eval():
    for script in sorted((KIPP / "static").rglob("*.js")):
        text = script.read_text(encoding="utf-8")
        assert not re.search(r"\beval\(|new Function\(|setTimeout\(\s*['\"]", text), script
        assert not re.search(r"setAttribute\(\s*['\"](on[a-z]+|style)['\"]", text), script
