"""Benchmark: multi-year eligibility flags of a full-size year on PostgreSQL.

Seeds 550 agencies, seven earlier years (2019-2025, 26,000 entries in all, each year with a
finalised Top 99 shortlist and Top 45 final) and one year in screening with 3,500 submitted
entries, with bulk inserts. Titles have the shape of real ones, "ACRONYM: Phrase": a coined
acronym of 2-4 syllables, then 3-6 words drawn from 120 Indonesian public-service words (so
phrase trigrams are shared widely); a third of each year's shortlist comes back from earlier
years; about one new entry in eight re-uses (re-spelt) an earlier shortlisted title of its
agency and one in twenty copies another new entry's title, so every flag occurs. It times:
- "all": `competition_flags` of the whole 3,500-entry queue (what the screening queue and the
  `?flag=` filter compute), median of 5 runs, each in a fresh app context;
- "one": `GET /api/v1/entries/{id}/flags` through the Flask test client for 200 random new
  entries (bearer token lookup included), its 95th percentile.

Usage: .venv/bin/python benchmarks/flags.py   (DATABASE_URL overrides the default database
postgresql+psycopg://postgres@127.0.0.1:5432/kipp_bench_flags, dropped and created afresh on each
run; another DATABASE_URL is created when missing and each run adds to it). After seeding,
`VACUUM ANALYZE entries` (what autovacuum does soon after a bulk load). Targets: all < 2 s,
one p95 < 50 ms. The last line reads `flags: all <s> s, one p95 <ms> ms`.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/kipp_bench_flags"
NEW, EARLIER, AGENCIES, YEARS, SHORTLIST, FINAL, RUNS, ONES = (
    3500, 26000, 550, tuple(range(2019, 2026)), 99, 45, 5, 200,
)  # fmt: skip
VOCABULARY = (
    "sistem layanan pelayanan publik online digital terpadu aplikasi inovasi desa kota "
    "kabupaten sehat cepat warga masyarakat mal informasi data satu pintu perizinan antrian "
    "puskesmas sekolah pendidikan kesehatan ibu anak gizi stunting sampah bank air bersih "
    "pertanian nelayan pasar umkm ekonomi kreatif pajak daerah retribusi kependudukan akta "
    "kelahiran kematian nikah keliling jemput bola mobil gerakan ayo bersama peduli lansia "
    "disabilitas inklusif ramah perempuan pemuda olahraga wisata budaya lingkungan hijau "
    "bencana tanggap darurat ambulans gratis rumah sakit rujukan dokter bidan posyandu "
    "transportasi jalan lampu keamanan pengaduan lapor aspirasi transparansi anggaran "
    "keuangan aset kinerja asn kepegawaian arsip elektronik tanda tangan surat smart "
    "terintegrasi berbasis mandiri cerdas tangguh maju sejahtera sentra unit klinik"
)
WORDS = VOCABULARY.split()
KINDS = ("kementerian", "lembaga", "provinsi", "kabupaten", "kota", "bumn", "bumd")


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    for short in ("postgres://", "postgresql://"):
        if url.startswith(short):
            url = "postgresql+psycopg://" + url[len(short) :]
    return url


def ensure_database(url: str) -> None:
    """Create the database when missing; the default one is dropped first (every run starts
    from the same 29,500 entries, so figures compare)."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if url == DEFAULT_URL:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        found = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        )
        if not found:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


SYLLABLES = [c + v for c in "bcdgjklmnprstw" for v in "aiueo"] + ["si", "e-", "ger", "tan"]


def title(rng: random.Random) -> str:
    """ "ACRONYM: Phrase", the shape of real KIPP titles (kipp/demo/catalog.py)."""
    acronym = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).upper()
    return f"{acronym}: " + " ".join(rng.sample(WORDS, rng.randint(3, 6))).title()


def respell(rng: random.Random, text_: str) -> str:
    """The same title as an agency would type it again: case, accents, a word added."""
    out = text_.upper() if rng.random() < 0.5 else text_.replace("a", "á", 1)
    return out + (" 2.0" if rng.random() < 0.3 else "")


def seed(db, rng: random.Random) -> tuple[int, list[int], str]:
    """Bulk-insert the years; return the new year's id, its entry ids and an admin token."""
    from kipp.auth.services import issue_token
    from kipp.competitions.defaults import EVALUATION_CRITERIA_2023
    from kipp.competitions.services import create_competition
    from kipp.models import Agency, Entry, Selection, SelectionEntry, User

    tag, now = uuid.uuid4().hex[:8], datetime.now(UTC)
    agency_ids = db.session.scalars(
        insert(Agency).returning(Agency.id),
        [
            {
                "name": f"Bench agency {tag} {i}",
                "kind": KINDS[i % len(KINDS)],
                "province": "Jawa Tengah",
                "is_3t": False,
                "created_at": now,
            }
            for i in range(AGENCIES)
        ],
    ).all()
    admin = User(email=f"admin.{tag}@bench.example", name="Admin", role="admin", password_hash="!")
    db.session.add(admin)
    db.session.flush()

    def competition(year: int, stage: str) -> int:
        comp = create_competition(
            None,
            {
                "name": f"KIPP {year} benchmark {tag}",
                "year": year,
                "submission_opens_at": now - timedelta(days=60),
                "submission_closes_at": now - timedelta(days=30),
                "criteria": EVALUATION_CRITERIA_2023,
            },
        )
        db.session.flush()
        comp.stage = stage
        return comp.id

    def entries(comp_id: int, rows: list[tuple[int, str]], status: str) -> list[int]:
        return db.session.scalars(
            insert(Entry).returning(Entry.id),
            [
                {
                    "competition_id": comp_id,
                    "agency_id": agency,
                    "title": name,
                    "group": "umum",
                    "summary": "",
                    "answers": {},
                    "started_on": date(2018, 1, 1),
                    "status": status,
                    "submitted_at": now,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for agency, name in rows
            ],
        ).all()

    def tier(comp_id: int, name: str, ids: list[int]) -> None:
        sel = Selection(
            competition_id=comp_id, tier=name, status="final", size=len(ids),
            created_by_id=admin.id, snapshot={}, snapshot_sha256="0" * 64, finalized_at=now,
        )  # fmt: skip
        sel.entries = [SelectionEntry(entry_id=e, place=n + 1) for n, e in enumerate(ids)]
        db.session.add(sel)

    history: list[tuple[int, str]] = []  # (agency, title) of shortlisted earlier entries
    per_year = EARLIER // len(YEARS)
    for year in YEARS:
        comp_id = competition(year, "awarded")
        rows = [(rng.choice(agency_ids), title(rng)) for _ in range(per_year)]
        if history:  # some innovations come back the next years (twice shortlisted)
            rows[: SHORTLIST // 3] = [rng.choice(history) for _ in range(SHORTLIST // 3)]
        ids = entries(comp_id, rows, "eligible")
        chosen = list(range(SHORTLIST // 3)) + rng.sample(range(SHORTLIST, per_year), SHORTLIST)
        chosen = chosen[:SHORTLIST]
        rng.shuffle(chosen)
        tier(comp_id, "shortlist", [ids[i] for i in chosen])
        tier(comp_id, "final", [ids[i] for i in chosen[:FINAL]])
        history += [rows[i] for i in chosen]
    new_id = competition(2026, "screening")
    rows = []
    for i in range(NEW):
        if i % 8 == 0:
            agency, old = rng.choice(history)
            rows.append((agency, respell(rng, old)))
        elif i % 20 == 1 and rows:
            rows.append((rng.choice(agency_ids), respell(rng, rng.choice(rows)[1])))
        else:
            rows.append((rng.choice(agency_ids), title(rng)))
    new_ids = entries(new_id, rows, "submitted")
    token, _row = issue_token(admin)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE entries"))
    return new_id, new_ids, token


def main() -> None:
    url = database_url()
    ensure_database(url)
    from flask_migrate import upgrade

    from kipp import create_app
    from kipp.extensions import db
    from kipp.models import Competition
    from kipp.screening.flag_queries import competition_flags

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        comp_id, new_ids, token = seed(db, random.Random(2026))
    took = time.perf_counter() - started
    print(f"seeded in {took:.1f} s: {NEW} new entries (competition {comp_id}) against")
    print(f"  {EARLIER} earlier ones of {len(YEARS)} years, {AGENCIES} agencies; load average")
    print(f"  {os.getloadavg()[0]:.1f}")

    times, flagged = [], {}
    for _ in range(RUNS + 1):  # the first run warms up
        with app.app_context():
            comp = db.session.get(Competition, comp_id)
            t0 = time.perf_counter()
            flagged = competition_flags(comp)
            times.append(time.perf_counter() - t0)
    all_s = statistics.median(times[1:])
    by_code: dict[str, int] = {}
    for flags in flagged.values():
        for code in {f.code for f in flags}:
            by_code[code] = by_code.get(code, 0) + 1
    print(f"all: median {all_s:.3f} s (min {min(times[1:]):.3f}); {len(flagged)} entries flagged")
    print(f"  by code: {by_code}")

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    rng, ones, n_items = random.Random(7), [], 0
    client.get(f"/api/v1/entries/{new_ids[0]}/flags", headers=headers)  # warm-up
    for entry_id in rng.sample(new_ids, ONES):
        t0 = time.perf_counter()
        resp = client.get(f"/api/v1/entries/{entry_id}/flags", headers=headers)
        ones.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        n_items += resp.get_json()["total"]
    p95 = statistics.quantiles(ones, n=20)[-1]
    print(f"one: {ONES} requests, median {statistics.median(ones):.1f} ms, p95 {p95:.1f} ms,")
    print(f"  max {max(ones):.1f} ms; {n_items} flags returned")
    print(f"flags: all {all_s:.2f} s, one p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
