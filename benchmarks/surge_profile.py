"""Per request kind of benchmarks/deadline_surge.py: SQL statements and milliseconds, in-process.

Builds its own PostgreSQL database like the benchmark (`--database`, default
kipp_bench_surge_profile, dropped and created afresh; `--agencies` agencies with `--drafts`
drafts each, through benchmarks/_surge_seed.py), then plays the benchmark's agency sessions
(benchmarks/_surge_load.py: logins through the API and through the login page, the entries
list, autosaves with the version, a small PDF upload, a submit, the dashboard) through the
Flask test client of a production-configured app, one session per agency. For each request
kind it prints how many SQL statements one request issued (the `before_cursor_execute` events;
min and max over the requests), its median wall milliseconds and its median CPU milliseconds
in this process (PostgreSQL's own work is not in it). Logins are dominated by
Argon2id, which is measured by the benchmark itself.

`--dump FILE` writes every answer's JSON body (timestamps and tokens masked) so that two runs,
before and after a change, can be compared with `diff`; `--statements KIND` prints the SQL of
one request of that kind; `--profile KIND` prints a cProfile of that kind's requests
(`--sort`, `--profile-out FILE`).

Usage: .venv/bin/python benchmarks/surge_profile.py [--agencies 12] [--dump /tmp/bodies.json]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
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
sys.path.insert(0, str(ROOT / "benchmarks"))

CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')
MASKED = re.compile(r"(_at|token|expires)$")


def options() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database", default="kipp_bench_surge_profile")
    p.add_argument("--agencies", type=int, default=12)
    p.add_argument("--drafts", type=int, default=6)
    p.add_argument("--dump", help="write the masked JSON bodies to this file")
    p.add_argument("--statements", help="print the SQL of one request of this kind")
    p.add_argument("--profile", help="cProfile the requests of this kind")
    p.add_argument("--sort", default="cumulative", help="of the cProfile table (e.g. tottime)")
    p.add_argument("--profile-out", help="also write the cProfile stats to this file")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = p.parse_args()
    if "bench" not in args.database or not re.fullmatch(r"[a-z0-9_]+", args.database):
        p.error("--database must be a plain lower-case name containing 'bench'")
    return args


def mask(value):
    if isinstance(value, dict):
        return {k: "<masked>" if MASKED.search(k) else mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value


class Recorder:
    """Times each request and counts its statements, per kind."""

    def __init__(self, args):
        self.args = args
        self.seen: dict[str, list[tuple[int, float, float]]] = {}
        self.sql: list[str] = []
        self.shown: set[str] = set()
        self.bodies: list = []
        self.profiler = cProfile.Profile() if args.profile else None

    def listener(self, conn, cursor, statement, *rest):
        self.sql.append(statement)

    def call(self, kind, send, expect):
        self.sql = []
        profiling = self.profiler is not None and kind == self.args.profile
        if profiling:
            self.profiler.enable()
        started, cpu = time.perf_counter(), time.process_time()
        resp = send()
        took = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu) * 1000
        if profiling:
            self.profiler.disable()
        if resp.status_code != expect:
            raise SystemExit(f"{kind}: {resp.status_code} {resp.get_data(as_text=True)[:400]}")
        self.seen.setdefault(kind, []).append((len(self.sql), took, cpu))
        if kind == self.args.statements and kind not in self.shown:
            self.shown.add(kind)
            print(f"--- {kind}: {len(self.sql)} statements")
            for n, s in enumerate(self.sql, 1):
                print(f"{n:>3}. {' '.join(s.split())[:300]}")
        if resp.is_json:
            self.bodies.append([kind, mask(resp.get_json())])
        return resp


def play(client, rec: Recorder, index: int, email: str, comp: int, password: str, pdf: bytes):
    """One session of benchmarks/_surge_load.py; odd agencies log in through the login page."""
    from _surge_load import AUTOSAVES, autosave_body

    auth: dict[str, str] = {}
    if index % 2:
        page = rec.call("login_page", lambda: client.get("/login"), 200)
        token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
        form = {"csrf_token": token, "email": email, "password": password}
        rec.call("web_login", lambda: client.post("/login", data=form), 302)
        page = rec.call("dashboard_page", lambda: client.get("/agency/"), 200)
        auth["X-CSRFToken"] = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    else:
        creds = {"email": email, "password": password}
        resp = rec.call("api_login", lambda: client.post("/api/v1/auth/tokens", json=creds), 201)
        auth["Authorization"] = f"Bearer {resp.get_json()['token']}"
    listing = f"/api/v1/competitions/{comp}/entries?per_page=50"
    items = rec.call("entries_list", lambda: client.get(listing, headers=auth), 200).get_json()
    drafts = [e for e in items["items"] if e["status"] == "draft"]
    entry = drafts[0]
    path = f"/api/v1/entries/{entry['id']}"

    def autosave(n: int) -> None:
        body = autosave_body(entry, n)
        resp = rec.call("autosave", lambda: client.patch(path, json=body, headers=auth), 200)
        entry["version"] = resp.get_json()["version"]

    for n in range(AUTOSAVES):
        autosave(n)
    data = {"kind": "evidence", "file": (io.BytesIO(pdf), "bukti-dukung.pdf", "application/pdf")}
    rec.call(
        "upload",
        lambda: client.post(
            f"{path}/attachments", data=data, headers=auth, content_type="multipart/form-data"
        ),
        201,
    )
    autosave(AUTOSAVES)
    rec.call("submit", lambda: client.post(f"{path}/submit", headers=auth), 200)
    if "Authorization" in auth:
        rec.call("entries_list", lambda: client.get(listing, headers=auth), 200)
    else:
        rec.call("dashboard_page", lambda: client.get("/agency/"), 200)


def main() -> None:
    from _surge_seed import PASSWORD, small_pdf
    from deadline_surge import SERVER, build, recreate_database

    args = options()
    url = f"{SERVER}/{args.database}"
    tmp = Path(tempfile.mkdtemp(prefix="kipp-surge-profile-"))
    recreate_database(args.database)
    try:
        seed_args = argparse.Namespace(agencies=args.agencies, drafts=args.drafts, argon2="app")
        comp, emails = build(url, str(tmp / "storage"), seed_args)
        os.environ["KIPP_ENV"] = "production"
        from sqlalchemy import event

        from kipp import create_app
        from kipp.extensions import db

        app = create_app(
            "production",
            SQLALCHEMY_DATABASE_URI=url,
            KIPP_STORAGE_DIR=str(tmp / "storage"),
            SECRET_KEY=secrets.token_hex(32),
            KIPP_CERTIFICATE_KEY=secrets.token_hex(32),
            KIPP_MAIL_URL=f"file://{tmp / 'mail'}",
            KIPP_MAIL_FROM="KIPP <kipp@surge.bench.example>",
        )
        rec = Recorder(args)
        pdf = small_pdf(40)
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", rec.listener)
        for index, email in enumerate(emails):
            client = app.test_client()
            play(client, rec, index, email, comp, PASSWORD, pdf)
        print(f"{'kind':<15} {'requests':>8} {'statements':>10} {'median ms':>9} {'cpu ms':>7}")
        for kind, rows in sorted(rec.seen.items()):
            counts = sorted({n for n, _ms, _cpu in rows})
            shown = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
            ms = statistics.median(ms for _n, ms, _cpu in rows)
            cpu = statistics.median(cpu for _n, _ms, cpu in rows)
            print(f"{kind:<15} {len(rows):>8} {shown:>10} {ms:>9.1f} {cpu:>7.1f}")
        if args.dump:
            Path(args.dump).write_text(json.dumps(rec.bodies, indent=1, sort_keys=True))
        if rec.profiler is not None:
            out = io.StringIO()
            pstats.Stats(rec.profiler, stream=out).sort_stats(args.sort).print_stats(45)
            print(out.getvalue())
            if args.profile_out:
                rec.profiler.dump_stats(args.profile_out)
        with app.app_context():
            db.engine.dispose()
    finally:
        if not args.keep:
            recreate_database(args.database, create=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
