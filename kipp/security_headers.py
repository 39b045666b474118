"""HTTP security headers on every response (security review, finding 6).

Guarantees
- Every response carries `Content-Security-Policy: CSP` unless its view set a stricter one of
  its own (attachment downloads send `default-src 'none'; sandbox`). The policy allows scripts,
  styles, fonts, fetches and form targets from this origin only, images also as `data:`, no
  plugins, no `<base>`, no framing. No page may use an inline script, an inline event handler
  (`onclick=`) or a `style="…"` attribute: scripts live in `kipp/static/`, page data travels
  in `<script type="application/json">` islands (read, never executed) and `data-*`
  attributes; scripts may still set `element.style` (the CSSOM is not inline style).
- Every response carries `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`
  and `X-Frame-Options: DENY` (for browsers without `frame-ancestors`).
- `Strict-Transport-Security` only when `KIPP_HSTS` is on (ProductionConfig): TLS ends at the
  proxy in front of the app (API contract v1.1 § Running, continued). The app never redirects
  to https itself, and browsers ignore HSTS received over plain HTTP.

Why not flask-talisman: its defaults redirect to https and force Secure session cookies (both
would have to be switched off here, and the second belongs to the config classes), its last
release is from 2023, and the policy above is static, so one `after_request` says it all.
"""

from __future__ import annotations

from flask import Flask, Response, current_app

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    for name, value in ALWAYS.items():
        headers.setdefault(name, value)
    if current_app.config.get("KIPP_HSTS"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)
