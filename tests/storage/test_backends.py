"""Both storage back ends keep the promises of `kipp.storage`, against real stores: a local
directory and moto's S3 server."""

from __future__ import annotations

import pytest

from kipp.storage import StorageUnavailable, backend_for
from kipp.storage.local import LocalBackend
from kipp.storage.s3 import S3Backend


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalBackend(tmp_path / "store")
    bucket = request.getfixturevalue("bucket")
    return backend_for(f"s3://{bucket}/some/prefix")


def test_write_read_replace_delete(store):
    store.write("documents/a", b"first")
    assert store.exists("documents/a") and store.read("documents/a") == b"first"
    store.write("documents/a", b"second")
    assert store.read("documents/a") == b"second"
    store.delete("documents/a")
    assert not store.exists("documents/a")
    store.delete("documents/a")  # already gone: no error
    with pytest.raises(FileNotFoundError):
        store.read("documents/a")


def test_keys_lists_one_area(store):
    for key in ("documents/b", "documents/a", "attachments/c.pdf"):
        store.write(key, b"x")
    assert sorted(store.keys("documents/")) == ["documents/a", "documents/b"]
    assert list(store.keys("attachments/")) == ["attachments/c.pdf"]
    assert list(store.keys("nothing/")) == []


def test_s3_keys_live_under_the_prefix(bucket, s3_endpoint):
    import boto3

    store = backend_for(f"s3://{bucket}/kipp/2027")
    store.write("documents/a", b"x")
    names = [
        o["Key"]
        for o in boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=bucket)[
            "Contents"
        ]
    ]
    assert names == ["kipp/2027/documents/a"]


def test_local_write_leaves_no_temporary_file(tmp_path):
    store = LocalBackend(tmp_path)
    store.write("documents/a", b"x" * 10_000)
    assert [p.name for p in (tmp_path / "documents").iterdir()] == ["a"]


def test_an_unreachable_object_store_raises_storage_unavailable(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("KIPP_S3_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: closed
    store = S3Backend.from_url("s3://kipp/x")
    for call in (lambda: store.write("documents/a", b"x"), store.ping, lambda: store.exists("a")):
        with pytest.raises(StorageUnavailable):
            call()


def test_a_missing_bucket_is_unavailable_not_missing(bucket):
    store = backend_for(f"s3://{bucket}-gone/x")
    with pytest.raises(StorageUnavailable):
        store.ping()


@pytest.mark.parametrize("url", ["ftp://x/y", "s3:///nobucket", "/plain/path"])
def test_bad_urls_are_refused(url):
    with pytest.raises(ValueError):
        backend_for(url)
