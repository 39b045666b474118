"""The rehearsal's hosts, started once per module: web A and web B (gunicorn) and worker A and
worker B (Celery), on PostgreSQL, Redis and moto's S3 server (see tests.multihost.cluster).

PostgreSQL only (on SQLite the module is skipped with "needs PostgreSQL: …", the reason CI
allows); Redis from REDIS_URL (with CI=true a missing or unreachable Redis fails)."""

from __future__ import annotations

import os
import uuid

import boto3
import pytest

from tests.multihost.cluster import Cluster
from tests.storage.conftest import CREDENTIALS, s3_endpoint  # noqa: F401  (fixture)

IN_CI = os.environ.get("CI", "").lower() == "true"


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if IN_CI:
            pytest.fail("CI=true but REDIS_URL is not set: the rehearsal needs Redis in CI")
        pytest.skip("REDIS_URL is not set: the multi-host rehearsal needs Redis")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        pytest.fail(f"Redis at REDIS_URL={url} is unreachable: {exc}")
    return url


@pytest.fixture(scope="module")
def cluster(database, tmp_path_factory, request):
    if not database["url"]:
        pytest.skip("needs PostgreSQL: the multi-host rehearsal shares one database server")
    broker = _redis_url()
    endpoint = request.getfixturevalue("s3_endpoint")  # started only when needed
    bucket = f"kipp-rehearsal-{uuid.uuid4().hex[:10]}"
    s3_env = CREDENTIALS | {"KIPP_S3_ENDPOINT_URL": endpoint}
    boto3.client("s3", endpoint_url=endpoint, **_boto_credentials()).create_bucket(Bucket=bucket)
    hosts = Cluster(
        database_url=database["url"],
        broker_url=broker,
        storage_url=f"s3://{bucket}/kipp",
        s3_env=s3_env,
        root=tmp_path_factory.mktemp("hosts"),
        bucket=bucket,
        s3_endpoint=endpoint,
    )
    try:
        hosts.start_web("web-a")
        hosts.start_web("web-b")
        hosts.start_worker("worker-a")
        hosts.start_worker("worker-b")
        yield hosts
    finally:
        hosts.stop()


def _boto_credentials() -> dict:
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        "region_name": CREDENTIALS["AWS_DEFAULT_REGION"],
    }


@pytest.fixture
def bucket_keys(cluster):
    """Empties the cluster's bucket (the database was emptied after the previous test, so
    whatever it holds is left over) and returns `keys(area)`: the keys under the cluster's
    prefix, as the store names them (`documents/<name>.pdf`)."""
    s3 = boto3.client("s3", endpoint_url=cluster.s3_endpoint, **_boto_credentials())

    def listing(prefix: str) -> list[str]:
        found, token = [], None
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = s3.list_objects_v2(Bucket=cluster.bucket, Prefix=prefix, **extra)
            found += [o["Key"] for o in page.get("Contents", ())]
            token = page.get("NextContinuationToken")
            if not token:
                return found

    for key in listing(""):
        s3.delete_object(Bucket=cluster.bucket, Key=key)

    def keys(area: str) -> list[str]:
        return sorted(k.removeprefix("kipp/") for k in listing(f"kipp/{area}"))

    return keys
