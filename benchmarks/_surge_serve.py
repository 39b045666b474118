"""gunicorn for benchmarks/deadline_surge.py: start on a loopback port, wait until it answers, stop.

Each server runs in its own process group (`start_new_session`), so `stop` ends the master and
its workers together, by that group's id, and the terminal's Ctrl+C reaches only the benchmark,
which then stops them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app: str, port: int, worker_class: str, threads: int, env: dict, log: Path):
    """`gunicorn --preload` with WORKERS workers serving `app`; returns once `GET /` answers."""
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--preload",
        f"--workers={WORKERS}",
        f"--worker-class={worker_class}",
        f"--threads={threads}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        f"--pythonpath={ROOT / 'benchmarks'}",
        app,
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                return proc
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError(f"{app} did not start:\n{log.read_text()[-2000:]}")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (a graceful stop), SIGKILL after 20 s."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def cpu_seconds(proc: subprocess.Popen) -> float:
    """User + system CPU time used so far by the server's process group (master and workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[2]) == proc.pid:  # pgrp: the group serve() started
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")
