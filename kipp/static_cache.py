"""Static files (kipp/static) cached for a year under versioned URLs (issue 15, item 3).

Guarantees
- `url_for('static', filename=F)`, in any template or code, gives `/static/F?v=<version>`,
  where the version is the first 12 hex digits of the SHA-256 of F's content, recomputed when
  F's modification time or size changes. A changed file therefore has a new URL, and a page
  never combines a new page with an old cached script or stylesheet. A name that is not a
  file under kipp/static gets no version (the URL stays as Flask builds it, and 404s).
- A GET of `/static/F?v=<the current version of F>` answers with
  `Cache-Control: public, max-age=31536000, immutable`: the browser keeps the file a year and
  does not ask again, so a second visit of a page transfers the page alone.
- Any other static request (no `v`, an old or a made-up one) keeps Flask's answer: `no-cache`
  with `ETag` and `Last-Modified`, so a browser revalidates and gets an empty 304. A stale
  version is never cached for long under a URL that now names other content.
- The Content-Security-Policy is untouched: the files keep their origin and path (`'self'`),
  only a query string is added.
"""

from __future__ import annotations

import hashlib
import os
import threading

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
VERSION_ARG = "v"

_versions: dict[str, tuple[int, int, str]] = {}
_lock = threading.Lock()


def version_of(static_folder: str, filename: str) -> str | None:
    """The content version of kipp/static/`filename`, or None if it is no file there."""
    path = safe_join(static_folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path):
        return None
    known = _versions.get(path)
    if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return known[2]
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    version = digest.hexdigest()[:12]
    with _lock:
        _versions[path] = (stat.st_mtime_ns, stat.st_size, version)
    return version


def _add_version(endpoint: str | None, values: dict) -> None:
    if endpoint != "static" or VERSION_ARG in values or "filename" not in values:
        return
    version = version_of(current_app.static_folder, str(values["filename"]))
    if version:
        values[VERSION_ARG] = version


def _cache_versioned(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    asked = request.args.get(VERSION_ARG)
    filename = (request.view_args or {}).get("filename", "")
    if not asked or asked != version_of(current_app.static_folder, filename):
        return response
    response.cache_control.no_cache = None
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    response.cache_control.immutable = True
    return response


def register_static_cache(app: Flask) -> None:
    app.url_defaults(_add_version)
    app.after_request(_cache_versioned)
