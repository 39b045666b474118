"""Pieces of benchmarks/storage.py: moto's S3 server, a 2 MB PDF, the upload fixture data and
the certificate worker processes (the Celery task's code path in a multiprocessing pool)."""

from __future__ import annotations

import io
import os
import secrets
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

S3_ENV = {
    "AWS_ACCESS_KEY_ID": "kipp-bench",
    "AWS_SECRET_ACCESS_KEY": "kipp-bench-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}
PASSWORD = "bench-password-storage"


def start_moto(log: Path) -> tuple[subprocess.Popen, str]:
    """moto's standalone S3 server on a free loopback port; returns (process, endpoint URL)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = Path(sys.executable).with_name("moto_server")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **S3_ENV},
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(
                    f"moto_server did not start:\n{log.read_text()[-2000:]}"
                ) from None
            time.sleep(0.2)


def pdf_of(size: int) -> bytes:
    """A valid one-page PDF of about `size` bytes (an embedded file of random bytes)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("lampiran.bin", os.urandom(size - 1200))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def upload_world() -> tuple[str, int]:
    """An agency account with a draft entry in a competition open for submission; returns
    (e-mail, entry id). Call inside an app context."""
    from kipp.accounts.services import create_agency, create_user
    from kipp.competitions.defaults import EVALUATION_CRITERIA_2023
    from kipp.competitions.services import create_competition
    from kipp.extensions import db
    from kipp.models import Competition, Entry

    at = datetime.now(UTC)
    comp = create_competition(
        None,
        {
            "name": "KIPP Unggah",
            "year": 2027,
            "submission_opens_at": at - timedelta(days=10),
            "submission_closes_at": at + timedelta(days=10),
            "criteria": EVALUATION_CRITERIA_2023,
        },
    )
    db.session.flush()
    db.session.execute(
        db.update(Competition).where(Competition.id == comp.id).values(stage="submission")
    )
    agency = create_agency(None, "Pemerintah Kota Unggah", "kota", "Jawa Barat")
    email = f"unggah-{secrets.token_hex(3)}@bench.id"
    create_user(None, email, "Agency Unggah", "agency", PASSWORD, agency.id)
    entry = Entry(
        competition_id=comp.id,
        agency_id=agency.id,
        title="Inovasi unggah",
        group="umum",
        summary="",
        answers={},
        status="draft",
    )
    db.session.add(entry)
    db.session.commit()
    return email, entry.id


# ------------------------------------------------------------ certificate worker processes
_worker: dict = {}


def make_app(db_path: Path, storage_dir: Path, storage_url: str | None):
    from kipp import create_app

    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_path}",
        KIPP_STORAGE_DIR=str(storage_dir),
        KIPP_STORAGE_URL=storage_url,
    )


def worker_init(db_path: str, storage_dir: str, storage_url: str | None, ready) -> None:
    """As `worker_process_init` does: build the app, warm the renderer, reach the store."""
    from kipp.documents import render
    from kipp.storage import backend

    app = make_app(Path(db_path), Path(storage_dir), storage_url)
    ctx = app.app_context()
    ctx.push()
    render.warm_up()
    backend().ping()
    _worker.update(app=app, ctx=ctx)
    with ready.get_lock():
        ready.value += 1


def worker_chunk(ids: list[int]) -> int:
    """Issue one chunk's certificates as the Celery task does: one item, one commit."""
    from kipp.documents.certificates import issue_certificate
    from kipp.extensions import db

    for entry_id in ids:
        issue_certificate(entry_id)
        db.session.commit()
    return len(ids)
