"""The S3-compatible back end (`KIPP_STORAGE_URL=s3://bucket/prefix`; see `kipp.storage`).

Credentials and region come from boto3's usual environment (AWS_ACCESS_KEY_ID, …,
AWS_REGION); the endpoint from KIPP_S3_ENDPOINT_URL or AWS_ENDPOINT_URL (MinIO, a local
test server), else AWS. Connection failures, timeouts and 5xx answers raise StorageUnavailable;
a missing object raises FileNotFoundError. The client retries transient errors itself (boto3's
standard mode) with short timeouts, so a dead store answers 503 in seconds, not minutes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from kipp.storage.base import StorageUnavailable

MISSING = {"404", "NoSuchKey", "NotFound"}
CLIENT_CONFIG = Config(
    connect_timeout=3, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}
)


class S3Backend:
    name = "s3"

    def __init__(self, bucket: str, prefix: str = "", client=None):
        self.bucket, self.prefix = bucket, prefix.strip("/")
        endpoint = os.environ.get("KIPP_S3_ENDPOINT_URL") or None
        self.client = client or boto3.client("s3", endpoint_url=endpoint, config=CLIENT_CONFIG)

    @classmethod
    def from_url(cls, url: str) -> S3Backend:
        parts = urlsplit(url)
        if not parts.netloc:
            raise ValueError(f"KIPP_STORAGE_URL names no bucket: {url!r}")
        return cls(parts.netloc, parts.path)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _call(self, method: str, **kwargs):
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in MISSING:
                raise FileNotFoundError(kwargs.get("Key", "")) from exc
            raise StorageUnavailable(f"object store: {code or exc}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(f"object store unreachable: {exc}") from exc

    def write(self, key: str, data: bytes) -> None:
        self._call("put_object", Key=self._key(key), Body=data)

    def read(self, key: str) -> bytes:
        return self._call("get_object", Key=self._key(key))["Body"].read()

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Key=self._key(key))
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=self._key(key))

    def keys(self, prefix: str) -> Iterator[str]:
        start = len(self.prefix) + 1 if self.prefix else 0
        token = None
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = self._call("list_objects_v2", Prefix=self._key(prefix), **extra)
            for item in page.get("Contents", ()):
                yield item["Key"][start:]
            token = page.get("NextContinuationToken")
            if not token:
                return

    def ping(self) -> None:
        try:
            self._call("head_bucket")
        except FileNotFoundError as exc:
            raise StorageUnavailable(f"object store: no bucket {self.bucket!r}") from exc
