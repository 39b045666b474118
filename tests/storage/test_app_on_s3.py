"""The app with `KIPP_STORAGE_URL=s3://…` (moto's server): uploads, rendered certificates and
downloads go through the object store, nothing lands on the local disk, and
`storage check` finds missing and altered files."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import boto3

from kipp.documents import certificates, codes
from kipp.extensions import db
from kipp.models import Attachment
from kipp.storage import backend
from kipp.storage.check import check
from tests.helpers import pdf_bytes
from tests.workers.test_render_world import build_world


def local_files(app) -> list[Path]:
    root = Path(app.config["KIPP_STORAGE_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, entry_id, data):
    return client.post(
        f"/api/v1/entries/{entry_id}/attachments",
        data={"kind": "decree", "file": (io.BytesIO(data), "SK Inovasi.pdf")},
        content_type="multipart/form-data",
    )


def test_an_upload_is_stored_in_s3_and_downloaded_from_it(s3_app, make, api, bucket, s3_endpoint):
    owner = make.user("agency")
    entry = make.entry(make.competition(stage="submission"), owner)
    pdf = pdf_bytes()
    client = api(owner)
    resp = upload(client, entry.id, pdf)
    assert resp.status_code == 201, resp.get_json()
    att = db.session.get(Attachment, resp.get_json()["id"])
    s3 = boto3.client("s3", endpoint_url=s3_endpoint)
    obj = s3.get_object(Bucket=bucket, Key=f"kipp/attachments/{att.stored_name}")
    assert obj["Body"].read() == pdf
    download = client.get(f"/api/v1/attachments/{att.id}")
    assert download.status_code == 200 and download.data == pdf
    assert "SK%20Inovasi.pdf" in download.headers["Content-Disposition"] or (
        "SK Inovasi.pdf" in download.headers["Content-Disposition"]
    )
    assert local_files(s3_app) == []


def test_a_certificate_is_rendered_into_s3_and_verifies(s3_app, make, api, bucket, s3_endpoint):
    w = build_world(make)
    cert = certificates.issue_certificate(w.a1.id)
    db.session.commit()
    s3 = boto3.client("s3", endpoint_url=s3_endpoint)
    data = s3.get_object(Bucket=bucket, Key=f"kipp/documents/{cert.stored_name}")["Body"].read()
    assert hashlib.sha256(data).hexdigest() == cert.sha256 and data.startswith(b"%PDF-")
    resp = api(w.owner_a).get(f"/api/v1/entries/{w.a1.id}/certificate")
    assert resp.status_code == 200 and resp.data == data
    assert api().get(f"/api/v1/certificates/{codes.public_code(cert.serial)}").status_code == 200
    assert local_files(s3_app) == []


def test_a_file_gone_from_the_store_answers_404_not_500(s3_app, make, api):
    w = build_world(make)
    cert = certificates.issue_certificate(w.a1.id)
    db.session.commit()
    backend().delete(f"documents/{cert.stored_name}")
    resp = api(w.owner_a).get(f"/api/v1/entries/{w.a1.id}/certificate")
    assert resp.status_code == 404


def test_storage_check_finds_missing_altered_and_unreferenced_files(s3_app, make, api):
    owner = make.user("agency")
    entry = make.entry(make.competition(stage="submission"), owner)
    client = api(owner)
    first = db.session.get(Attachment, upload(client, entry.id, pdf_bytes()).get_json()["id"])
    second = db.session.get(Attachment, upload(client, entry.id, pdf_bytes()).get_json()["id"])
    assert check() == (2, [])
    store = backend()
    store.delete(f"attachments/{first.stored_name}")
    store.write(f"attachments/{second.stored_name}", b"%PDF-1.4 not what was uploaded")
    store.write("documents/" + "f" * 32, b"left over")
    checked, findings = check()
    assert checked == 2
    assert sorted((f.problem, f.key) for f in findings) == [
        ("altered", f"attachments/{second.stored_name}"),
        ("missing", f"attachments/{first.stored_name}"),
        ("unreferenced", "documents/" + "f" * 32),
    ]


def test_storage_check_command_exit_status(s3_app, make, api):
    owner = make.user("agency")
    entry = make.entry(make.competition(stage="submission"), owner)
    att_id = upload(api(owner), entry.id, pdf_bytes()).get_json()["id"]
    ok = s3_app.test_cli_runner().invoke(args=["storage", "check"])
    assert ok.exit_code == 0, ok.output
    assert "1 file(s) checked, 0 problem(s)" in ok.output
    backend().delete(f"attachments/{db.session.get(Attachment, att_id).stored_name}")
    bad = s3_app.test_cli_runner().invoke(args=["storage", "check"])
    assert bad.exit_code == 1 and "missing" in bad.output


def test_healthz_reports_the_object_store(s3_app, client, bucket):
    assert client.get("/healthz").get_json()["storage"] == "ok"
    s3_app.config["KIPP_STORAGE_URL"] = f"s3://{bucket}-gone/kipp"  # no such bucket
    resp = client.get("/healthz")
    assert resp.status_code == 503 and resp.get_json()["storage"] == "down"


def test_an_unreachable_store_answers_503_and_records_nothing(s3_app, make, api, monkeypatch):
    owner = make.user("agency")
    entry = make.entry(make.competition(stage="submission"), owner)
    monkeypatch.setenv("KIPP_S3_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    s3_app.extensions.pop("kipp_storage", None)
    before = db.session.query(Attachment).count()
    resp = upload(api(owner), entry.id, pdf_bytes())
    assert resp.status_code == 503 and resp.content_type == "application/problem+json"
    assert resp.get_json()["code"] == "service_unavailable" and resp.headers["Retry-After"]
    db.session.expire_all()
    assert db.session.query(Attachment).count() == before
