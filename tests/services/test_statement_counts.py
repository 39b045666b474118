"""The SQL an agency's deadline-hour requests cost (benchmarks/deadline_surge.py plays them).

Each request is counted as a server sees it, with nothing of it loaded yet (the test's session
is emptied first). The counts are pinned: a lazy load creeping back into the entry serializer,
a re-read after a write or a count query where the page tells the total fails here. The
answers themselves must not change: what an autosave or a submit answers is what a fresh read
of the entry answers.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import event

from kipp.extensions import db
from kipp.models import Competition, User
from tests.helpers import pdf_bytes

# token with its user; entry with competition and agency, its attachments, the competition's
# groups and criteria; the UPDATE; then the audit event (`chain`).
AUTOSAVE = 6
# the same reads; the agency row lock and the quota count; the UPDATE; the audit event.
SUBMIT = 8
# token with its user, competition; one page of entries with agency and drafter, their
# attachments.
ENTRIES_LIST = 4


def chain(is_postgres: bool) -> int:
    """Statements of one audit append: one on PostgreSQL; elsewhere the head's read, the
    event's insert and the head's update."""
    return 1 if is_postgres else 3


class Statements:
    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, conn, cursor, statement, *rest):
        self.seen.append(statement)

    def __len__(self):
        return len(self.seen)


def counted(send) -> tuple[object, Statements]:
    """Send one request on an empty session, as a server's fresh request would; returns the
    response and its statements."""
    db.session.remove()
    statements = Statements()
    event.listen(db.engine, "before_cursor_execute", statements)
    try:
        resp = send()
    finally:
        event.remove(db.engine, "before_cursor_execute", statements)
    return resp, statements


@pytest.fixture
def world(make, api):
    comp = make.competition(stage="submission")
    owner = make.user("agency")
    entries = [make.entry(comp, owner, title=f"Inovasi {n}") for n in range(3)]
    g = api(owner)
    return {
        "comp_id": comp.id,
        "owner_id": owner.id,
        "agency": owner.agency.name,
        "ids": [e.id for e in entries],
        "g": g,
        "url": f"/api/v1/competitions/{comp.id}/entries",
    }


def more_entries(world, make, n: int) -> None:
    """`n` more drafts of the owner (the counted requests emptied the session)."""
    comp = db.session.get(Competition, world["comp_id"])
    owner = db.session.get(User, world["owner_id"])
    for i in range(n):
        make.entry(comp, owner, title=f"Tambahan {i}")


def autosave_body(entry: dict, n: int) -> dict:
    answers = dict(entry["answers"]) | {"latar_belakang": f"Revisi {n}."}
    keep = ("title", "group", "category", "summary", "started_on", "video_url")
    return {k: entry[k] for k in keep} | {"answers": answers, "version": entry["version"]}


def attach(g, entry_id: int) -> None:
    data = {"kind": "evidence", "file": (io.BytesIO(pdf_bytes()), "bukti.pdf")}
    resp = g.client.post(
        f"/api/v1/entries/{entry_id}/attachments",
        data=data,
        headers={"Authorization": f"Bearer {g.token}"},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_json()


def test_autosave_statements_and_answer(world, is_postgres):
    g, entry_id = world["g"], world["ids"][0]
    attach(g, entry_id)
    entry = g.get(f"/api/v1/entries/{entry_id}").get_json()
    for n in range(2):
        body = autosave_body(entry, n)
        resp, statements = counted(
            lambda body=body: g.patch(f"/api/v1/entries/{entry_id}", json=body)
        )
        assert resp.status_code == 200, resp.get_json()
        assert len(statements) == AUTOSAVE + chain(is_postgres), "\n".join(statements.seen)
        saved = resp.get_json()
        assert saved["version"] == entry["version"] + 1
        db.session.remove()
        assert saved == g.get(f"/api/v1/entries/{entry_id}").get_json()  # as a fresh read
        entry = saved


def test_submit_statements_and_answer(world, is_postgres):
    g, entry_id = world["g"], world["ids"][0]
    attach(g, entry_id)
    resp, statements = counted(lambda: g.post(f"/api/v1/entries/{entry_id}/submit"))
    assert resp.status_code == 200, resp.get_json()
    assert len(statements) == SUBMIT + chain(is_postgres), "\n".join(statements.seen)
    assert resp.get_json()["status"] == "submitted"
    db.session.remove()
    assert resp.get_json() == g.get(f"/api/v1/entries/{entry_id}").get_json()


def test_entries_list_statements_do_not_grow_with_entries_or_attachments(world, make):
    g, url = world["g"], f"{world['url']}?per_page=50"
    resp, statements = counted(lambda: g.get(url))
    assert resp.status_code == 200
    assert len(statements) == ENTRIES_LIST, "\n".join(statements.seen)
    for entry_id in world["ids"]:
        attach(g, entry_id)
    more_entries(world, make, 4)
    resp, statements = counted(lambda: g.get(url))
    assert resp.status_code == 200
    assert len(statements) == ENTRIES_LIST, "\n".join(statements.seen)
    body = resp.get_json()
    assert body["total"] == 7
    assert [len(e["attachments"]) for e in body["items"]] == [1, 1, 1, 0, 0, 0, 0]
    assert {e["agency"] for e in body["items"]} == {world["agency"]}


def test_page_totals_whether_counted_or_told_by_the_page(world, make):
    more_entries(world, make, 2)
    g, url = world["g"], world["url"]
    seen = []
    for page in (1, 2, 3, 4):
        body = g.get(f"{url}?per_page=2&page={page}").get_json()
        seen.append((body["total"], len(body["items"])))
    assert seen == [(5, 2), (5, 2), (5, 1), (5, 0)]
    body = g.get(f"{url}?per_page=5").get_json()
    assert (body["total"], len(body["items"])) == (5, 5)
    body = g.get(f"{url}?status=submitted").get_json()
    assert (body["total"], body["items"]) == (0, [])
