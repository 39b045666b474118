"""GET /healthz: 200 {"db":"ok","broker":"ok","storage":"ok","pdf":"fast"|"slow"} when the
database, the broker and the file store (`kipp.storage`: local directory or S3) answer, 503
otherwise, with "down" for the part that does not."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from kipp.extensions import db

bp = Blueprint("health", __name__)


def broker_status(url: str) -> str:
    """Open a short connection to the Celery broker (Redis or the SQLite transport)."""
    try:
        from kombu import Connection

        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:  # any failure means "not reachable"; the reason goes to the log
        current_app.logger.warning("broker unreachable: %s", exc)
        return "down"


def storage_status() -> str:
    from kipp.storage import StorageUnavailable, backend

    try:
        backend().ping()
    except StorageUnavailable as exc:
        current_app.logger.warning("file store unreachable: %s", exc)
        return "down"
    return "ok"


@bp.get("/healthz")
def healthz():
    status = {"db": "ok", "broker": broker_status(current_app.config["CELERY_BROKER_URL"])}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:
        current_app.logger.warning("database unreachable: %s", exc)
        status["db"] = "down"
    status["storage"] = storage_status()
    code = 200 if all(v == "ok" for v in status.values()) else 503
    # PDF speed is reported, not judged: a slow renderer still renders ("slow" means WeasyPrint
    # subsets fonts with fontTools because libharfbuzz-subset0 is missing).
    from kipp.documents.render import pdf_speed

    status["pdf"] = pdf_speed()
    return jsonify(status), code
