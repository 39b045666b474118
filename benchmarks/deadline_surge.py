"""Benchmark: the last hour before the submission deadline, served by gunicorn on PostgreSQL.

Creates its own PostgreSQL database (`--database`, or $KIPP_BENCH_SURGE_DB, default
kipp_bench_surge; the name must contain "bench": it is dropped and created afresh), migrates
it, and builds KIPP 2027 in stage `submission` closing in one hour, with `--agencies` agencies,
each with one agency account and `--drafts` complete drafts, through the app's services
(benchmarks/_surge_seed.py). Then it serves, each on a loopback port, under the same settings
(`gunicorn --preload`, 2 workers, `--worker-class`, `--threads`):
- KIPP (`wsgi:app`, KIPP_ENV=production, uploads in a temporary directory);
- a bare Flask app answering "hello" (benchmarks/_surge_bare.py).

A separate process (benchmarks/_surge_load.py) plays the traffic at each level of `--levels`
concurrent clients, closed loop with no think time, keep-alive connections (sync workers close
each one after its answer; the clients then reconnect): first the bare app
(`GET /`), then KIPP: agency sessions that log in (API token or login page), read their
entries, autosave a draft with its version, upload a small PDF, submit, and read the dashboard.
Each level and target stops after `--requests` responses or `--seconds`, whichever is first.

Why sync workers (the default `--worker-class`): under this load the server is saturated, and
one request at a time per process serves it best. Measured at 32 clients (2026-12-07, two runs
each, 2,000 requests): gthread with 4 threads a worker p95 515–614 ms, with 1 thread 335–343
ms, sync 311–325 ms, at the same throughput (127–143 req/s). Threads share one interpreter
lock: each request's time stretches while the others run, and a worker's threads hold more
PostgreSQL transactions open at once. A proxy in front (docs/deploy.md) keeps the browsers'
connections alive and buffers slow clients, which is what gthread's threads would otherwise
be for. `--worker-class gthread --threads N` measures the other choice.

It prints the Argon2id cost of one login with the app's parameters and with the two OWASP
minimum profiles; per level and target req/s, p50/p95/p99 latency (ms), unexpected responses
(`errors`), the server's CPU ms per request (user + system of the gunicorn process group, the
figure least disturbed by other work on the machine) and KIPP's throughput as a share of bare's;
per request kind at the lowest and the top level; the share of KIPP's CPU spent in Argon2id;
and last `surge: <ratio> of bare, p95 <ms> ms, <n> errors at <clients> clients` (target at 32
clients: ratio >= 0.30, p95 < 250 ms, 0 errors). `--argon2 owasp-19|owasp-46` gives the
accounts hashes with those parameters instead (a login costs what its stored hash says), to
see what a change of parameters would buy. Servers are stopped on exit, also on Ctrl+C, and
the database is dropped unless `--keep`.

Usage: .venv/bin/python benchmarks/deadline_surge.py                 (about 5 minutes)
       .venv/bin/python benchmarks/deadline_surge.py --agencies 40 --requests 300 --seconds 10
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
OWASP = {"owasp-19": (19 * 1024, 2, 1), "owasp-46": (46 * 1024, 1, 1)}  # (m KiB, t, p)


def options() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database", default=os.environ.get("KIPP_BENCH_SURGE_DB", "kipp_bench_surge"))
    p.add_argument("--agencies", type=int, default=200)
    p.add_argument("--drafts", type=int, default=6, help="drafts per agency")
    p.add_argument("--levels", default="1,4,8,16,32", help="concurrent clients, comma-separated")
    p.add_argument("--requests", type=int, default=2000, help="per level and target")
    p.add_argument("--seconds", type=float, default=45.0, help="per level and target")
    p.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    p.add_argument("--threads", type=int, default=4, help="per worker (gthread only)")
    p.add_argument("--pdf-kb", type=int, default=40, help="size of the uploaded PDF")
    p.add_argument(
        "--argon2",
        default="app",
        choices=("app", *OWASP),
        help="parameters of the accounts' password hashes (a login costs what its hash says)",
    )
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = p.parse_args()
    if "bench" not in args.database or not re.fullmatch(r"[a-z0-9_]+", args.database):
        p.error("--database must be a plain lower-case name containing 'bench'")
    return args


def recreate_database(name: str, *, create: bool = True) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def build(url: str, storage: str, args) -> tuple[int, list[str]]:
    """Migrate the fresh database and seed it; returns the competition id and the e-mails."""
    from _surge_seed import PASSWORD, seed
    from argon2 import PasswordHasher
    from flask_migrate import upgrade

    from kipp import create_app
    from kipp.auth.passwords import hash_password
    from kipp.extensions import db

    if args.argon2 == "app":
        shared_hash = hash_password(PASSWORD)
    else:
        m, t, par = OWASP[args.argon2]
        shared_hash = PasswordHasher(time_cost=t, memory_cost=m, parallelism=par).hash(PASSWORD)
    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, KIPP_STORAGE_DIR=storage)
    with app.app_context():
        upgrade()
        found = seed(args.agencies, args.drafts, shared_hash)
        db.engine.dispose()
    return found


def argon2_costs() -> dict[str, tuple[str, float, float]]:
    """Per `--argon2` choice: its parameters, and the median wall and CPU ms of one
    verification (what a login costs) in this process."""
    from argon2 import PasswordHasher

    from kipp.auth import passwords

    def measure(verify) -> tuple[float, float]:
        walls, cpus = [], []
        for _ in range(5):
            w, c = time.perf_counter(), time.process_time()
            verify()
            walls.append((time.perf_counter() - w) * 1000)
            cpus.append((time.process_time() - c) * 1000)
        return statistics.median(walls), statistics.median(cpus)

    h = passwords._hasher
    app_hash = passwords.hash_password("timing passphrase")
    name = f"m={h.memory_cost // 1024} MiB t={h.time_cost} p={h.parallelism}"
    out = {
        "app": (name, *measure(lambda: passwords.verify_password(app_hash, "timing passphrase")))
    }
    for key, (m, t, par) in OWASP.items():
        ph = PasswordHasher(time_cost=t, memory_cost=m, parallelism=par)
        sample = ph.hash("timing passphrase")
        cost = measure(lambda ph=ph, sample=sample: ph.verify(sample, "timing passphrase"))
        out[key] = (f"m={m // 1024} MiB t={t} p={par}", *cost)
    return out


def report(r: dict, bare: dict | None) -> None:
    ratio = f"{r['rps'] / bare['rps']:.2f}" if bare else ""
    print(
        f"{r['clients']:>7} {r['target']:<5} {r['rps']:>8.1f} {r['p50']:>7.1f} {r['p95']:>7.1f} "
        f"{r['p99']:>7.1f} {r['errors']:>6} {r['requests']:>8} {r['seconds']:>6.1f} "
        f"{r['cpu_ms']:>7.1f} {ratio:>6}",
        flush=True,
    )
    for kind, status, body in r["error_samples"]:
        print(f"          error: {kind} -> {status or 'no response'}: {body[:160]!r}")


def summary(results: list[tuple[dict, dict]], login_cpu_ms: float) -> None:
    """Request kinds at the lowest and the top level, the share of logins, the last line."""
    top, top_bare = results[-1]
    low = next(r for r, _bare in results if r["target"] == "kipp")
    print(f"KIPP request kinds: count, p50 and p95 ms at {low['clients']} and {top['clients']}")
    print("  clients (at 1 client the latency is the request's own time, without queueing)")
    for kind, (n, p50, p95) in top["kinds"].items():
        m, q50, q95 = low["kinds"].get(kind, (0, 0.0, 0.0))
        print(f"  {kind:<15} {m:>5} {q50:>7.1f} {q95:>7.1f} {n:>7} {p50:>7.1f} {p95:>7.1f}")
    logins = sum(n for k, (n, _a, _b) in top["kinds"].items() if k.endswith("login"))
    share = logins * login_cpu_ms / (top["cpu_ms"] * top["requests"])
    print(f"server CPU per request at {top['clients']} clients: bare {top_bare['cpu_ms']:.1f} ms,")
    print(f"  KIPP {top['cpu_ms']:.1f} ms, of which Argon2id ~{share:.0%} ({logins} logins x")
    print(f"  {login_cpu_ms:.0f} ms); on cores of its own KIPP would reach")
    print(f"  {top_bare['cpu_ms'] / top['cpu_ms']:.2f} of bare's throughput")
    ratio = top["rps"] / top_bare["rps"]
    print(
        f"surge: {ratio:.2f} of bare, p95 {top['p95']:.0f} ms, {top['errors']} errors"
        f" at {top['clients']} clients"
    )


def main() -> None:
    from _surge_load import run
    from _surge_seed import PASSWORD, small_pdf
    from _surge_serve import WORKERS, cpu_seconds, free_port, serve, stop

    args = options()
    levels = [int(n) for n in args.levels.split(",")]
    url = f"{SERVER}/{args.database}"
    tmp = Path(tempfile.mkdtemp(prefix="kipp-surge-"))
    procs: dict = {}
    loader = None
    try:
        recreate_database(args.database)
        t0 = time.perf_counter()
        comp_id, emails = build(url, str(tmp / "storage"), args)
        took = time.perf_counter() - t0
        print(f"database {args.database}: {len(emails)} agencies x {args.drafts} drafts in a")
        print(f"  competition closing in 1 h, seeded through the services in {took:.1f} s;")
        print(f"  the accounts' Argon2id hashes use the {args.argon2} parameters")
        print("Argon2id, one login's verification (median of 5, this process):")
        costs = argon2_costs()
        for key, (label, wall, cpu) in costs.items():
            print(f"  {key:<8} {label:<18} {wall:>6.1f} ms wall {cpu:>6.1f} ms CPU")
        env = os.environ | {
            "DATABASE_URL": url,
            "KIPP_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "KIPP_CERTIFICATE_KEY": secrets.token_hex(32),
            "KIPP_STORAGE_DIR": str(tmp / "storage"),
            "KIPP_MAIL_URL": f"file://{tmp / 'mail'}",
            "KIPP_MAIL_FROM": "KIPP <kipp@surge.bench.example>",  # production needs a sender
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/7",
            "REDIS_URL": "redis://127.0.0.1:6379/7",
            "KIPP_CELERY_QUEUE": "kipp_bench_surge",
        }
        ports = {"bare": free_port(), "kipp": free_port()}
        threads = args.threads if args.worker_class == "gthread" else 1  # >1 means gthread
        for name, app in (("bare", "_surge_bare:app"), ("kipp", "wsgi:app")):
            log = tmp / f"{name}.log"
            procs[name] = serve(app, ports[name], args.worker_class, threads, env, log)
        print(f"gunicorn --preload, {WORKERS} workers, {args.worker_class}, {threads} thread(s)")
        print(f"  each; ports {ports}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()}")
        print("  cores (shared: other work on the machine makes these figures noisy)")
        plan = {
            "levels": levels,
            "requests": args.requests,
            "seconds": args.seconds,
            "ports": ports,
            "competition_id": comp_id,
            "emails": emails,
            "password": PASSWORD,
            "pdf": small_pdf(args.pdf_kb),
        }
        ctx = mp.get_context("spawn")
        mine, theirs = ctx.Pipe()
        loader = ctx.Process(target=run, args=(plan, theirs), daemon=True)
        loader.start()
        print(f"{'clients':>7} {'app':<5} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} "
              f"{'errors':>6} {'requests':>8} {'s':>6} {'cpu/req':>7} {'ratio':>6}")  # fmt: skip
        results, bare = [], None
        cpu_seen = {name: cpu_seconds(proc) for name, proc in procs.items()}
        deadline = time.monotonic() + len(levels) * 2 * (args.seconds + 60) + 60
        while time.monotonic() < deadline and mine.poll(max(0.0, deadline - time.monotonic())):
            r = mine.recv()
            if r is None:
                break
            cpu_now = cpu_seconds(procs[r["target"]])
            r["cpu_ms"] = (cpu_now - cpu_seen[r["target"]]) * 1000 / max(1, r["requests"])
            cpu_seen[r["target"]] = cpu_now
            report(r, bare if r["target"] == "kipp" else None)
            bare = r if r["target"] == "bare" else bare
            results.append((r, bare))
        else:
            raise RuntimeError("the load generator did not finish in time")
        loader.join(timeout=30)
        summary(results, costs[args.argon2][2])
    finally:
        if loader is not None and loader.is_alive():
            loader.terminate()
        for proc in procs.values():
            stop(proc)
        if not args.keep:
            recreate_database(args.database, create=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
