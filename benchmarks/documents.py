"""Benchmark: certificates and score sheets, the naive way versus the app's worker way.

Creates a temporary SQLite database (migrated like production) holding one awarded competition
with `--certificates` entries in finalised selections (the first 45 also in the final tier)
and `--score-sheets` entries with submitted sheets (2 evaluation sheets and 3 panel sheets, each
with a comment of about 120 words, so a sheet runs to 2–3 pages). Then, in one run:

- naive: one process; per document `HTML(string=…).write_pdf()` with the stylesheet inline in
  the HTML, so WeasyPrint parses the CSS and loads the fonts again for every document (same
  templates, same data, same storage of the bytes);
- app: the worker code path with 2 processes — a multiprocessing Pool of 2 whose initializer
  builds the app and calls `render.warm_up()` (as `worker_process_init` does), fed chunks of
  `--chunk` entry ids; each item calls the real `issue_certificate` / `render_score_sheet`
  and commits, as the Celery task does. Timed after both workers are warm.

Per kind, the two ways alternate over up to `--parts` (3) slices of the entries (app, naive,
app, …; a slice holds whole rounds of 2 × `--chunk` ids), so a change in the machine's load
during the run weighs on both ways alike.

It prints docs/s for each kind and way, ms per document per core (wall) and CPU ms per document
(`time.process_time`, the figure to compare on a shared machine), the peak RSS of each worker
(`ru_maxrss`), the projected time of a 1,100-certificate award run on 2 cores, the certificate
speedup computed from CPU time (2 × naive CPU ms ÷ app CPU ms: what 2 free cores would give),
and last the line `speedup: <x>` (certificates, app docs/s ÷ naive docs/s, wall clock).

`--profile certificates|score_sheets` instead renders that kind in this one process, warm, the
app's way: CPU ms per document over the first half of the entries, then a cProfile of the
second half (cumulative time; cProfile inflates Python-heavy code, so read it for shares).

Usage: .venv/bin/python benchmarks/documents.py --certificates 300 --score-sheets 100
       .venv/bin/python benchmarks/documents.py --score-sheets 60 --profile score_sheets
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORKERS = 2
KINDS = ("certificates", "score_sheets")
PROSE = (
    "inovasi layanan publik terpadu masyarakat desa digital kolaborasi dampak berkelanjutan "
    "replikasi anggaran partisipasi transparansi akuntabilitas percepatan perizinan kesehatan "
    "pendidikan kependudukan data terbuka aplikasi pengaduan respons cepat"
)
WORDS = PROSE.split()


def text(n_words: int, seed: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(n_words)).capitalize()


def make_app(db_path: Path, storage: Path):
    from kipp import create_app

    return create_app(
        "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_path}", KIPP_STORAGE_DIR=str(storage)
    )


def seed(n_certs: int, n_sheets: int) -> tuple[list[int], list[int]]:
    """Build the competition; returns (certificate entry ids, score-sheet entry ids)."""
    from kipp.accounts.services import create_agency
    from kipp.competitions.defaults import EVALUATION_CRITERIA_2023
    from kipp.competitions.services import create_competition
    from kipp.extensions import db
    from kipp.judging.totals import sheet_total
    from kipp.models import (
        Assignment,
        Competition,
        Entry,
        ScoreValue,
        Selection,
        SelectionEntry,
        User,
    )

    comp = create_competition(
        None,
        {
            "name": "KIPP 2026",
            "year": 2026,
            "submission_opens_at": datetime(2026, 1, 5, tzinfo=UTC),
            "submission_closes_at": datetime(2026, 3, 5, tzinfo=UTC),
            "criteria": EVALUATION_CRITERIA_2023,
        },
    )
    db.session.flush()
    db.session.execute(
        db.update(Competition).where(Competition.id == comp.id).values(stage="awarded")
    )
    agencies = [
        create_agency(None, f"Pemerintah Kabupaten Contoh {i:03d}", "kabupaten", "Jawa Tengah")
        for i in range(50)
    ]
    users = [
        User(email=f"r{i}@bench.id", name=f"Reviewer Bench {i}", role=role, password_hash="x")
        for i, role in enumerate(["admin"] + ["evaluator"] * 10 + ["panelist"] * 4 + ["chair"])
    ]
    db.session.add_all(users)
    db.session.flush()
    n = max(n_certs, n_sheets)
    entries = [
        Entry(
            competition_id=comp.id,
            agency_id=agencies[i % len(agencies)].id,
            title=text(6 + i % 25, i),
            group="umum",
            summary="",
            answers={},
            status="eligible",
        )
        for i in range(n)
    ]
    db.session.add_all(entries)
    db.session.flush()
    ids = [e.id for e in entries]
    weights = {
        "evaluation": {c.code: c.weight for c in comp.round_criteria("evaluation")},
        "panel": {c.code: c.weight for c in comp.round_criteria("panel")},
    }
    evaluators, panel = users[1:11], users[11:16]
    for k, entry_id in enumerate(ids[:n_sheets]):
        reviewers = [("evaluation", evaluators[(k + j) % 10]) for j in range(2)]
        reviewers += [("panel", p) for p in panel[:3]]
        for j, (round_, reviewer) in enumerate(reviewers):
            values = {c: Decimal(60 + (k * 7 + j * 11 + len(c)) % 40) for c in weights[round_]}
            a = Assignment(
                competition_id=comp.id,
                entry_id=entry_id,
                user_id=reviewer.id,
                round=round_,
                status="submitted",
                total=sheet_total(values, weights[round_]),
                comment=text(120, k + j),
                submitted_at=datetime(2026, 6, 1, tzinfo=UTC),
            )
            a.values = [ScoreValue(criterion_code=c, value=v) for c, v in values.items()]
            db.session.add(a)
    for tier, chosen in (("shortlist", ids[:n_certs]), ("final", ids[:45])):
        sel = Selection(
            competition_id=comp.id,
            tier=tier,
            status="final",
            size=99 if tier == "shortlist" else 45,
            created_by_id=users[-1].id,
            snapshot={},
            snapshot_sha256="0" * 64,
        )
        sel.entries = [SelectionEntry(entry_id=e, place=i + 1) for i, e in enumerate(chosen)]
        db.session.add(sel)
    db.session.commit()
    return ids[:n_certs], ids[:n_sheets]


# ----------------------------------------------------------------- the app's way (workers)
_worker: dict = {}


def worker_init(db_path: str, storage: str, ready) -> None:
    from kipp.documents import render

    app = make_app(Path(db_path), Path(storage))
    ctx = app.app_context()
    ctx.push()
    _worker.update(app=app, ctx=ctx, speed=render.warm_up())
    with ready.get_lock():
        ready.value += 1


def worker_chunk(args: tuple[str, list[int]]) -> tuple[int, int, int, float]:
    """Render one chunk as the Celery task does: one item, one commit. Returns (pid, count,
    peak RSS in KiB, CPU seconds spent on the chunk)."""
    from kipp.documents.certificates import issue_certificate
    from kipp.documents.score_sheets import render_score_sheet
    from kipp.extensions import db

    kind, ids = args
    render_one = issue_certificate if kind == "certificates" else render_score_sheet
    cpu = time.process_time()
    for entry_id in ids:
        render_one(entry_id)
        db.session.commit()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return os.getpid(), len(ids), maxrss, time.process_time() - cpu


def app_way(kind: str, ids: list[int], pool, chunk: int) -> tuple[float, float, dict[int, int]]:
    """(wall seconds, CPU seconds summed over the workers, peak RSS KiB by worker pid)."""
    chunks = [(kind, ids[i : i + chunk]) for i in range(0, len(ids), chunk)]
    started = time.perf_counter()
    rss: dict[int, int] = {}
    cpu = 0.0
    for pid, _, maxrss, seconds in pool.imap_unordered(worker_chunk, chunks):
        rss[pid] = max(rss.get(pid, 0), maxrss)
        cpu += seconds
    return time.perf_counter() - started, cpu, rss


# ----------------------------------------------------------------- the naive way
def naive_way(kind: str, ids: list[int], start: int = 0) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of the naive way in this process (`start`: how many
    certificates earlier parts rendered, for their serials and awards)."""
    from kipp.documents import certificates, codes, render, storage
    from kipp.documents.score_sheets import score_sheet_data
    from kipp.extensions import db
    from kipp.models import Certificate, Entry

    started, cpu = time.perf_counter(), time.process_time()
    for n, entry_id in enumerate(ids, start):
        entry = db.session.get(Entry, entry_id)
        if kind == "certificates":
            cert = Certificate(
                entry=entry,
                competition_id=entry.competition_id,
                serial=codes.format_serial(2026, 900000 + n),
                award="final" if n < 45 else "shortlist",
                issued_at=datetime(2026, 11, 23, 3, tzinfo=UTC),
            )
            html = render.render_html("certificate.html", c=certificates.certificate_context(cert))
        else:
            html = render.render_html(
                "score_sheet.html", d=score_sheet_data(entry), content_hash="0"
            )
        storage.store(render.naive_html_to_pdf(html))
    db.session.rollback()  # end the read transaction: the workers write to the same database
    return time.perf_counter() - started, time.process_time() - cpu


def profile(kind: str, ids: list[int], top: int) -> None:
    """CPU per document of the app's way in this process, then a cProfile (see the module)."""
    import cProfile
    import pstats

    from kipp.documents import render
    from kipp.documents.certificates import issue_certificate
    from kipp.documents.score_sheets import render_score_sheet
    from kipp.extensions import db

    render_one = issue_certificate if kind == "certificates" else render_score_sheet
    render.warm_up()
    timed, profiled = ids[: len(ids) // 2], ids[len(ids) // 2 :]
    cpu = time.process_time()
    for entry_id in timed:
        render_one(entry_id)
        db.session.commit()
    cpu = time.process_time() - cpu
    print(f"{kind}: {1000 * cpu / max(len(timed), 1):.1f} ms CPU per document ({len(timed)} docs)")
    profiler = cProfile.Profile()
    with profiler:
        for entry_id in profiled:
            render_one(entry_id)
            db.session.commit()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def add(results: dict, key: tuple[str, str], seconds: float, cpu: float) -> None:
    results[key] = (results[key][0] + seconds, results[key][1] + cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=300)
    parser.add_argument("--score-sheets", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=25, help="entry ids per task (25–50)")
    parser.add_argument("--parts", type=int, default=3, help="alternations of the two ways")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument("--profile", choices=["certificates", "score_sheets"])
    parser.add_argument("--top", type=int, default=40, help="functions listed by --profile")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from kipp.documents import render
    from kipp.extensions import db

    tmp = Path(tempfile.mkdtemp(prefix="kipp-bench-docs-"))
    db_path, storage = tmp / "bench.sqlite3", tmp / "storage"
    app = make_app(db_path, storage)
    with app.app_context():
        upgrade()
        cert_ids, sheet_ids = seed(args.certificates, args.score_sheets)
        if args.profile:
            ids = cert_ids if args.profile == "certificates" else sheet_ids
            profile(args.profile, ids, args.top)
        db.engine.dispose()  # never share connections with the forked workers
    if args.profile:
        shutil.rmtree(tmp, ignore_errors=True)
        return
    print(f"data: {len(cert_ids)} certificates, {len(sheet_ids)} score sheets in {tmp}")
    if not args.keep:
        print("(the temporary directory is removed at the end; --keep keeps it)")
    print(f"pdf speed: {render.pdf_speed()}; load average at the start: {os.getloadavg()[0]:.2f}")

    results = {(way, kind): (0.0, 0.0) for way in ("app", "naive") for kind in KINDS}
    ctx = mp.get_context("fork")
    t0 = time.perf_counter()
    ready = ctx.Value("i", 0)
    initargs = (str(db_path), str(storage), ready)
    rss_all: dict[int, int] = {}
    with ctx.Pool(WORKERS, initializer=worker_init, initargs=initargs) as pool:
        while ready.value < WORKERS:  # time only warm workers, as in a running Celery worker
            time.sleep(0.05)
        print(f"app: {ready.value} workers warm in {time.perf_counter() - t0:.2f} s")
        with app.app_context():
            render.warm_up()  # the naive way pays per document, not for this
            for kind, ids in (("score_sheets", sheet_ids), ("certificates", cert_ids)):
                # Parts of whole rounds of chunks, so both workers stay busy to the end.
                step = WORKERS * args.chunk
                size = -(-len(ids) // max(args.parts, 1) // step) * step
                for start in range(0, len(ids), size):
                    part = ids[start : start + size]
                    seconds, cpu, rss = app_way(kind, part, pool, args.chunk)
                    add(results, ("app", kind), seconds, cpu)
                    for pid, kb in rss.items():
                        rss_all[pid] = max(rss_all.get(pid, 0), kb)
                    add(results, ("naive", kind), *naive_way(kind, part, start))

    counts = {"certificates": len(cert_ids), "score_sheets": len(sheet_ids)}
    print(f"load average at the end: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    for way, cores in (("naive", 1), ("app", WORKERS)):
        for kind in KINDS:
            wall, cpu = results[(way, kind)]
            n = max(counts[kind], 1)
            print(
                f"{way:5s} {kind:12s}: {counts[kind]:5d} docs in {wall:7.2f} s = "
                f"{counts[kind] / wall:6.1f} docs/s  ({1000 * wall * cores / n:4.0f} ms wall per "
                f"document per core, {1000 * cpu / n:4.0f} ms CPU per document; "
                f"{cores} process(es))"
            )
    for pid, kb in sorted(rss_all.items()):
        print(f"worker {pid}: peak RSS {kb / 1024:.0f} MB")
    cert_rate = counts["certificates"] / results[("app", "certificates")][0]
    print(f"projected award run: 1100 certificates in {1100 / cert_rate:.1f} s on {WORKERS} cores")
    naive_rate = counts["certificates"] / results[("naive", "certificates")][0]
    app_cpu, naive_cpu = results[("app", "certificates")][1], results[("naive", "certificates")][1]
    print(f"speedup from CPU time: {WORKERS * naive_cpu / max(app_cpu, 1e-9):.2f}")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"speedup: {cert_rate / naive_rate:.2f}")


if __name__ == "__main__":
    main()
