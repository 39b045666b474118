"""Absolute links for mail: a mail is read outside the app, so every link is absolute and
starts with KIPP_PUBLIC_BASE_URL (the address users reach the app at)."""

from __future__ import annotations

from flask import current_app


def public_url(path: str) -> str:
    """`KIPP_PUBLIC_BASE_URL` + `path` (which must start with "/"), e.g.
    `public_url("/account/reset/abc")` → `https://kipp.example.go.id/account/reset/abc`."""
    if not path.startswith("/"):
        raise ValueError(f"public_url needs a path starting with '/': {path!r}")
    return current_app.config["KIPP_PUBLIC_BASE_URL"].rstrip("/") + path
