"""The load generator of benchmarks/deadline_surge.py: its own process, HTTP/1.1 on loopback.

`run(plan, conn)` is the process's target. For each concurrency level of `plan["levels"]` it
drives the bare "hello" app, then KIPP, with that many client threads in a closed loop (no think
time), each on its own keep-alive `http.client` connection; a level ends when `plan["requests"]`
responses have come back or `plan["seconds"]` have passed, whichever is first. Every result is
sent back through `conn` as it is ready, then `None`.

A KIPP client plays one agency account at a time, taken from a shared queue, so no two clients
ever edit the same drafts (no 409 is expected). One session, in the last hour before the deadline:
log in (three in four through `POST /api/v1/auth/tokens`, one in four through the login page,
with the session cookie and CSRF token thereafter, as the editor's autosave does), read the
agency's entries, autosave the first draft `AUTOSAVES` times with its current version, upload a
small PDF to it, autosave once more, submit it (every other session, while the agency keeps at
least one other draft), and read the dashboard. Any response other than the expected status,
and any connection failure, is an error.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import queue
import re
import threading
import time
import uuid
from urllib.parse import urlencode

AUTOSAVES = 4
CSRF_RE = re.compile(rb'name="csrf-token" content="([^"]+)"')
AUTOSAVE_FIELDS = ("title", "group", "category", "summary", "started_on", "video_url")


class Stop(Exception):
    """The level's request or time budget is spent."""


class Failed(Exception):
    """An unexpected response or a connection failure: the session ends, the client goes on."""


class Budget:
    """Shared by a level's clients: counts requests and stops them all at the limit."""

    def __init__(self, requests: int, seconds: float):
        self.left, self.until, self.lock = requests, time.monotonic() + seconds, threading.Lock()

    def take(self) -> None:
        with self.lock:
            if self.left <= 0 or time.monotonic() > self.until:
                raise Stop
            self.left -= 1


class Client:
    """One keep-alive connection with a cookie jar; records (kind, latency, ok) per request."""

    def __init__(self, port: int, budget: Budget, samples: list, errors: list):
        self.port, self.budget, self.samples, self.errors = port, budget, samples, errors
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def call(self, kind, method, path, expect, body=None, headers=None, json_body=None):
        self.budget.take()
        headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException) as exc:
            self.samples.append((kind, time.perf_counter() - started, False))
            self.errors.append((kind, 0, repr(exc)[:200]))
            self.close()
            raise Failed from exc
        self.samples.append((kind, time.perf_counter() - started, status == expect))
        for header in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        if resp.will_close:
            self.close()
        if status != expect:
            self.errors.append((kind, status, data[:300].decode(errors="replace")))
            raise Failed
        return data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def autosave_body(entry: dict, n: int) -> dict:
    """The editor's autosave of `entry` (an entry's JSON) for the n-th time: one answer grows,
    the rest is sent back as it was, with the version it was read at."""
    answers = dict(entry["answers"])
    answers["latar_belakang"] = f"{answers.get('latar_belakang', '')} Revisi {n}."
    body = {k: entry[k] for k in AUTOSAVE_FIELDS} | {"answers": answers}
    return body | {"version": entry["version"]}


def multipart(fields: dict, filename: str, payload: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode()
        + payload
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


class Agency:
    """What the generator remembers of one account between its sessions."""

    def __init__(self, index: int, email: str):
        self.index, self.email, self.sessions = index, email, 0


def session(c: Client, agency: Agency, plan: dict) -> None:
    """One agency session (see the module docstring); Stop at the budget, Failed on an error."""
    comp, password, pdf = plan["competition_id"], plan["password"], plan["pdf"]
    agency.sessions += 1
    c.cookies.clear()
    auth: dict[str, str] = {}
    if (agency.index + agency.sessions) % 4 == 0:
        # Through the login page, then the API with the session cookie, as the editor does.
        page = c.call("login_page", "GET", "/login", 200)
        token = CSRF_RE.search(page).group(1).decode()
        form = urlencode({"csrf_token": token, "email": agency.email, "password": password})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        c.call("web_login", "POST", "/login", 302, body=form.encode(), headers=headers)
        page = c.call("dashboard_page", "GET", "/agency/", 200)
        auth["X-CSRFToken"] = CSRF_RE.search(page).group(1).decode()
    else:
        creds = {"email": agency.email, "password": password}
        body = json.loads(c.call("api_login", "POST", "/api/v1/auth/tokens", 201, json_body=creds))
        auth["Authorization"] = f"Bearer {body['token']}"
    listing = f"/api/v1/competitions/{comp}/entries?per_page=50"
    items = json.loads(c.call("entries_list", "GET", listing, 200, headers=auth))["items"]
    drafts = [e for e in items if e["status"] == "draft"]
    entry = drafts[0]
    path = f"/api/v1/entries/{entry['id']}"

    def autosave(n: int) -> None:
        body = autosave_body(entry, n)
        saved = json.loads(c.call("autosave", "PATCH", path, 200, headers=auth, json_body=body))
        entry["version"] = saved["version"]

    for n in range(AUTOSAVES):
        autosave(n)
    body, boundary = multipart({"kind": "evidence"}, "bukti-dukung.pdf", pdf)
    headers = auth | {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    c.call("upload", "POST", f"{path}/attachments", 201, body=body, headers=headers)
    autosave(AUTOSAVES)
    if (agency.index + agency.sessions) % 2 == 1 and len(drafts) > 1:
        c.call("submit", "POST", f"{path}/submit", 200, headers=auth)
    if "Authorization" in auth:
        c.call("entries_list", "GET", listing, 200, headers=auth)
    else:
        c.call("dashboard_page", "GET", "/agency/", 200)


def kipp_client(c: Client, pool: queue.Queue, plan: dict) -> None:
    while True:
        agency = pool.get()
        try:
            session(c, agency, plan)
        except Failed:
            pass  # counted by Client.call; the next session starts afresh
        except (LookupError, ValueError, AttributeError) as exc:  # a body not as expected
            c.errors.append(("session", 0, repr(exc)[:200]))
        finally:
            pool.put(agency)


def bare_client(c: Client, pool, plan) -> None:
    while True:
        with contextlib.suppress(Failed):  # counted by Client.call
            c.call("hello", "GET", "/", 200)


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def level(target: str, clients: int, plan: dict, pool: queue.Queue) -> dict:
    """Run one level against one target; returns its figures (latencies in ms)."""
    budget = Budget(plan["requests"], plan["seconds"])
    samples: list = []
    errors: list = []
    body = kipp_client if target == "kipp" else bare_client
    port = plan["ports"][target]

    def worker() -> None:
        c = Client(port, budget, samples, errors)
        try:
            body(c, pool, plan)
        except Stop:
            c.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - started
    latencies = sorted(ms * 1000 for _kind, ms, _ok in samples)
    kinds: dict[str, list[float]] = {}
    for kind, seconds, _ok in samples:
        kinds.setdefault(kind, []).append(seconds * 1000)
    return {
        "target": target,
        "clients": clients,
        "requests": len(samples),
        "seconds": took,
        "rps": len(samples) / took if took else 0.0,
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "errors": len(errors),
        "error_samples": errors[:5],
        "kinds": {
            k: (len(v), percentile(sorted(v), 0.5), percentile(sorted(v), 0.95))
            for k, v in sorted(kinds.items())
        },
    }


def run(plan: dict, conn) -> None:
    """Process target: every level against bare then KIPP; results go back through `conn`."""
    pool: queue.Queue = queue.Queue()
    for index, email in enumerate(plan["emails"]):
        pool.put(Agency(index, email))
    for clients in plan["levels"]:
        for target in ("bare", "kipp"):
            conn.send(level(target, clients, plan, pool))
    conn.send(None)
    conn.close()
