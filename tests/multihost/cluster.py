"""Several KIPP hosts on one machine: gunicorn web processes and Celery workers, each started
in its own empty working directory with its own (unused) local storage directory, all sharing
only what real hosts share: PostgreSQL, Redis, an S3 bucket and the secrets.

Every process runs in production mode (`KIPP_ENV=production`, mail as `.eml` files so that
production starts without an SMTP server) in its own process group, so `kill` (SIGKILL to the
group) takes a worker's pool or a gunicorn's workers with it. Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import types
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kipp import queues

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RENDERER = "tests.multihost.renderer:render"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, timeout: float, what: str, logs=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}\n{logs()}")


@dataclass
class Host:
    """One process (a gunicorn master or a celery worker) and its private directory."""

    name: str
    proc: subprocess.Popen
    cwd: Path
    log: Path
    url: str = ""  # web hosts: http://127.0.0.1:<port>

    @property
    def rendered_log(self) -> Path:
        return self.cwd / "rendered.log"

    def rendered(self) -> list[int]:
        """Entry ids whose document this worker rendered (tests.multihost.renderer)."""
        if not self.rendered_log.exists():
            return []
        return [int(line.split()[2]) for line in self.rendered_log.read_text().splitlines()]

    def local_files(self) -> list[Path]:
        """Files in this host's local storage directory (must stay empty: files live in S3)."""
        root = self.cwd / "storage"
        return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(10)


@dataclass
class Cluster:
    database_url: str
    broker_url: str
    storage_url: str
    s3_env: dict
    root: Path
    bucket: str = ""
    s3_endpoint: str = ""
    queue: str = field(default_factory=lambda: f"kipp-rehearsal-{secrets.token_hex(4)}")
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    certificate_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    web: list[Host] = field(default_factory=list)
    workers: list[Host] = field(default_factory=list)

    def env(self, cwd: Path) -> dict:
        """What every host gets; nothing points into the repository but PYTHONPATH."""
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("KIPP_", "AWS_", "TEST_", "CELERY_", "PYTEST"))
            and k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
        }
        return (
            base
            | self.s3_env
            | {
                "KIPP_ENV": "production",
                "DATABASE_URL": self.database_url,
                "CELERY_BROKER_URL": self.broker_url,
                "KIPP_CELERY_QUEUE": self.queue,
                "SECRET_KEY": self.secret_key,
                "KIPP_CERTIFICATE_KEY": self.certificate_key,
                "KIPP_STORAGE_URL": self.storage_url,
                "KIPP_STORAGE_DIR": str(cwd / "storage"),
                "KIPP_INSTANCE_DIR": str(cwd / "instance"),
                "KIPP_MAIL_URL": (cwd / "mail").as_uri(),
                "KIPP_MAIL_FROM": "KIPP <kipp@rehearsal.example>",
                # short leases so a killed worker's documents come back within seconds
                "KIPP_DOCUMENT_LEASE_SECONDS": "3",
                "KIPP_DOCUMENT_PATIENCE_SECONDS": "2",
                "KIPP_RECONCILE_SECONDS": "0.5",
                "KIPP_TEST_RENDERER": RENDERER,
                "KIPP_MULTIHOST_LOG": str(cwd / "rendered.log"),
                "KIPP_MULTIHOST_DELAY": "0.1",
                "PYTHONPATH": str(REPO),
            }
        )

    def _spawn(self, name: str, argv: list[str]) -> Host:
        cwd = self.root / name
        cwd.mkdir()  # empty: the process finds nothing of the repository where it runs
        log = self.root / f"{name}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=self.env(cwd),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return Host(name, proc, cwd, log)

    def start_web(self, name: str) -> Host:
        port = free_port()
        host = self._spawn(
            name,
            [str(BIN / "gunicorn"), "--preload", "--workers=1", "--worker-class=gthread"]
            + ["--threads=4", f"--bind=127.0.0.1:{port}", "--log-level=warning", "wsgi:app"],
        )
        host.url = f"http://127.0.0.1:{port}"
        self.web.append(host)

        def healthy() -> bool:
            if not host.alive():
                raise RuntimeError(f"{name} exited:\n{self.logs()}")
            try:
                with urllib.request.urlopen(f"{host.url}/healthz", timeout=5) as resp:
                    return resp.status == 200
            except OSError:
                return False

        wait_until(healthy, 60, f"{name} to answer /healthz", self.logs)
        return host

    def queue_names(self) -> list[str]:
        return queues.all_names(types.SimpleNamespace(config={"CELERY_QUEUE": self.queue}))

    def start_worker(self, name: str) -> Host:
        host = self._spawn(
            name,
            [str(BIN / "celery"), "-A", "tests.workers.celery_entry", "worker"]
            + ["--pool=prefork"]
            + ["--concurrency=1", "-Q", ",".join(self.queue_names()), "-n", f"{name}@%h"]
            + ["--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=INFO"],
        )
        self.workers.append(host)

        def ready() -> bool:
            if not host.alive():
                raise RuntimeError(f"{name} exited:\n{self.logs()}")
            return b" ready." in host.log.read_bytes()

        wait_until(ready, 60, f"{name} to start", self.logs)
        return host

    def stop(self) -> None:
        for host in self.web + self.workers:
            host.kill()

    def logs(self) -> str:
        return "\n".join(
            f"--- {h.name}\n{h.log.read_text(errors='replace')[-3000:]}"
            for h in self.web + self.workers
            if h.log.exists()
        )
