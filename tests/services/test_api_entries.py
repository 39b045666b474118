"""API contract § Entries: drafting, deadlines, quotas, submission, visibility, attachments."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from kipp.entries.rules import years_before
from kipp.extensions import db
from kipp.models import Attachment, Entry
from tests.helpers import assert_problem, count, pdf_bytes

GROUPS_QUOTA_1 = {
    "umum": {"quota": 1, "min_implementation_years": 2},
    "replikasi": {"quota": 1, "min_implementation_years": 1},
}


def reload(entry_id: int) -> Entry:
    db.session.expire_all()
    return db.session.get(Entry, entry_id)


def body_for(make, comp, **kw) -> dict:
    return {
        "title": "Layanan Adminduk Keliling",
        "group": "umum",
        "summary": "Ringkasan singkat.",
        "answers": make.full_answers(comp),
        "started_on": "2020-01-01",
    } | kw


@pytest.fixture
def world(make, api):
    """A competition in `submission`, an agency user (owner) and one of another agency."""
    comp = make.competition(stage="submission")
    owner = make.user("agency")
    other = make.user("agency")
    admin = make.admin()
    return {
        "comp": comp,
        "owner": owner,
        "other": other,
        "admin": admin,
        "g": api(owner),
        "o": api(other),
        "a": api(admin),
        "url": f"/api/v1/competitions/{comp.id}/entries",
    }


# -------------------------------------------------------------------- create
def test_create_entry(world, make):
    resp = world["g"].post(world["url"], json=body_for(make, world["comp"], category="Digital"))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "draft"
    assert isinstance(body["id"], int) and isinstance(body["version"], int)
    assert body["missing"] == []
    assert body["category"] == "Digital"
    row = reload(body["id"])
    assert row.agency_id == world["owner"].agency_id
    assert row.answers == make.full_answers(world["comp"])
    assert row.started_on == date(2020, 1, 1)


def test_incomplete_draft_is_saved_and_says_what_is_missing(world):
    resp = world["g"].post(world["url"], json={"title": "Baru", "group": "umum"})
    assert resp.status_code == 201, resp.get_json()
    missing = {m["field"] for m in resp.get_json()["missing"]}
    assert {"summary", "started_on", "answers.signifikansi"} <= missing
    assert all(m["message"] for m in resp.get_json()["missing"])


def test_create_only_in_submission_stage(make, api, subtests):
    g = api(make.user("agency"))
    for stage in ("draft", "screening", "evaluation", "awarded"):
        with subtests.test(stage=stage):
            comp = make.competition(stage=stage)
            resp = g.post(f"/api/v1/competitions/{comp.id}/entries", json=body_for(make, comp))
            assert_problem(resp, 409, "invalid_stage")
            assert count(Entry) == 0


def test_create_after_close_is_deadline_passed(make, api):
    now = datetime.now(UTC)
    comp = make.competition(opens=now - timedelta(days=5), closes=now - timedelta(seconds=1))
    g = api(make.user("agency"))
    resp = g.post(f"/api/v1/competitions/{comp.id}/entries", json=body_for(make, comp))
    assert_problem(resp, 409, "deadline_passed")
    assert count(Entry) == 0


LEFT_OUT = object()
INVALID = [
    ({"answers": {"ringkasan": "kata " * 201}}, "answers.ringkasan"),  # limit 200 words
    ({"answers": {"tidak_ada": "x"}}, "answers"),
    ({"answers": {"ringkasan": 5}}, "answers"),
    ({"group": "khusus"}, "group"),
    ({"group": "replikasi"}, "replicates"),
    ({"group": "replikasi", "replicates": "   "}, "replicates"),
    ({"replication_type": "salinan"}, "replication_type"),
    ({"title": ""}, "title"),
    ({"title": LEFT_OUT}, "title"),
    ({"group": LEFT_OUT}, "group"),
    ({"video_url": "javascript:alert(1)"}, "video_url"),
    ({"started_on": "2999-01-01"}, "started_on"),
    ({"started_on": "kemarin"}, "started_on"),
]


def test_invalid_entry_is_422(world, make, subtests):
    for changes, field in INVALID:
        with subtests.test(field=field, changes=str(changes)[:60]):
            body = body_for(make, world["comp"]) | changes
            body = {k: v for k, v in body.items() if v is not LEFT_OUT}
            resp = world["g"].post(world["url"], json=body)
            problem = assert_problem(resp, 422, "validation_error")
            assert field in problem["errors"], problem["errors"]
            assert count(Entry) == 0


def test_word_limit_is_inclusive(world, make):
    answers = make.full_answers(world["comp"]) | {"ringkasan": "kata " * 200}
    resp = world["g"].post(world["url"], json=body_for(make, world["comp"], answers=answers))
    assert resp.status_code == 201, resp.get_json()


def test_replikasi_with_replicates(world, make, subtests):
    for rtype in (None, "adopsi", "adaptasi", "modifikasi"):
        with subtests.test(replication_type=rtype):
            resp = world["g"].post(
                world["url"],
                json=body_for(
                    make,
                    world["comp"],
                    group="replikasi",
                    replicates="Inovasi Kota Surabaya 2019",
                    replication_type=rtype,
                ),
            )
            assert resp.status_code == 201, resp.get_json()
            body = resp.get_json()
            assert body["replicates"] == "Inovasi Kota Surabaya 2019"
            assert body["replication_type"] == rtype
            assert reload(body["id"]).replication_type == rtype


def test_only_agencies_create_entries(make, api, subtests):
    comp = make.competition()
    for role in ("admin", "evaluator", "panelist", "chair"):
        with subtests.test(role=role):
            resp = api(make.user(role)).post(
                f"/api/v1/competitions/{comp.id}/entries", json=body_for(make, comp)
            )
            assert_problem(resp, 403, "forbidden")
            assert count(Entry) == 0


# --------------------------------------------------------------------- patch
def test_patch_draft_with_version(world, make):
    entry = make.entry(world["comp"], world["owner"])
    version = entry.version
    resp = world["g"].patch(
        f"/api/v1/entries/{entry.id}", json={"title": "Judul Baru", "version": version}
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["version"] == version + 1
    assert reload(entry.id).title == "Judul Baru"


def test_patch_with_stale_version_is_409(world, make):
    entry = make.entry(world["comp"], world["owner"])
    stale = entry.version
    assert world["g"].patch(f"/api/v1/entries/{entry.id}", json={"title": "A"}).status_code == 200
    resp = world["g"].patch(f"/api/v1/entries/{entry.id}", json={"title": "B", "version": stale})
    assert_problem(resp, 409, "stale_version")
    assert reload(entry.id).title == "A"


def test_patch_over_word_limit_is_422_and_keeps_the_entry(world, make):
    entry = make.entry(world["comp"], world["owner"])
    before = dict(entry.answers)
    resp = world["g"].patch(
        f"/api/v1/entries/{entry.id}", json={"answers": before | {"ringkasan": "k " * 250}}
    )
    problem = assert_problem(resp, 422, "validation_error")
    assert "answers.ringkasan" in problem["errors"]
    assert reload(entry.id).answers == before


def test_patch_unknown_answer_code_is_422(world, make):
    entry = make.entry(world["comp"], world["owner"])
    resp = world["g"].patch(f"/api/v1/entries/{entry.id}", json={"answers": {"zzz": "x"}})
    assert "answers" in assert_problem(resp, 422, "validation_error")["errors"]


def test_patch_to_replikasi_needs_replicates(world, make):
    entry = make.entry(world["comp"], world["owner"])
    resp = world["g"].patch(f"/api/v1/entries/{entry.id}", json={"group": "replikasi"})
    assert "replicates" in assert_problem(resp, 422, "validation_error")["errors"]
    assert reload(entry.id).group == "umum"


def test_submitted_entries_are_locked(world, make, subtests):
    for status in ("submitted", "eligible", "ineligible"):
        with subtests.test(status=status):
            entry = make.entry(world["comp"], world["owner"], status=status)
            title, version = entry.title, entry.version
            resp = world["g"].patch(f"/api/v1/entries/{entry.id}", json={"title": "Ubah"})
            assert_problem(resp, 409, "locked")
            assert_problem(world["g"].post(f"/api/v1/entries/{entry.id}/submit"), 409, "locked")
            row = reload(entry.id)
            assert (row.title, row.status, row.version) == (title, status, version)


def test_patch_after_close_is_deadline_passed(make, api):
    now = datetime.now(UTC)
    comp = make.competition(opens=now - timedelta(days=5), closes=now + timedelta(hours=1))
    owner = make.user("agency")
    entry = make.entry(comp, owner)
    g = api(owner)
    with time_machine.travel(now + timedelta(hours=1, seconds=1), tick=False):
        resp = g.patch(f"/api/v1/entries/{entry.id}", json={"title": "Terlambat"})
    assert_problem(resp, 409, "deadline_passed")
    assert reload(entry.id).title == entry.title


# -------------------------------------------------------------------- submit
def test_submit(world, make):
    entry = make.entry(world["comp"], world["owner"])
    resp = world["g"].post(f"/api/v1/entries/{entry.id}/submit")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "submitted"
    assert body["submitted_at"].endswith("+07:00")
    assert reload(entry.id).status == "submitted"


@pytest.fixture
def frozen(make, api):
    """A competition closing at a whole second in WIB, with one complete draft."""
    closes = datetime(2026, 12, 1, 16, 0, 0, tzinfo=UTC)  # 23:00:00 WIB
    comp = make.competition(opens=closes - timedelta(days=30), closes=closes)
    owner = make.user("agency")
    return comp, owner, closes


def test_submit_deadline_to_the_second(frozen, make, api, subtests):
    comp, owner, closes = frozen
    cases = [
        (timedelta(seconds=-1), True),
        (timedelta(0), True),  # at closes_at exactly: still on time
        (timedelta(seconds=1), False),
        (timedelta(days=1), False),
    ]
    for offset, ok in cases:
        with subtests.test(offset=str(offset)):
            entry = make.entry(comp, owner)
            with time_machine.travel(closes + offset, tick=False):
                resp = api(owner).post(f"/api/v1/entries/{entry.id}/submit")
            if ok:
                assert resp.status_code == 200, resp.get_json()
                assert reload(entry.id).status == "submitted"
            else:
                body = assert_problem(resp, 409, "deadline_passed")
                assert "23:00:00" in body["detail"]  # the deadline, in WIB
                row = reload(entry.id)
                assert (row.status, row.submitted_at) == ("draft", None)


def test_submit_before_opening_is_deadline_passed(frozen, make, api):
    comp, owner, closes = frozen
    early, on_time = make.entry(comp, owner), make.entry(comp, owner)
    opens = comp.submission_opens_at
    with time_machine.travel(opens - timedelta(seconds=1), tick=False):
        resp = api(owner).post(f"/api/v1/entries/{early.id}/submit")
    assert_problem(resp, 409, "deadline_passed")
    assert reload(early.id).status == "draft"
    with time_machine.travel(opens, tick=False):
        assert api(owner).post(f"/api/v1/entries/{on_time.id}/submit").status_code == 200


def test_submit_outside_submission_stage(make, api, subtests):
    owner = make.user("agency")
    g = api(owner)
    for stage in ("draft", "screening"):
        with subtests.test(stage=stage):
            entry = make.entry(make.competition(stage=stage), owner)
            assert_problem(g.post(f"/api/v1/entries/{entry.id}/submit"), 409, "invalid_stage")
            assert reload(entry.id).status == "draft"


def test_quota_exceeded(make, api):
    comp = make.competition(groups=GROUPS_QUOTA_1)
    owner = make.user("agency")
    make.entry(comp, owner, status="submitted")
    second = make.entry(comp, owner)
    g = api(owner)
    body = assert_problem(g.post(f"/api/v1/entries/{second.id}/submit"), 409, "quota_exceeded")
    assert body["detail"]
    assert reload(second.id).status == "draft"
    # The quota is per group and per agency.
    replikasi = make.entry(comp, owner, group="replikasi")
    assert g.post(f"/api/v1/entries/{replikasi.id}/submit").status_code == 200
    neighbour = make.user("agency")
    theirs = make.entry(comp, neighbour)
    assert api(neighbour).post(f"/api/v1/entries/{theirs.id}/submit").status_code == 200


def test_drafts_do_not_use_the_quota(make, api):
    comp = make.competition(groups=GROUPS_QUOTA_1)
    owner = make.user("agency")
    make.entry(comp, owner)
    entry = make.entry(comp, owner)
    assert api(owner).post(f"/api/v1/entries/{entry.id}/submit").status_code == 200


def test_too_young_is_422_on_started_on(make, api):
    closes = datetime.now(UTC) + timedelta(days=10)
    comp = make.competition(closes=closes)
    owner = make.user("agency")
    closing_day = (closes + timedelta(hours=7)).date()  # in WIB
    young = make.entry(comp, owner, started_on=years_before(closing_day, 2) + timedelta(days=1))
    body = assert_problem(
        api(owner).post(f"/api/v1/entries/{young.id}/submit"), 422, "validation_error"
    )
    assert list(body["errors"]) == ["started_on"]
    assert reload(young.id).status == "draft"
    # Two years at the closing day is old enough for umum.
    ok = make.entry(comp, owner, started_on=years_before(closing_day, 2))
    assert api(owner).post(f"/api/v1/entries/{ok.id}/submit").status_code == 200


def test_incomplete_entry_cannot_be_submitted(world, make):
    entry = make.entry(
        world["comp"], world["owner"], summary="", answers={"ringkasan": "ada"}, started_on=None
    )
    body = assert_problem(
        world["g"].post(f"/api/v1/entries/{entry.id}/submit"), 422, "validation_error"
    )
    assert {"summary", "started_on", "answers.signifikansi"} <= set(body["errors"])
    assert "answers.ringkasan" not in body["errors"]
    assert reload(entry.id).status == "draft"


# ---------------------------------------------------------------- visibility
def test_other_agency_sees_nothing(world, make):
    entry = make.entry(world["comp"], world["owner"])
    o = world["o"]
    pdf = pdf_bytes()
    assert_problem(o.get(f"/api/v1/entries/{entry.id}"), 404, "not_found")
    assert_problem(o.patch(f"/api/v1/entries/{entry.id}", json={"title": "x"}), 404, "not_found")
    assert_problem(o.post(f"/api/v1/entries/{entry.id}/submit"), 404, "not_found")
    resp = o.post(
        f"/api/v1/entries/{entry.id}/attachments",
        data={"kind": "decree", "file": (io.BytesIO(pdf), "sk.pdf")},
        content_type="multipart/form-data",
    )
    assert_problem(resp, 404, "not_found")
    row = reload(entry.id)
    assert (row.title, row.status, len(row.attachments)) == (entry.title, "draft", 0)
    # Same answer as for an id that does not exist.
    assert_problem(o.get("/api/v1/entries/99999"), 404, "not_found")


def test_admin_reads_every_entry_but_cannot_edit(world, make):
    entry = make.entry(world["comp"], world["owner"])
    a = world["a"]
    resp = a.get(f"/api/v1/entries/{entry.id}")
    assert resp.status_code == 200 and resp.get_json()["id"] == entry.id
    assert_problem(a.patch(f"/api/v1/entries/{entry.id}", json={"title": "x"}), 403, "forbidden")
    assert_problem(a.post(f"/api/v1/entries/{entry.id}/submit"), 403, "forbidden")
    assert reload(entry.id).status == "draft"


def test_unassigned_reviewers_do_not_see_entries(world, make, api, subtests):
    entry = make.entry(world["comp"], world["owner"])
    for role in ("evaluator", "panelist", "chair"):
        with subtests.test(role=role):
            client = api(make.user(role))
            assert_problem(client.get(f"/api/v1/entries/{entry.id}"), 404, "not_found")
            assert_problem(client.get(world["url"]), 403, "forbidden")


def test_list_filters_and_visibility(world, make):
    comp, owner, other = world["comp"], world["owner"], world["other"]
    mine = [
        make.entry(comp, owner),
        make.entry(comp, owner, status="submitted"),
        make.entry(comp, owner, group="replikasi"),
    ]
    theirs = make.entry(comp, other, status="submitted")
    url = world["url"]

    def ids(client, query=""):
        body = client.get(url + query).get_json()
        assert body["total"] == len(body["items"])
        return [e["id"] for e in body["items"]]

    assert ids(world["a"]) == [e.id for e in mine] + [theirs.id]
    assert ids(world["g"]) == [e.id for e in mine]
    assert ids(world["o"]) == [theirs.id]
    assert ids(world["a"], "?status=submitted") == [mine[1].id, theirs.id]
    assert ids(world["a"], "?group=replikasi") == [mine[2].id]
    assert ids(world["a"], f"?agency_id={other.agency_id}") == [theirs.id]
    assert ids(world["g"], f"?agency_id={other.agency_id}") == []
    assert ids(world["g"], "?status=draft&group=umum") == [mine[0].id]


def test_list_pagination(world, make):
    entries = [make.entry(world["comp"], world["owner"]) for _ in range(5)]
    body = world["a"].get(world["url"] + "?page=2&per_page=2").get_json()
    assert body["total"] == 5
    assert [e["id"] for e in body["items"]] == [entries[2].id, entries[3].id]
    body = world["a"].get(world["url"] + "?page=3&per_page=2").get_json()
    assert [e["id"] for e in body["items"]] == [entries[4].id]
    assert world["a"].get(world["url"] + "?per_page=200").status_code == 200
    problem = assert_problem(
        world["a"].get(world["url"] + "?per_page=201"), 422, "validation_error"
    )
    assert "per_page" in problem["errors"]
    assert_problem(world["a"].get(world["url"] + "?per_page=0"), 422, "validation_error")


# --------------------------------------------------------------- attachments
def upload(client, entry_id, data, name="sk.pdf", kind="decree"):
    return client.post(
        f"/api/v1/entries/{entry_id}/attachments",
        data={"kind": kind, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def stored_files(app) -> list[Path]:
    root = Path(app.config["KIPP_STORAGE_DIR"]) / "attachments"
    return sorted(p for p in root.glob("*") if p.is_file()) if root.exists() else []


def test_upload_pdf(world, make, app):
    entry = make.entry(world["comp"], world["owner"])
    pdf = pdf_bytes()
    resp = upload(world["g"], entry.id, pdf, name="SK Inovator.pdf")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert (body["filename"], body["size"]) == ("SK Inovator.pdf", len(pdf))
    att = db.session.get(Attachment, body["id"])
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", att.stored_name)
    files = stored_files(app)
    assert [f.name for f in files] == [att.stored_name]
    assert files[0].read_bytes() == pdf
    shown = world["g"].get(f"/api/v1/entries/{entry.id}").get_json()["attachments"]
    assert [a["id"] for a in shown] == [body["id"]]


def test_uploaded_name_never_reaches_the_filesystem(world, make, app):
    entry = make.entry(world["comp"], world["owner"])
    resp = upload(world["g"], entry.id, pdf_bytes(), name="../../../../tmp/evil.pdf")
    assert resp.status_code == 201, resp.get_json()
    assert "/" not in resp.get_json()["filename"]
    assert not (Path(app.config["KIPP_STORAGE_DIR"]).parent / "tmp" / "evil.pdf").exists()
    assert all("evil" not in f.name for f in stored_files(app))


NOT_PDF = {
    "text": b"hello",
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    "fake-pdf-header": b"%PDF-1.7\nthis is not really a pdf\n%%EOF",
}


def test_non_pdf_is_415(world, make, app, subtests):
    entry = make.entry(world["comp"], world["owner"])
    for name, data in NOT_PDF.items():
        with subtests.test(kind=name):
            resp = upload(world["g"], entry.id, data, name="bukti.pdf")
            assert_problem(resp, 415, "unsupported_media_type")
            assert count(Attachment) == 0
            assert stored_files(app) == []


def test_upload_over_the_limit_is_413(world, make, app):
    entry = make.entry(world["comp"], world["owner"])
    pdf = pdf_bytes()
    app.config["KIPP_MAX_UPLOAD_BYTES"] = len(pdf) - 1
    assert_problem(upload(world["g"], entry.id, pdf), 413, "payload_too_large")
    assert count(Attachment) == 0
    assert stored_files(app) == []
    app.config["KIPP_MAX_UPLOAD_BYTES"] = len(pdf)  # exactly at the limit is fine
    assert upload(world["g"], entry.id, pdf).status_code == 201


def test_request_over_max_content_length_is_413_problem(world, make, app):
    entry = make.entry(world["comp"], world["owner"])
    app.config["KIPP_MAX_UPLOAD_BYTES"] = 1024
    app.config["MAX_CONTENT_LENGTH"] = 2048
    resp = upload(world["g"], entry.id, b"%PDF-1.4\n" + b"0" * 8192)
    assert_problem(resp, 413, "payload_too_large")
    assert count(Attachment) == 0


def test_upload_needs_a_file_and_a_known_kind(world, make, subtests):
    entry = make.entry(world["comp"], world["owner"])
    for form, field in [({"kind": "decree"}, "file"), ({"kind": "selfie"}, "kind"), ({}, "kind")]:
        with subtests.test(field=field, form=form):
            data = dict(form)
            if field != "file":
                data["file"] = (io.BytesIO(pdf_bytes()), "sk.pdf")
            resp = world["g"].post(
                f"/api/v1/entries/{entry.id}/attachments",
                data=data,
                content_type="multipart/form-data",
            )
            assert field in assert_problem(resp, 422, "validation_error")["errors"]
            assert count(Attachment) == 0


def test_no_uploads_to_a_submitted_entry(world, make):
    entry = make.entry(world["comp"], world["owner"], status="submitted")
    assert_problem(upload(world["g"], entry.id, pdf_bytes()), 409, "locked")
    assert count(Attachment) == 0


def test_download_by_owner_and_admin_only(world, make):
    entry = make.entry(world["comp"], world["owner"])
    pdf = pdf_bytes(pages=2)
    att_id = upload(world["g"], entry.id, pdf).get_json()["id"]
    for client in (world["g"], world["a"]):
        resp = client.get(f"/api/v1/attachments/{att_id}")
        try:
            assert resp.status_code == 200
            assert resp.mimetype == "application/pdf"
            assert resp.get_data() == pdf
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
        finally:
            resp.close()
    assert_problem(world["o"].get(f"/api/v1/attachments/{att_id}"), 404, "not_found")
    assert_problem(world["o"].get("/api/v1/attachments/99999"), 404, "not_found")


def test_owner_deletes_an_attachment(world, make, app):
    entry = make.entry(world["comp"], world["owner"])
    att_id = upload(world["g"], entry.id, pdf_bytes()).get_json()["id"]
    assert_problem(world["o"].delete(f"/api/v1/attachments/{att_id}"), 404, "not_found")
    assert_problem(world["a"].delete(f"/api/v1/attachments/{att_id}"), 403, "forbidden")
    assert count(Attachment) == 1
    assert world["g"].delete(f"/api/v1/attachments/{att_id}").status_code == 204
    assert count(Attachment) == 0
    assert stored_files(app) == []
