"""The multi-host rehearsal (issue 14, item 4): two gunicorn web hosts (A, B) and two Celery
worker hosts, each in its own empty directory with no shared local storage, on one PostgreSQL,
one Redis and moto's S3 server (tests/multihost/conftest.py). Everything goes over real
sockets: the JSON API with bearer tokens and the login form with cookies. The competition
state is built directly in the database through the services.

Proved here: a file uploaded through A is read through B; a certificate job spread over both
workers is served by either web host and verifies; a worker SIGKILLed mid-job still ends with
every certificate exactly once (rows and objects counted; `storage check` reports no problem,
and at most one unreferenced object: the PDF the killed worker may have written before it
could commit its row); a browser session made on A works on B, and logging out on B ends it
on A (the old cookie, replayed, is refused).
"""

from __future__ import annotations

import hashlib
import re
import subprocess

import requests
from sqlalchemy import select

from kipp.documents import codes
from kipp.extensions import db
from kipp.models import Attachment, Certificate
from tests.conftest import PASSWORD
from tests.helpers import pdf_bytes
from tests.multihost.cluster import BIN, Host, wait_until
from tests.services.judging_fixtures import evaluation_setup, finalised_shortlist

TIMEOUT = 30  # seconds, per HTTP request


def bearer(host: Host, user) -> dict:
    """A bearer token for `user`, obtained from `host`."""
    resp = requests.post(
        f"{host.url}/api/v1/auth/tokens",
        json={"email": user.email, "password": PASSWORD},
        timeout=TIMEOUT,
    )
    assert resp.status_code == 201, resp.text
    return {"Authorization": f"Bearer {resp.json()['token']}"}


class Browser:
    """requests with cookies sent over plain HTTP: production marks them Secure (TLS ends at
    the proxy in front), and these hosts are reached without one."""

    def __init__(self):
        self.http = requests.Session()

    def request(self, method: str, url: str, **kw) -> requests.Response:
        resp = self.http.request(method, url, allow_redirects=False, timeout=TIMEOUT, **kw)
        for cookie in self.http.cookies:
            cookie.secure = False
        return resp


def csrf(html: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def job_status(host: Host, headers: dict, job_id: int) -> dict:
    resp = requests.get(f"{host.url}/api/v1/document-jobs/{job_id}", headers=headers, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()


def start_certificates(host: Host, headers: dict, comp_id: int) -> int:
    resp = requests.post(
        f"{host.url}/api/v1/competitions/{comp_id}/document-jobs",
        json={"kind": "certificates"},
        headers=headers,
        timeout=TIMEOUT,
    )
    assert resp.status_code == 202, resp.text
    return resp.json()["id"]


def awarded_world(make, n: int):
    w = evaluation_setup(make, n_entries=n, n_agencies=5, n_panelists=1, stage="awarded")
    finalised_shortlist(w.comp, w.entries, w.chair)
    return w


def certificates_once(w) -> list[Certificate]:
    """Every entry has exactly one certificate, with its own serial."""
    db.session.expire_all()
    certs = db.session.scalars(select(Certificate).order_by(Certificate.entry_id)).all()
    assert [c.entry_id for c in certs] == sorted(e.id for e in w.entries)
    assert len({c.serial for c in certs}) == len(certs)
    return certs


def no_local_files(cluster) -> None:
    for host in cluster.web + cluster.workers:
        assert host.local_files() == [], host.name


def test_an_upload_through_web_a_is_downloaded_through_web_b(cluster, make, bucket_keys):
    web_a, web_b = cluster.web
    owner, admin = make.user("agency"), make.admin()
    entry = make.entry(make.competition(stage="submission"), owner)
    pdf = pdf_bytes(pages=3)
    resp = requests.post(
        f"{web_a.url}/api/v1/entries/{entry.id}/attachments",
        data={"kind": "decree"},
        files={"file": ("SK Inovasi.pdf", pdf, "application/pdf")},
        headers=bearer(web_a, owner),
        timeout=TIMEOUT,
    )
    assert resp.status_code == 201, resp.text
    att = db.session.get(Attachment, resp.json()["id"])
    down = requests.get(
        f"{web_b.url}/api/v1/attachments/{att.id}", headers=bearer(web_b, admin), timeout=TIMEOUT
    )
    assert down.status_code == 200 and down.content == pdf
    assert down.headers["Cache-Control"] == "private, no-store"
    assert bucket_keys("attachments/") == [f"attachments/{att.stored_name}"]
    no_local_files(cluster)


def test_a_session_made_on_a_works_on_b_and_logout_on_b_ends_it_on_a(cluster, make):
    web_a, web_b = cluster.web
    user = make.admin()
    browser = Browser()
    form = browser.request("GET", f"{web_a.url}/login")
    login = browser.request(
        "POST",
        f"{web_a.url}/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf(form.text)},
    )
    assert login.status_code == 302, login.text[-2000:]
    on_b = browser.request("GET", f"{web_b.url}/account/password")
    assert on_b.status_code == 200 and user.name in on_b.text
    assert browser.request("GET", f"{web_a.url}/account/password").status_code == 200
    cookies = {c.name: c.value for c in browser.http.cookies}
    out = browser.request("POST", f"{web_b.url}/logout", data={"csrf_token": csrf(on_b.text)})
    assert out.status_code == 302
    # the cookie from before the logout, replayed on A: its session record is gone
    replay = requests.get(
        f"{web_a.url}/account/password",
        cookies=cookies,
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]


def test_a_certificate_job_over_both_workers_is_served_and_verified_by_both_webs(
    cluster, make, app, bucket_keys
):
    app.config["KIPP_CERTIFICATE_KEY"] = cluster.certificate_key  # to compute public codes
    web_a, web_b = cluster.web
    w = awarded_world(make, 50)  # two chunks of 25
    before = [len(h.rendered()) for h in cluster.workers]
    job_id = start_certificates(web_a, bearer(web_a, w.admin), w.comp.id)
    admin_b = bearer(web_b, w.admin)
    wait_until(
        lambda: job_status(web_b, admin_b, job_id)["status"] in ("done", "failed"),
        90,
        "the certificates",
        cluster.logs,
    )
    body = job_status(web_b, admin_b, job_id)
    assert (body["status"], body["done"], body["failed"]) == ("done", 50, 0), cluster.logs()
    certs = certificates_once(w)
    by_worker = [h.rendered()[n:] for h, n in zip(cluster.workers, before, strict=True)]
    assert all(by_worker), f"one worker rendered everything: {by_worker}"
    assert sorted(by_worker[0] + by_worker[1]) == sorted(e.id for e in w.entries)
    assert bucket_keys("documents/") == sorted(f"documents/{c.stored_name}" for c in certs)
    owner_of = {e.id: w.owners[i % 5] for i, e in enumerate(w.entries)}
    tokens = {(h.name, o.id): bearer(h, o) for h in cluster.web for o in w.owners}
    for cert in certs:
        code = codes.public_code(cert.serial)
        for host in cluster.web:
            pdf = requests.get(
                f"{host.url}/api/v1/entries/{cert.entry_id}/certificate",
                headers=tokens[host.name, owner_of[cert.entry_id].id],
                timeout=TIMEOUT,
            )
            assert pdf.status_code == 200, (host.name, pdf.text)
            assert hashlib.sha256(pdf.content).hexdigest() == cert.sha256
            check = requests.get(f"{host.url}/api/v1/certificates/{code}", timeout=TIMEOUT)
            assert check.status_code == 200, (host.name, check.text)
            assert check.json()["valid"] is True and check.json()["serial"] == cert.serial
    no_local_files(cluster)


def test_a_worker_killed_mid_job_leaves_every_certificate_exactly_once(cluster, make, bucket_keys):
    web_a, web_b = cluster.web
    worker_a, worker_b = cluster.workers
    w = awarded_world(make, 60)  # chunks of 25, 25 and 10
    before_b = len(worker_b.rendered())
    job_id = start_certificates(web_a, bearer(web_a, w.admin), w.comp.id)
    wait_until(
        lambda: len(worker_b.rendered()) >= before_b + 3, 60, "worker B's first three", cluster.logs
    )
    worker_b.kill()
    admin_b = bearer(web_b, w.admin)
    assert job_status(web_b, admin_b, job_id)["done"] < 60  # killed mid-job
    wait_until(
        lambda: job_status(web_b, admin_b, job_id)["status"] in ("done", "failed"),
        120,
        "worker A to finish the job alone",
        cluster.logs,
    )
    body = job_status(web_b, admin_b, job_id)
    assert (body["status"], body["done"], body["failed"]) == ("done", 60, 0), cluster.logs()
    certs = certificates_once(w)
    named = {f"documents/{c.stored_name}" for c in certs}
    stored = set(bucket_keys("documents/"))
    assert named <= stored
    # At most the one PDF worker B was writing when it died, before its row was committed.
    leftovers = stored - named
    assert len(leftovers) <= 1, leftovers
    check = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "storage", "check"],
        cwd=worker_a.cwd,
        env=cluster.env(worker_a.cwd),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert (
        f"storage (s3): 60 file(s) checked, 0 problem(s), {len(leftovers)} unreferenced"
        in check.stdout
    ), check.stdout
    no_local_files(cluster)
