"""Benchmark: the ranking of a full-size competition on PostgreSQL.

Seeds one competition the size of a KIPP year (3,500 eligible entries from 550 agencies, each
with 2 submitted evaluation sheets from 40 evaluators; a finalised Top 99 with 5 submitted panel
sheets each) with bulk inserts, then times GET /api/v1/competitions/{id}/ranking through the
Flask test client for both methods (median of 7 runs after a warm-up) and counts SQL statements
with an engine event listener:
- "ranking" statements: those of the ranking computation itself (`rank_round`), counted on a
  fresh session with the competition already loaded;
- "request" statements: everything one API request sends (bearer-token and user lookup,
  loading the competition, then the ranking).

Usage: .venv/bin/python benchmarks/ranking.py   (DATABASE_URL overrides the default database
postgresql+psycopg://postgres@127.0.0.1:5432/kipp_bench, which is created when missing). Each
run adds a new competition; nothing is deleted. The last line reads
`ranking: mean <ms> ms, zscore <ms> ms, <n> statements`.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/kipp_bench"
ENTRIES, AGENCIES, EVALUATORS, PANEL, SHORTLIST, RUNS = 3500, 550, 40, 5, 99, 7
PROVINCES = ("Jawa Timur", "Aceh", "Bali", "Papua Selatan", "Kalimantan Utara", "Maluku")
KINDS = ("kementerian", "lembaga", "provinsi", "kabupaten", "kota", "bumn", "bumd")


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    for short in ("postgres://", "postgresql://"):
        if url.startswith(short):
            url = "postgresql+psycopg://" + url[len(short) :]
    return url


def ensure_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        )
        if not found:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def seed(db, rng: random.Random) -> tuple[int, str]:
    """Bulk-insert one full-size competition; return its id and a chair's bearer token."""
    from kipp.auth.services import issue_token
    from kipp.competitions.defaults import EVALUATION_CRITERIA_2023
    from kipp.competitions.services import create_competition
    from kipp.judging.totals import sheet_total
    from kipp.models import (
        Agency,
        Assignment,
        Competition,
        Entry,
        ScoreValue,
        Selection,
        SelectionEntry,
        User,
    )

    tag, now = uuid.uuid4().hex[:8], datetime.now(UTC)
    comp = create_competition(
        None,
        {
            "name": f"KIPP benchmark {tag}",
            "year": 2026,
            "submission_opens_at": now - timedelta(days=60),
            "submission_closes_at": now - timedelta(days=30),
            "criteria": EVALUATION_CRITERIA_2023,
        },
    )
    db.session.flush()
    comp.stage = "panel"
    weights = {
        r: {c.code: c.weight for c in comp.round_criteria(r)} for r in ("evaluation", "panel")
    }
    agency_ids = db.session.scalars(
        insert(Agency).returning(Agency.id),
        [
            {
                "name": f"Bench agency {tag} {i}",
                "kind": KINDS[i % len(KINDS)],
                "province": PROVINCES[i % len(PROVINCES)],
                "is_3t": i % 9 == 0,
                "created_at": now,
            }
            for i in range(AGENCIES)
        ],
    ).all()

    def users(role: str, n: int) -> list[int]:
        rows = [
            {
                "email": f"{role}{i}.{tag}@bench.example",
                "name": f"{role.title()} {i}",
                "role": role,
                "password_hash": "!",  # cannot log in; the benchmark uses a token
                "active": True,
                "auth_epoch": 0,
                "version": 1,
                "created_at": now,
            }
            for i in range(n)
        ]
        return db.session.scalars(insert(User).returning(User.id), rows).all()

    evaluators, panel = users("evaluator", EVALUATORS), users("panelist", PANEL - 1)
    chair_id = users("chair", 1)[0]
    panel.append(chair_id)
    entry_ids = db.session.scalars(
        insert(Entry).returning(Entry.id),
        [
            {
                "competition_id": comp.id,
                "agency_id": agency_ids[i % AGENCIES],
                "title": f"Inovasi pelayanan {i}",
                "group": "umum" if i % 4 else "replikasi",
                "summary": "",
                "answers": {},
                "started_on": date(2020, 1, 1),
                "status": "eligible",
                "submitted_at": now,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(ENTRIES)
        ],
    ).all()

    def sheets(round_: str, pairs: list[tuple[int, int]]) -> None:
        rows, values = [], []
        for entry_id, user_id in pairs:
            vals = {code: Decimal(rng.randint(4000, 10000)) / 100 for code in weights[round_]}
            values.append(vals)
            rows.append(
                {
                    "competition_id": comp.id,
                    "entry_id": entry_id,
                    "user_id": user_id,
                    "round": round_,
                    "status": "submitted",
                    "total": sheet_total(vals, weights[round_]),
                    "version": 2,
                    "submitted_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        ids = db.session.scalars(insert(Assignment).returning(Assignment.id), rows).all()
        db.session.execute(
            insert(ScoreValue),
            [
                {"assignment_id": a, "criterion_code": code, "value": v}
                for a, vals in zip(ids, values, strict=True)
                for code, v in vals.items()
            ],
        )

    pairs = []
    for i, entry_id in enumerate(entry_ids):
        first = i % EVALUATORS
        pairs += [(entry_id, evaluators[first]), (entry_id, evaluators[(first + 7) % EVALUATORS])]
    sheets("evaluation", pairs)
    shortlist = entry_ids[:SHORTLIST]
    sel = Selection(
        competition_id=comp.id,
        tier="shortlist",
        status="final",
        size=SHORTLIST,
        created_by_id=chair_id,
        snapshot={},
        snapshot_sha256="0" * 64,
        finalized_at=now,
    )
    sel.entries = [SelectionEntry(entry_id=e, place=n + 1) for n, e in enumerate(shortlist)]
    db.session.add(sel)
    sheets("panel", [(e, u) for e in shortlist for u in panel])
    token, _row = issue_token(db.session.get(User, chair_id))
    db.session.commit()
    assert db.session.get(Competition, comp.id).stage == "panel"
    return comp.id, token


class StatementCounter:
    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def _listen(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(" ".join(statement.split())[:90])

    def __enter__(self):
        self.seen = []
        event.listen(self.engine, "before_cursor_execute", self._listen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._listen)


def main() -> None:
    url = database_url()
    ensure_database(url)
    from flask_migrate import upgrade

    from kipp import create_app, heap
    from kipp.extensions import db
    from kipp.judging.queries import rank_round
    from kipp.models import Competition

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    frozen = heap.settle()  # as wsgi.py does once the app is built
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        comp_id, token = seed(db, random.Random(2026))
        engine = db.engine
    took = time.perf_counter() - started
    print(f"seeded competition {comp_id} in {took:.1f} s: {ENTRIES} entries x 2 evaluation")
    print(f"  sheets, {SHORTLIST} x {PANEL} panel sheets; load average {os.getloadavg()[0]:.1f}")
    print(f"  {frozen} start-up objects frozen out of the collector's scans (kipp/heap.py)")

    # No app context is held from here on: each request opens its own session, as in production.
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    wall: dict[tuple[str, str], float] = {}
    for round_ in ("evaluation", "panel"):
        for method in ("mean", "zscore"):
            path = f"/api/v1/competitions/{comp_id}/ranking?round={round_}&method={method}"
            resp = client.get(path, headers=headers)  # warm-up
            assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
            n_items = len(resp.get_json()["items"])
            times, cpu = [], []
            for _ in range(RUNS):
                t0, c0 = time.perf_counter(), time.process_time()
                resp = client.get(path, headers=headers)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                assert resp.status_code == 200
            wall[(round_, method)] = med = statistics.median(times)
            print(
                f"  {round_:<10} {method:<6} {n_items:>5} items: median {med:.1f} ms wall "
                f"(min {min(times):.1f}), {statistics.median(cpu):.1f} ms CPU of this process"
            )

    counts = {}
    for method in ("mean", "zscore"):
        with app.app_context():
            comp = db.session.get(Competition, comp_id)
            with StatementCounter(engine) as c:
                rank_round(comp, "evaluation", method)
            counts[method] = list(c.seen)
        with StatementCounter(engine) as r:
            client.get(f"/api/v1/competitions/{comp_id}/ranking?method={method}", headers=headers)
        other = len(r.seen) - len(c.seen)
        print(f"statements ({method}): the request sends {len(r.seen)}: {other} for the bearer")
        print(f"  token, its user and the competition, {len(c.seen)} for the ranking computation")
        for s in r.seen:
            print(f"    {'ranking' if s in c.seen else 'auth/lookup'}: {s}")
    n = max(len(v) for v in counts.values())
    mean_ms, z_ms = wall[("evaluation", "mean")], wall[("evaluation", "zscore")]
    print(f"ranking: mean {mean_ms:.0f} ms, zscore {z_ms:.0f} ms, {n} statements")


if __name__ == "__main__":
    main()
