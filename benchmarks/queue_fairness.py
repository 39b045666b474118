"""How long a small certificate job waits while a large score-sheet run is rendering.

The issue's real-size run: 99 certificates queued behind 3,147 score sheets waited about 95 s.
This script starts a real Celery worker (2 processes) on Redis (REDIS_URL, default
redis://127.0.0.1:6379/15) or, with --broker sqla, on the server-less broker, with a stand-in
renderer taking --delay seconds per document (the worker is started as
`tests.workers.celery_entry`, which installs it; the queueing is measured, not WeasyPrint), on a
SQLite database of its own. For each queue layout — one shared documents queue
(`KIPP_DOCUMENT_QUEUES=shared`, the old way) and a queue per kind (`per-kind`, the default) —
it queues a --large score-sheet job, waits until the worker is busy with it, queues a --small
certificate job, and measures how long the certificates take and how many score sheets were
done by then.

Usage: .venv/bin/python benchmarks/queue_fairness.py [--large 1000] [--small 99] [--delay 0.01]
Last line: `queues: certificates after <s> s per-kind vs <s> s shared (<x>x sooner)`.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("KIPP_ENV", "testing")

from flask_migrate import upgrade  # noqa: E402

from kipp import create_app, queues  # noqa: E402
from kipp.clock import now  # noqa: E402
from kipp.documents import jobs  # noqa: E402
from kipp.documents.celery_app_factory import init_celery, send_render_chunks  # noqa: E402
from kipp.extensions import db  # noqa: E402
from kipp.models import DocumentItem, DocumentJob, Entry  # noqa: E402
from tests.workers import fake_render  # noqa: E402

CELERY = str(Path(sys.executable).with_name("celery"))


def build(tmp: Path, broker: str):
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        KIPP_STORAGE_DIR=str(tmp / "s"),
        CELERY_BROKER_URL=broker,
        CELERY_QUEUE=f"kipp_bench_{os.getpid()}",
    )
    with app.app_context():
        upgrade(directory=str(REPO / "migrations"))
        fake_render.create_table()
    return app


def entries(app, n: int) -> tuple[int, list[int]]:
    from tests.conftest import Factory

    make = Factory()
    comp = make.competition(stage="evaluation")
    owner = make.user("agency")
    rows = [
        Entry(
            competition_id=comp.id,
            agency_id=owner.agency_id,
            title=f"Inovasi {k}",
            group="umum",
            summary="Ringkasan.",
            answers=make.full_answers(comp),
            started_on=date(2020, 1, 1),
            status="eligible",
            submitted_at=now(),
        )
        for k in range(n)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return comp.id, [e.id for e in rows]


def job(comp_id: int, subject_ids: list[int], kind: str) -> tuple[int, list[int]]:
    deadline = now() + jobs.patience()
    row = DocumentJob(competition_id=comp_id, kind=kind, status="queued", total=len(subject_ids))
    row.items = [
        DocumentItem(subject_id=s, status="queued", lease_until=deadline) for s in subject_ids
    ]
    db.session.add(row)
    db.session.commit()
    return row.id, [i.id for i in row.items]


def done(job_id: int) -> int:
    db.session.expire_all()
    return db.session.get(DocumentJob, job_id).done


def run(app, tmp: Path, mode: str, large: int, small: int, delay: float) -> tuple[float, int]:
    app.config["KIPP_DOCUMENT_QUEUES"] = mode
    app.extensions.pop("celery", None)
    init_celery(app)
    comp, ids = entries(app, large + small)
    big, big_items = job(comp, ids[:large], "score_sheets")
    little, little_items = job(comp, ids[large:], "certificates")
    env = os.environ | {
        "KIPP_ENV": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "KIPP_INSTANCE_DIR": str(tmp / "worker"),
        "KIPP_STORAGE_DIR": str(tmp / "s"),
        "CELERY_BROKER_URL": app.config["CELERY_BROKER_URL"],
        "KIPP_CELERY_QUEUE": app.config["CELERY_QUEUE"],
        "KIPP_DOCUMENT_QUEUES": mode,
        "KIPP_TEST_RENDERER": "tests.workers.fake_render:render",
        "KIPP_TEST_RENDER_DELAY": str(delay),
        "PYTHONPATH": str(REPO),
    }
    log = open(tmp / f"worker-{mode}.log", "wb")  # noqa: SIM115 (kept open for the worker)
    worker = subprocess.Popen(
        [
            CELERY,
            "-A",
            "tests.workers.celery_entry",
            "worker",
            "--concurrency=2",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-Q",
            ",".join(queues.all_names(app)),
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        while b" ready." not in (tmp / f"worker-{mode}.log").read_bytes():
            time.sleep(0.1)
        send_render_chunks(big, big_items, app, "score_sheets")
        while done(big) == 0:
            time.sleep(0.02)
        start = time.monotonic()
        send_render_chunks(little, little_items, app, "certificates")
        while done(little) < small:
            time.sleep(0.02)
        return time.monotonic() - start, done(big)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--small", type=int, default=99)
    parser.add_argument("--delay", type=float, default=0.01)
    parser.add_argument("--broker", choices=("redis", "sqla"), default="redis")
    args = parser.parse_args()
    results = {}
    for mode in ("shared", "per-kind"):
        with tempfile.TemporaryDirectory(prefix="kipp-queues-") as name:
            tmp = Path(name)
            broker = (
                os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
                if args.broker == "redis"
                else f"sqla+sqlite:///{tmp / 'broker.sqlite3'}"
            )
            app = build(tmp, broker)
            with app.app_context():
                results[mode] = run(app, tmp, mode, args.large, args.small, args.delay)
        seconds, big_done = results[mode]
        print(
            f"{mode:>8}: {args.small} certificates took {seconds:.1f} s; "
            f"{big_done} of {args.large} score sheets were done by then"
        )
    shared, per_kind = results["shared"][0], results["per-kind"][0]
    print(
        f"queues: certificates after {per_kind:.1f} s per-kind vs {shared:.1f} s shared "
        f"({shared / per_kind:.1f}x sooner)"
    )


if __name__ == "__main__":
    main()
