"""Benchmark: stored files on the local disk versus S3-compatible object storage (issue 14).

In one run, against one temporary SQLite database (migrated like production) and moto's
standalone S3 server (started here, on loopback; `moto_server` from the moto package):

- uploads and downloads of 2 MB PDFs through the app: the Flask test client in this process
  calls `POST /api/v1/entries/{id}/attachments` (the view checks the PDF with pypdf, hashes it,
  writes it to the store and commits the row) and `GET /api/v1/attachments/{id}` (permission
  check, read from the store, the download response), with a bearer token. No HTTP server and
  no network between client and app, so the figures are the app's and the store's cost, not
  gunicorn's. Rounds alternate local / S3 (`--rounds`, `--files` per round and back end), so
  a change in the machine's load weighs on both alike.
- certificate runs with 2 worker processes writing to each store: a multiprocessing pool of 2
  per back end whose initializer builds the app and warms the renderer (as Celery's
  `worker_process_init` does) and renders chunks of 25 entries with the real
  `issue_certificate`, one commit per certificate, exactly as the Celery task does — but fed
  by the pool, not by Celery and Redis (the broker costs the same whichever store is used).
  Timed warm; parts alternate local / S3.

Prints MB/s and files/s for uploads and downloads, certificates/s for each store, the ratios
(S3 ÷ local; above 1 means S3 was faster), and last
`storage: s3 <ratio> of local for downloads, certificates <ratio> of local`.

moto keeps objects in its own process's memory and speaks HTTP on loopback: a real object
store adds network latency (a few ms per request in the same region) but no CPU on the app's
host, so read the S3 figures as "the app's cost of talking S3", not as a store's speed.

Usage: .venv/bin/python benchmarks/storage.py [--files 20] [--rounds 3] [--certificates 200]
"""

from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import _storage_setup as setup  # noqa: E402

BACKENDS = ("local", "s3")
WORKERS, CHUNK = 2, 25
MB = 1024 * 1024


def transfer_round(client, token: str, entry_id: int, pdf: bytes, n: int) -> tuple[float, float]:
    """(upload seconds, download seconds) of `n` uploads, then `n` downloads of them."""
    headers = {"Authorization": f"Bearer {token}"}
    ids = []
    started = time.perf_counter()
    for k in range(n):
        resp = client.post(
            f"/api/v1/entries/{entry_id}/attachments",
            data={"kind": "other", "file": (io.BytesIO(pdf), f"Lampiran {k}.pdf")},
            content_type="multipart/form-data",
            headers=headers,
        )
        assert resp.status_code == 201, resp.get_data(as_text=True)
        ids.append(resp.get_json()["id"])
    uploaded = time.perf_counter()
    for att_id in ids:
        resp = client.get(f"/api/v1/attachments/{att_id}", headers=headers)
        assert resp.status_code == 200 and len(resp.data) == len(pdf)
    return uploaded - started, time.perf_counter() - uploaded


def transfers(apps: dict, args, pdf: bytes) -> dict:
    """{(backend, "upload"|"download"): seconds} over every round."""
    from kipp.extensions import db

    with apps["local"].app_context():
        email, entry_id = setup.upload_world()
        db.session.remove()
    clients, tokens = {}, {}
    for name, app in apps.items():
        clients[name] = app.test_client()
        resp = clients[name].post(
            "/api/v1/auth/tokens", json={"email": email, "password": setup.PASSWORD}
        )
        tokens[name] = resp.get_json()["token"]
    seconds = {(b, way): 0.0 for b in BACKENDS for way in ("upload", "download")}
    for _round in range(args.rounds):
        for name in BACKENDS:
            with apps[name].app_context():
                up, down = transfer_round(clients[name], tokens[name], entry_id, pdf, args.files)
            seconds[(name, "upload")] += up
            seconds[(name, "download")] += down
    return seconds


def certificate_runs(db_path: Path, tmp: Path, urls: dict, ids: list[int], parts: int) -> dict:
    """{backend: seconds} for issuing `ids` (half per back end, in alternating parts)."""
    ctx = mp.get_context("fork")
    pools, ready = {}, {}
    for name in BACKENDS:
        ready[name] = ctx.Value("i", 0)
        initargs = (str(db_path), str(tmp / "storage"), urls[name], ready[name])
        pools[name] = ctx.Pool(WORKERS, initializer=setup.worker_init, initargs=initargs)
    try:
        deadline = time.monotonic() + 120
        while any(r.value < WORKERS for r in ready.values()):
            if time.monotonic() > deadline:
                raise RuntimeError("the certificate workers did not start")
            time.sleep(0.05)
        half = len(ids) // 2
        mine = {"local": ids[:half], "s3": ids[half : 2 * half]}
        size = -(-half // parts // (WORKERS * CHUNK)) * WORKERS * CHUNK
        seconds = dict.fromkeys(BACKENDS, 0.0)
        for start in range(0, half, size):
            for name in BACKENDS:
                part = mine[name][start : start + size]
                chunks = [part[i : i + CHUNK] for i in range(0, len(part), CHUNK)]
                t0 = time.perf_counter()
                done = sum(pools[name].imap_unordered(setup.worker_chunk, chunks))
                seconds[name] += time.perf_counter() - t0
                assert done == len(part)
        return seconds
    finally:
        for pool in pools.values():
            pool.terminate()
            pool.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20, help="2 MB PDFs per round and store")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size-mb", type=float, default=2.0)
    parser.add_argument("--certificates", type=int, default=200, help="per store")
    parser.add_argument("--parts", type=int, default=2, help="alternations of the stores")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    import boto3
    from documents import seed
    from flask_migrate import upgrade

    from kipp.extensions import db

    tmp = Path(tempfile.mkdtemp(prefix="kipp-bench-storage-"))
    moto, endpoint = setup.start_moto(tmp / "moto.log")
    os.environ.update(setup.S3_ENV | {"KIPP_S3_ENDPOINT_URL": endpoint})  # the forks inherit
    try:
        bucket = f"kipp-bench-{uuid.uuid4().hex[:8]}"
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
        urls = {"local": None, "s3": f"s3://{bucket}/kipp"}
        db_path = tmp / "bench.sqlite3"
        apps = {n: setup.make_app(db_path, tmp / "storage", urls[n]) for n in BACKENDS}
        with apps["local"].app_context():
            upgrade()
            cert_ids, _ = seed(2 * args.certificates, 0)
            db.engine.dispose()  # never share connections with the forked workers
        print(f"data in {tmp}; S3: moto at {endpoint}; load average {os.getloadavg()[0]:.2f}")
        pdf = setup.pdf_of(int(args.size_mb * MB))
        moved = transfers(apps, args, pdf)
        for app in apps.values():
            with app.app_context():
                db.engine.dispose()
        certs = certificate_runs(db_path, tmp, urls, cert_ids, args.parts)
    finally:
        os.killpg(moto.pid, 15)
        moto.wait(10)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    n_files = args.files * args.rounds
    rate = {}
    print(f"{n_files} PDFs of {len(pdf) / MB:.2f} MB per store and direction (test client):")
    for name in BACKENDS:
        for way in ("upload", "download"):
            secs = moved[(name, way)]
            rate[(name, way)] = n_files / secs
            print(
                f"  {name:5s} {way:8s}: {n_files / secs:6.1f} files/s = "
                f"{n_files * len(pdf) / MB / secs:7.1f} MB/s ({1000 * secs / n_files:6.1f} ms each)"
            )
        rate[(name, "certificates")] = args.certificates / certs[name]
        print(
            f"  {name:5s} certificates: {args.certificates} in {certs[name]:.2f} s = "
            f"{rate[(name, 'certificates')]:.1f} docs/s ({WORKERS} worker processes)"
        )
    ratio = {
        k: rate[("s3", k)] / rate[("local", k)] for k in ("upload", "download", "certificates")
    }
    print(
        f"s3 / local: uploads {ratio['upload']:.2f}, downloads {ratio['download']:.2f}, "
        f"certificates {ratio['certificates']:.2f}; load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"storage: s3 {ratio['download']:.2f} of local for downloads, "
        f"certificates {ratio['certificates']:.2f} of local"
    )


if __name__ == "__main__":
    main()
