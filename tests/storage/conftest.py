"""An S3 server for the storage tests: moto's standalone server (`moto_server`), started once
per run on a free loopback port, with a fresh bucket per test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "kipp-test",
    "AWS_SECRET_ACCESS_KEY": "kipp-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """The URL of a running moto S3 server (stopped at the end of the run)."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    server = Path(sys.executable).with_name("moto_server")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **CREDENTIALS},
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"moto_server did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, monkeypatch):
    """A new, empty bucket; the environment points boto3 and KIPP at the test server."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KIPP_S3_ENDPOINT_URL", s3_endpoint)
    name = f"kipp-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_app(app, bucket):
    """The test app storing every file in the bucket, under a prefix."""
    app.config["KIPP_STORAGE_URL"] = f"s3://{bucket}/kipp"
    app.extensions.pop("kipp_storage", None)
    yield app
    app.extensions.pop("kipp_storage", None)
