"""The one way a stored PDF leaves the app: as a download, never sniffed or cached publicly.

`pdf_download(read, filename)` calls `read()` for the bytes (FileNotFoundError or ValueError
→ kipp.errors.NotFound, 404; StorageUnavailable propagates → 503) and answers them as an
attachment named `filename` (any Unicode: Werkzeug writes the RFC 6266 `filename*` form), with
`nosniff`, a sandboxing CSP (a PDF opened in the browser runs nothing) and
`Cache-Control: private, no-store` (downloads pass permission checks; no shared cache keeps them).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response
from flask_babel import gettext as _

from kipp.errors import NotFound


def pdf_download(read: Callable[[], bytes], filename: str) -> Response:
    try:
        data = read()
    except (FileNotFoundError, ValueError) as exc:
        raise NotFound(_("Not found.")) from exc
    resp = Response(data, mimetype="application/pdf")
    resp.headers.set("Content-Disposition", "attachment", filename=filename)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
