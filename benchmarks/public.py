"""Benchmark: the public directory and the announcement-day results page (issue 11 § Speed).

(a) Search: creates its own PostgreSQL database (`--database`, default kipp_bench_public; the
name must contain "bench": it is dropped and created afresh), migrates it, bulk-inserts
`--innovations` directory innovations over ten awarded years (benchmarks/_public_seed.py; the
search index fills through the migration's triggers), then times `kipp.directory.queries.search`
in-process — page and facets, as the API and the page run it — for a mix of one-word, phrase,
filtered and faceted queries: p50/p95 cold (the process caches off: every search runs in the
database; target p95 < 50 ms), then the same searches kept by the process
(`kipp.directory.queries.search` within a minute), printed apart.
(b) Load: serves KIPP (`wsgi:app`, production settings) and the bare Flask "hello" app under
the same gunicorn settings (`--preload`, 2 workers, gthread; benchmarks/_surge_serve.py) and
plays `--clients` closed-loop keep-alive clients for `--seconds` each against the bare app,
the results page `/results/<newest competition>` and the directory's first page
`/innovations`: throughput, p95 and errors, and each as a share of bare (target >= 0.5, 0
errors). Requests carry no `If-None-Match`: every answer is rendered in full.

`--search-only` runs (a) alone; `--reuse` keeps an already seeded `--database` (left by a
run with `--keep`) instead of building it again, and implies `--keep`.
Last line: `public: search p95 <ms> ms, results <ratio> of bare` (the cold p95).
Usage: .venv/bin/python benchmarks/public.py [--innovations 26000] [--seconds 10] [--clients 8]
       [--search-only] [--reuse] [--keep]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _surge_serve import free_port, serve, stop  # noqa: E402

SERVER = os.environ.get("KIPP_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
QUERIES = [
    {"q": "kesehatan"},
    {"q": "pelayanan"},
    {"q": "melayani warga"},
    {"q": '"bank sampah"'},
    {"q": '"antrean daring" puskesmas'},
    {"q": "sekolah", "island": "jawa"},
    {"q": "air bersih -banjir"},
    {"year": 2024},
    {"island": "papua", "kind": "kabupaten"},
    {"tier": "final"},
    {"q": "digital", "is_3t": True},
    {},
]


def recreate_database(name: str, *, create: bool = True) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def seeded(name: str, n: int) -> int | None:
    """The newest competition of database `name` when it exists and holds `n` innovations."""
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{SERVER}/postgres")
    with admin.connect() as conn:
        found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    admin.dispose()
    if not found:
        return None
    engine = create_engine(f"{SERVER}/{name}")
    try:
        with engine.connect() as conn:
            count = conn.scalar(text("SELECT count(*) FROM innovation_search"))
            newest = conn.scalar(text("SELECT max(id) FROM competitions"))
    except Exception:  # not migrated or not seeded
        return None
    finally:
        engine.dispose()
    return newest if count == n else None


def search_phase(
    url: str, n: int, rounds: int, comp_id: int | None = None
) -> tuple[int, list[float], list[float]]:
    """(the newest competition, cold times, warm times): cold with the process caches off, so
    every search runs in the database; warm with them on, after one pass that fills them.
    Seeds the database first unless `comp_id` (an already seeded one) is given."""
    from _public_seed import seed
    from flask_migrate import upgrade

    from kipp import create_app
    from kipp.directory.queries import Filters, clear_cache, search
    from kipp.extensions import db

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()  # a reused database is brought to the code's schema too
        if comp_id is None:
            t0 = time.perf_counter()
            comp_id = seed(n, random.Random(11))
            print(f"seeded {n} innovations in {time.perf_counter() - t0:.1f} s")
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        else:
            print(f"reusing the {n} innovations seeded before")
        timed = {False: [], True: []}
        cold: dict[int, list[float]] = {i: [] for i in range(len(QUERIES))}
        totals: dict[int, int] = {}
        for warm in (False, True):
            app.config["KIPP_PAGE_CACHE"] = warm
            clear_cache()
            for r in range(rounds + 3 * warm):
                for i, spec in enumerate(QUERIES):
                    with app.test_request_context("/innovations"):  # ends as a request does
                        t = time.perf_counter()
                        found = search(Filters(**spec), 1 + r % 3, 20)
                        ms = (time.perf_counter() - t) * 1000
                    db.session.rollback()
                    if warm and r < 3:
                        continue  # the pass (pages 1-3) that fills the cache
                    timed[warm].append(ms)
                    if not warm:
                        cold[i].append(ms)
                        totals[i] = found.total
        for i, spec in enumerate(QUERIES):
            print(
                f"  {spec!s:45} {totals[i]:6d} hits  cold p50 {pct(cold[i], 0.5):6.1f} ms"
                f"  p95 {pct(cold[i], 0.95):6.1f} ms"
            )
        db.engine.dispose()
    return comp_id, timed[False], timed[True]


def load(port: int, path: str, clients: int, seconds: float) -> dict:
    samples: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        while time.monotonic() < stop_at:
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    bad += 1
            except OSError:
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            samples.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    return {"rps": len(samples) / elapsed, "p95": pct(samples, 0.95), "errors": errors[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="kipp_bench_public")
    parser.add_argument("--innovations", type=int, default=26_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="reuse a seeded database; keep it")
    parser.add_argument("--search-only", action="store_true", help="part (a) alone")
    args = parser.parse_args()
    if "bench" not in args.database:
        sys.exit("the database name must contain 'bench' (it is dropped)")
    url = f"{SERVER}/{args.database}"
    comp_id = seeded(args.database, args.innovations) if args.reuse else None
    if comp_id is None:
        recreate_database(args.database)
    servers = []
    try:
        comp_id, cold, warm = search_phase(url, args.innovations, args.rounds, comp_id)
        p95 = pct(cold, 0.95)
        print(
            f"search over {args.innovations}, cold (every search in the database): "
            f"p50 {pct(cold, 0.5):.1f} ms, p95 {p95:.1f} ms"
        )
        print(
            f"search kept by the process (same search within a minute): "
            f"p50 {pct(warm, 0.5):.2f} ms, p95 {pct(warm, 0.95):.2f} ms"
        )
        if args.search_only:
            print(f"public: search p95 {p95:.1f} ms")
            return
        storage = tempfile.mkdtemp(prefix="kipp-bench-public-")
        env = os.environ | {
            "KIPP_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "KIPP_CERTIFICATE_KEY": secrets.token_hex(32),
            "DATABASE_URL": url,
            "KIPP_STORAGE_DIR": storage,
            "CELERY_BROKER_URL": f"sqla+sqlite:///{storage}/broker.sqlite3",
            "KIPP_MAIL_URL": f"file://{storage}/mail",
            "KIPP_MAIL_FROM": "kipp@bench.test",
        }
        bare_port, kipp_port = free_port(), free_port()
        log = Path(storage)
        servers.append(serve("_surge_bare:app", bare_port, "gthread", 4, env, log / "bare.log"))
        servers.append(serve("wsgi:app", kipp_port, "gthread", 4, env, log / "kipp.log"))
        results_path = f"/results/{comp_id}"
        conn = http.client.HTTPConnection("127.0.0.1", kipp_port, timeout=30)
        conn.request("GET", results_path)
        if conn.getresponse().status != 200:
            print(f"{results_path} does not answer 200: measuring /innovations instead")
            results_path = "/innovations"
        conn.close()
        bare = load(bare_port, "/", args.clients, args.seconds)
        results = load(kipp_port, results_path, args.clients, args.seconds)
        directory = load(kipp_port, "/innovations", args.clients, args.seconds)
        for name, r in (("bare", bare), (results_path, results), ("/innovations", directory)):
            ratio = r["rps"] / bare["rps"]
            print(
                f"  {name:14} {r['rps']:8.1f} req/s  p95 {r['p95']:6.1f} ms  "
                f"errors {r['errors']}  {ratio:.2f} of bare"
            )
        ratio = results["rps"] / bare["rps"]
        print(f"public: search p95 {p95:.1f} ms, results {ratio:.2f} of bare")
    finally:
        for proc in servers:
            stop(proc)
        if not (args.keep or args.reuse):
            recreate_database(args.database, create=False)


if __name__ == "__main__":
    main()
