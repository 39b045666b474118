"""/api/v1/openapi.json is true: real responses validate against it.

The test client is wrapped so that every /api/v1 response of a walkthrough — the demo year from
screening to certificates (tests/services/test_demo_walkthrough.py) followed by a tour of the
remaining operations and of every error status — is checked against the document: its status
must be declared for the operation, its content type must be one the status declares, and a
JSON body must validate against the declared schema (success schemas name every key they
allow). A second test checks the document's shape: every operation has a 2xx with a schema and
problem+json 4xx answers, and none declares `default`.
"""

from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path

import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from sqlalchemy import select

from kipp.demo import DEMO_PASSWORD
from kipp.extensions import db
from kipp.models import Assignment, Competition, Entry, Selection
from tests.conftest import PASSWORD
from tests.services import test_demo_walkthrough as demo
from tests.services.judging_fixtures import assign, submit_sheet
from tests.web.test_permission_matrix import pdf_bytes
from tests.workers.job_fixtures import docs_app  # noqa: F401  (fixture)

A = "/api/v1"
METHODS = ("get", "post", "put", "patch", "delete")
PROBLEM = "application/problem+json"


def resolved(node, doc):
    """`node` with every local `$ref` replaced by a copy of its target."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return resolved(copy.deepcopy(target), doc)
        return {k: resolved(v, doc) for k, v in node.items()}
    if isinstance(node, list):
        return [resolved(v, doc) for v in node]
    return node


def operations(doc):
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, resolved(item[method], doc)


class Conformance:
    """Checks responses against the document; keeps what it saw and what did not conform."""

    def __init__(self, doc: dict):
        self.routes = []
        for method, path, op in operations(doc):
            pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path))
            self.routes.append((method, re.compile(f"^{pattern}$"), path, op))
        self.seen: set[tuple[str, str, int]] = set()
        self.failures: list[str] = []

    def check(self, method: str, path: str, resp) -> None:
        method = method.lower()
        found = [(t, op) for m, rx, t, op in self.routes if m == method and rx.match(path)]
        where = f"{method.upper()} {path} → {resp.status_code}"
        if not found:
            if resp.status_code not in (404, 405):
                self.failures.append(f"{where}: no such operation in the document")
            return
        template, op = found[0]
        self.seen.add((method, template, resp.status_code))
        declared = op["responses"].get(str(resp.status_code))
        if declared is None:
            self.failures.append(f"{where}: status not declared ({sorted(op['responses'])})")
            return
        content = declared.get("content", {})
        if not content:
            if resp.get_data():
                self.failures.append(f"{where}: a body where none is declared")
            return
        if resp.mimetype not in content:
            self.failures.append(f"{where}: {resp.mimetype} not in {sorted(content)}")
            return
        if resp.mimetype in ("application/json", PROBLEM):
            schema = content[resp.mimetype]["schema"]
            validator = OAS30Validator(schema, format_checker=oas30_format_checker)
            for error in list(validator.iter_errors(resp.get_json()))[:3]:
                at = "/".join(map(str, error.absolute_path))
                self.failures.append(f"{where}: at /{at}: {error.message[:300]}")


@pytest.fixture
def conformance(app, client, monkeypatch):
    """Every response of `client` under /api/v1 is checked against the document."""
    found = Conformance(client.get(f"{A}/openapi.json").get_json())
    original = client.open

    def open_and_check(*args, **kwargs):
        resp = original(*args, **kwargs)
        if resp.request.path.startswith(f"{A}/") and not resp.request.path.endswith(
            "/openapi.json"
        ):
            found.check(resp.request.method, resp.request.path, resp)
        return resp

    monkeypatch.setattr(client, "open", open_and_check)
    return found


def test_every_operation_declares_its_answers(client):
    doc = client.get(f"{A}/openapi.json").get_json()
    ops = list(operations(doc))
    assert len(ops) >= 57
    for method, path, op in ops:
        where = f"{method.upper()} {path}"
        responses = op["responses"]
        assert "default" not in responses, where
        success = [s for s in responses if s.startswith("2")]
        assert success, f"{where}: no 2xx"
        for status in success:
            content = responses[status].get("content", {})
            if status == "204":
                assert not content, where
                continue
            assert content and all("schema" in c for c in content.values()), where
            for media, c in content.items():
                if media == "application/json":
                    assert c["schema"].get("additionalProperties") is False, where
        errors = [s for s in responses if s.startswith("4")]
        assert "401" in errors, where
        has_query = any(p["in"] == "query" for p in op.get("parameters", []))
        assert ("414" in errors) == has_query, where  # gunicorn's refusal of a long line
        if has_query:
            assert list(responses["414"]["content"]) == ["text/html"], where
        for status in (s for s in errors if s != "414"):
            content = responses[status]["content"]
            assert list(content) == [PROBLEM], (where, status)
            schema = content[PROBLEM]["schema"]
            assert schema["properties"]["status"]["enum"] == [int(status)], (where, status)
            assert schema["additionalProperties"] is True, (where, status)
            assert {"type", "title", "status", "code", "detail"} <= set(schema["required"])


def _longest(schema: dict) -> int:
    """The longest a query value within `schema` can be on the request line: 4-byte characters
    percent-encoded (12 bytes each), integers and dates at their widest."""
    if "enum" in schema:
        return max(len(str(v)) for v in schema["enum"]) * 12
    if schema.get("type") == "string" and "maxLength" in schema:
        return schema["maxLength"] * 12
    if schema.get("type") in ("integer", "number", "boolean"):
        return 24
    if schema.get("format") in ("date", "date-time"):
        return 3 * 40
    raise AssertionError(f"an unbounded query value: {schema}")


def test_every_valid_url_fits_the_servers_request_line(client):
    """gunicorn.conf.py caps the request line; every URL whose query values keep within their
    documented bounds (arrays at their maxItems) fits under it, so only an invalid value can be
    refused 414 before the application sees it."""
    limit = {}
    exec((Path(__file__).resolve().parents[2] / "gunicorn.conf.py").read_text(), limit)
    doc = client.get(f"{A}/openapi.json").get_json()
    longest = 0
    for method, path, op in operations(doc):
        line = len(f"{method.upper()} {path}?") + len(" HTTP/1.1") + 20 * path.count("{")
        for p in (p for p in op.get("parameters", []) if p["in"] == "query"):
            schema = p["schema"]
            if schema.get("type") == "array":
                assert "maxItems" in schema, (method, path, p["name"])
                line += schema["maxItems"] * (len(p["name"]) + 2 + _longest(schema["items"]))
            else:
                line += len(p["name"]) + 2 + _longest(schema)
        longest = max(longest, line)
    assert longest <= limit["limit_request_line"], longest


# Operations the walkthrough and tour below do not answer with a 2xx (each still gets checked
# whenever it answers at all).
NOT_TOURED_2XX = {
    ("delete", "/api/v1/auth/tokens/current"),
    # Toured with their own worlds, by the same checker (`conformance` fixture):
    # account links need a token read from a queued mail (tests/accounts_email/test_conformance.py)
    ("post", "/api/v1/auth/invitations/accept"),
    ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/confirm"),
    # the demo's KIPP 2025 is already amended and fixed by decree, and the list the tour
    # publishes keeps its objection window open (tests/publication/test_openapi.py)
    ("post", "/api/v1/selections/{selection_id}/amend"),
    ("post", "/api/v1/selections/{selection_id}/decree"),
    ("post", "/api/v1/selections/{selection_id}/decree/file"),
    # the presentation schedule needs a finalised shortlist in stage shortlist or panel
    # (tests/schedule/test_conformance.py)
    ("post", "/api/v1/competitions/{competition_id}/schedule"),
    ("get", "/api/v1/competitions/{competition_id}/schedule"),
    ("patch", "/api/v1/schedule-slots/{slot_id}"),
    ("get", "/api/v1/me/schedule"),
    ("get", "/api/v1/schedule/me.ics"),
}


def login(client, email: str, password: str = DEMO_PASSWORD) -> dict:
    resp = client.post(f"{A}/auth/tokens", json={"email": email, "password": password})
    assert resp.status_code == 201, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


def tour(app, client, make) -> None:
    """After the demo year: the operations it did not call, and every error status."""
    comp = db.session.scalar(select(Competition).where(Competition.name == "KIPP 2026"))
    cid = comp.id
    admin, chair = login(client, "admin@kipp.demo"), login(client, "chair@kipp.demo")
    agency = login(client, "agency@kipp.demo")
    evaluator = login(client, "evaluator1@kipp.demo")

    def call(headers, method, path, status, **kw):
        resp = client.open(f"{A}{path}", method=method, headers=headers, **kw)
        resp.get_data()
        resp.close()
        assert resp.status_code == status, (method, path, resp.get_data(as_text=True)[:500])
        return resp.get_json() if resp.is_json and resp.get_data() else resp

    # accounts
    agencies = call(admin, "GET", "/agencies?per_page=2", 200)
    call(admin, "GET", f"/agencies/{agencies['items'][0]['id']}", 200)
    new_agency = call(admin, "POST", "/agencies", 201,
                      json={"name": "Kota Tour", "kind": "kota", "province": "Bali"})  # fmt: skip
    call(admin, "POST", "/agencies", 409,
         json={"name": "Kota Tour", "kind": "kota", "province": "Bali"})  # fmt: skip
    me = call(evaluator, "GET", "/users/me", 200)
    call(admin, "GET", "/users?per_page=5", 200)
    call(admin, "GET", f"/users/{me['id']}", 200)
    user = call(admin, "POST", "/users", 201, json={"email": "tour@example.id", "name": "Tour",
                "role": "evaluator", "password": PASSWORD})  # fmt: skip
    call(admin, "PATCH", f"/users/{user['id']}", 200,
         json={"name": "Tour Two", "version": user["version"]})  # fmt: skip
    call(admin, "PATCH", f"/users/{user['id']}", 409, json={"name": "X", "version": 0})
    call(admin, "POST", f"/users/{user['id']}/conflicts", 201,
         json={"agency_id": new_agency["id"], "reason": "Former employer"})  # fmt: skip

    # competitions and audit
    call(admin, "GET", "/competitions", 200)
    call(evaluator, "GET", f"/competitions/{cid}", 200)
    created = call(admin, "POST", "/competitions", 201, json={
        "name": "KIPP Tour", "year": 2031, "submission_opens_at": "2031-01-01T00:00:00",
        "submission_closes_at": "2031-06-30T23:59:59",
        "criteria": [{"code": "signifikansi", "name": "Signifikansi", "weight": 100}]})  # fmt: skip
    call(admin, "PATCH", f"/competitions/{created['id']}", 200, json={"final_size": 5})
    call(admin, "GET", f"/competitions/{cid}/audit?per_page=20", 200)
    call(admin, "GET", f"/competitions/{cid}/audit/verify", 200)
    call(admin, "GET", "/audit?per_page=20", 200)
    call(admin, "GET", "/audit/verify", 200)

    # entries, attachments, screening (a competition open for submission)
    open_comp = make.competition(stage="submission")
    owner = make.user("agency")
    db.session.commit()
    own = login(client, owner.email, PASSWORD)
    body = {"title": "Inovasi Tur", "group": "umum", "summary": "Ringkasan",
            "answers": make.full_answers(open_comp), "started_on": "2018-01-01"}  # fmt: skip
    entry = call(own, "POST", f"/competitions/{open_comp.id}/entries", 201, json=body)
    entry = call(own, "PATCH", f"/entries/{entry['id']}", 200,
                 json={"title": "Inovasi Tur 2", "version": entry["version"]})  # fmt: skip
    files = {"kind": "decree", "file": (io.BytesIO(pdf_bytes()), "sk.pdf")}
    att = call(own, "POST", f"/entries/{entry['id']}/attachments", 201, data=files)
    call(own, "GET", f"/attachments/{att['id']}", 200)
    call(own, "DELETE", f"/attachments/{att['id']}", 204)
    bad = {"kind": "decree", "file": (io.BytesIO(b"not a pdf"), "sk.pdf")}
    call(own, "POST", f"/entries/{entry['id']}/attachments", 415, data=bad)
    app.config["KIPP_MAX_UPLOAD_BYTES"], limit = 100, app.config["KIPP_MAX_UPLOAD_BYTES"]
    big = {"kind": "decree", "file": (io.BytesIO(pdf_bytes()), "sk.pdf")}
    call(own, "POST", f"/entries/{entry['id']}/attachments", 413, data=big)
    app.config["KIPP_MAX_UPLOAD_BYTES"] = limit
    call(own, "POST", f"/entries/{entry['id']}/attachments", 422, data={"kind": "decree"})
    call(own, "POST", f"/entries/{entry['id']}/submit", 200)
    call(own, "PATCH", f"/entries/{entry['id']}", 409, json={"title": "Late"})
    call(admin, "GET", f"/competitions/{open_comp.id}/entries", 200)
    call(agency, "GET", "/screening-reasons", 200)
    screening = make.competition(stage="screening")
    waiting = make.entry(screening, owner, status="submitted")
    db.session.commit()
    call(admin, "POST", f"/competitions/{screening.id}/screening/bulk", 200,
         json={"entry_ids": [waiting.id], "decision": "pass"})  # fmt: skip

    # assignments and sheets (the demo competition is awarded: writes are refused)
    sheet = db.session.scalar(select(Assignment).where(Assignment.competition_id == cid))
    call(admin, "GET", f"/competitions/{cid}/assignments?per_page=5", 200)
    call(admin, "GET", f"/competitions/{cid}/assignments/loads", 200)
    call(admin, "GET", f"/assignments/{sheet.id}", 200)
    call(admin, "GET", f"/assignments/{sheet.id}/score", 200)
    call(admin, "POST", f"/assignments/{sheet.id}/score/reopen", 409, json={"reason": "Typo."})
    call(admin, "DELETE", f"/assignments/{sheet.id}", 409)
    judging = make.competition(stage="evaluation")
    judged = make.entry(judging, owner, status="eligible")
    db.session.commit()
    pair = {"entry_id": judged.id, "user_id": me["id"], "round": "evaluation"}
    made = call(admin, "POST", "/assignments", 201, json=pair)
    call(admin, "DELETE", f"/assignments/{made['id']}", 204)
    scored = submit_sheet(assign(judging, judged, make.user("evaluator")), 80)
    db.session.commit()
    call(admin, "POST", f"/assignments/{scored.id}/score/reopen", 200, json={"reason": "Typo."})

    # rankings, selections, exports, documents
    call(chair, "GET", f"/competitions/{cid}/ranking?round=panel&method=zscore", 200)
    call(chair, "GET", f"/competitions/{cid}/selections", 200)
    sel = db.session.scalar(select(Selection).where(Selection.competition_id == cid))
    call(chair, "GET", f"/selections/{sel.id}", 200)
    call(chair, "GET", f"/selections/{sel.id}/snapshot", 200)
    call(chair, "POST", f"/selections/{sel.id}/finalize", 409)
    call(chair, "POST", f"/competitions/{cid}/selections", 409, json={"tier": "final"})
    call(chair, "GET", f"/selections/{sel.id}/recap", 200)
    call(admin, "GET", f"/competitions/{cid}/results.csv", 200)
    call(admin, "GET", f"/competitions/{cid}/results.xlsx", 200)
    awarded = db.session.scalar(
        select(Entry).where(Entry.competition_id == cid, Entry.status == "eligible")
    )
    call(admin, "GET", f"/entries/{awarded.id}/score-sheet", 200)
    call(admin, "GET", f"/entries/{awarded.id}/agency-score-sheet", 200)
    job = call(admin, "POST", f"/competitions/{cid}/document-jobs", 202,
               json={"kind": "score_sheets"})  # fmt: skip
    call(admin, "GET", f"/document-jobs/{job['id']}", 200)
    shown = [call(admin, "GET", f"/entries/{se.entry_id}", 200) for se in sel.entries]
    code = next(e["certificate_code"] for e in shown if e["certificate_code"])
    call({}, "GET", f"/certificates/{code}", 200)
    call(admin, "POST", f"/certificates/{code.rsplit('-', 1)[0]}/revoke", 200,
         json={"reason": "Issued in error."})  # fmt: skip
    call({}, "GET", f"/certificates/{code}", 200)
    call(admin, "POST", f"/certificates/{code.rsplit('-', 1)[0]}/revoke", 409,
         json={"reason": "Again."})  # fmt: skip

    # every error status
    call({}, "GET", "/users/me", 401)
    call({"Authorization": "Bearer nope"}, "GET", f"/certificates/{code}", 401)
    call(evaluator, "GET", "/users", 403)
    call(admin, "GET", "/entries/99999", 404)
    call(admin, "POST", "/agencies", 422, json={"name": ""})
    call(admin, "POST", "/agencies", 400, data="{oops", content_type="application/json")
    call(admin, "GET", "/agencies?per_page=0", 422)
    for _ in range(11):
        client.post(f"{A}/auth/tokens", json={"email": "chair@kipp.demo", "password": "wrong"})
    call({}, "POST", "/auth/tokens", 429, json={"email": "chair@kipp.demo", "password": "wrong"})
    # v1.1: the outbox (the demo year mailed its reviewers and agencies) and public data
    queued = call(admin, "GET", "/mail?status=queued&per_page=1", 200)["items"]
    assert queued, "the demo year queued mail (no worker runs here)"
    call(admin, "POST", f"/mail/{queued[0]['id']}/retry", 202)
    call({}, "GET", "/public/competitions", 200)
    first = call(admin, "GET", f"/competitions/{cid}/entries?per_page=1", 200)["items"][0]
    call(admin, "GET", f"/entries/{first['id']}/flags", 200)
    # --- group-rules: KIPP 2027's invitation-only khusus group and a ranking per group
    open_year = db.session.scalar(select(Competition.id).where(Competition.name == "KIPP 2027"))
    invitations = f"/competitions/{open_year}/invitations"
    invited = call(admin, "POST", invitations, 201,
                   json={"agency_id": new_agency["id"], "group": "khusus"})  # fmt: skip
    call(admin, "POST", invitations, 409, json={"agency_id": new_agency["id"], "group": "khusus"})
    call(admin, "POST", invitations, 422, json={"agency_id": new_agency["id"], "group": "umum"})
    call(agency, "GET", invitations, 403)
    call(admin, "GET", f"{invitations}?group=khusus", 200)
    call(agency, "DELETE", f"/invitations/{invited['id']}", 404)
    call(admin, "DELETE", f"/invitations/{invited['id']}", 204)
    call(chair, "GET", f"/competitions/{cid}/ranking?round=evaluation&group=umum", 200)
    call(chair, "GET", f"/competitions/{cid}/ranking?round=evaluation&group=nope", 422)
    call({}, "GET", "/public/innovations?q=pelayanan", 200)
    # v1.1: the demo's finished year (KIPP 2025): its fixed lists, objections and open data
    done = db.session.scalar(select(Competition).where(Competition.name == "KIPP 2025"))
    fixed = db.session.scalar(
        select(Selection).where(
            Selection.competition_id == done.id,
            Selection.tier == "shortlist",
            Selection.status == "final",
        )
    )
    listed = call({}, "GET", f"/public/selections/{fixed.id}", 200)["entries"][0]["entry_id"]
    assert call({}, "GET", f"/public/selections/{fixed.id}/objections", 200)["total"] == 3
    decided = call(chair, "GET", f"/selections/{fixed.id}/objections", 200)["items"][0]
    call({}, "GET", f"/public/results.csv?competition_id={done.id}", 200)
    call({}, "GET", "/public/innovations.csv?year=2025", 200)
    call({}, "GET", f"/public/innovations/{listed}", 200)
    statement = "Inovasi ini sudah lama berhenti berjalan di wilayah kami. " * 2
    objection = {
        "entry_id": listed,
        "name": "Warga",
        "email": "w@example.org",
        "statement": statement,
    }
    call({}, "POST", f"/public/selections/{fixed.id}/objections", 409, json=objection)
    again = {"decision": "dismiss", "answer": "Sudah diputus sebelumnya oleh sekretariat."}
    call(admin, "POST", f"/objections/{decided['id']}/decision", 409, json=again)
    call(chair, "POST", f"/selections/{fixed.id}/amend", 409, json={})
    call(admin, "POST", f"/selections/{fixed.id}/publish", 409, json={})
    decree = {"number": "1/KEP/2025", "signed_on": "2025-08-18"}
    call(admin, "POST", f"/selections/{fixed.id}/decree", 409, json=decree)
    # ... and the walkthrough's year published now: an objection received and dismissed
    sel = db.session.scalar(
        select(Selection).where(
            Selection.competition_id == cid,
            Selection.tier == "shortlist",
            Selection.status == "final",
        )
    )
    call(admin, "POST", f"/selections/{sel.id}/publish", 200, json={})
    first = call({}, "GET", f"/public/selections/{sel.id}", 200)["entries"][0]["entry_id"]
    call(
        {},
        "POST",
        f"/public/selections/{sel.id}/objections",
        201,
        json=objection | {"entry_id": first},
    )
    received = call(admin, "GET", f"/selections/{sel.id}/objections", 200)["items"][0]
    answer = {"decision": "dismiss", "answer": "Inovasi masih berjalan menurut verifikasi."}
    call(admin, "POST", f"/objections/{received['id']}/decision", 200, json=answer)
    # themes and innovation profiles (API v1.1 § Themes and data that stays true)
    call(agency, "GET", "/themes", 200)
    call({}, "GET", "/public/themes", 200)
    theme = {"code": "tour_theme", "label_id": "Wisata", "label_en": "Tourism"}
    call(admin, "POST", "/themes", 201, json=theme)
    call(admin, "POST", "/themes", 409, json=theme)
    keeper = make.user("agency", agency=db.session.get(Entry, listed).agency)
    keeper = login(client, keeper.email, PASSWORD)
    call(keeper, "GET", f"/entries/{listed}/profile", 200)
    kept = call(keeper, "PUT", f"/entries/{listed}/profile", 200, json={"status": "running"})
    stale = {"status": "stopped", "version": kept["version"] - 1}
    call(keeper, "PUT", f"/entries/{listed}/profile", 409, json=stale)
    # --- drafters: the agency's drafters API, and a demo drafter's own drafts (`drafted_by`)
    drafter = login(client, "drafter1@kipp.demo")
    call(agency, "GET", "/agency/drafters", 200)
    unit = {"email": "unit@tour.example.id", "name": "UPP Tour"}
    invited = call(agency, "POST", "/agency/drafters", 201, json=unit)
    call(agency, "POST", "/agency/drafters", 409, json=unit)
    call(agency, "PATCH", f"/agency/drafters/{invited['id']}", 200, json={"active": False})
    call(drafter, "GET", "/agency/drafters", 403)
    open_id = db.session.scalar(select(Competition.id).where(Competition.name == "KIPP 2027"))
    mine = call(drafter, "GET", f"/competitions/{open_id}/entries", 200)["items"]
    assert mine and all(e["drafted_by"] == mine[0]["drafted_by"] for e in mine)
    call(drafter, "POST", f"/entries/{mine[0]['id']}/submit", 403)
    call(agency, "GET", f"/entries/{mine[0]['id']}", 200)


@pytest.mark.usefixtures("docs_app")
def test_every_response_of_the_demo_year_conforms(app, client, conformance, make):
    demo.test_demo_year_from_screening_to_certificates(app, client)
    tour(app, client, make)
    assert not conformance.failures, "\n".join(conformance.failures[:40])
    answered = {(m, p) for m, p, status in conformance.seen if 200 <= status < 300}
    every = {(m, p) for m, _rx, p, _op in conformance.routes}
    assert every - answered == NOT_TOURED_2XX
    statuses = {status for *_, status in conformance.seen}
    assert {400, 401, 403, 404, 409, 413, 415, 422, 429} <= statuses


def test_an_undeclared_body_or_status_is_caught(client, conformance, make, api):
    """The checker itself: a body that breaks its schema and an undeclared status fail."""
    admin = api(make.admin())
    resp = admin.get(f"{A}/users/me")
    assert not conformance.failures
    body = resp.get_json() | {"password": "leaked"}
    resp.set_data(json.dumps(body))
    conformance.check("GET", f"{A}/users/me", resp)
    assert "password" in conformance.failures[-1]
    resp.status_code = 418
    conformance.check("GET", f"{A}/users/me", resp)
    assert "status not declared" in conformance.failures[-1]
