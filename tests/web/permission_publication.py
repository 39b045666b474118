"""The publication rows of the permission matrices (tests/web/matrix_extensions.py).

Each row gets a world of its own, built through the services on top of the base world: a
competition whose evaluator (the base world's) scored four entries of an agency of their own
(90, 80, 70, 60), whose chair (the base world's) finalised a Top 2 shortlist, then:
- `pub_unpublished_world`: nothing more (publish);
- `pub_open_world`: published, window open, one objection received (register, decide);
- `pub_closed_world`: published, window over, nothing undecided (decree);
- `pub_disqualified_world`: published, the first entry disqualified by an upheld objection
  (amend: the chair adds the third entry, which needs no justification);
- `pub_decreed_world`: fixed by a decree (the signed PDF upload).
The public objection POST is sent to an unpublished selection: every role, the anonymous
visitor included, passes the (absent) gate and gets 404; the form's rules are tested in
tests/publication/.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from kipp.clock import now
from kipp.extensions import db
from kipp.judging import selections
from kipp.models import Entry, Selection
from kipp.models.mail import Mail
from kipp.models.publication import Objection, SelectionAmendment
from kipp.publication import objections, services
from tests.helpers import pdf_bytes
from tests.services.judging_fixtures import assign, set_stage, submit_sheet
from tests.web.matrix_extensions import LOGIN, api_expect, web_expect

A = "/api/v1"
ANSWER = "Bukti yang diajukan telah diperiksa oleh sekretariat dan dinilai cukup."
STATEMENT = "Inovasi ini sudah pernah diikutkan dengan judul lain pada tahun sebelumnya."
SEL = {"selection_id": "pub_selection_id"}
OBJ = {"objection_id": "pub_objection_id"}
# Readers of a selection (admin, chair, panelist) see it; the rest get 404.
ADMIN_WRITES = api_expect(404, admin=200, chair=403, panelist=403)
CHAIR_WRITES = api_expect(404, chair=200, admin=403, panelist=403)
PAGES = web_expect(403, admin=200, chair=200)
ADMIN_POSTS = web_expect(403, admin=422)  # the incomplete form comes back

API_ROWS = [
    {
        "method": "POST",
        "rule": f"{A}/selections/<int:selection_id>/publish",
        "expected": ADMIN_WRITES,
        "body": "pub_publish",
        "params": SEL,
        "world": "pub_unpublished_world",
    },
    {
        "method": "GET",
        "rule": f"{A}/selections/<int:selection_id>/objections",
        "expected": api_expect(404, admin=200, chair=200, panelist=403),
        "params": SEL,
        "world": "pub_open_world",
    },
    {
        "method": "POST",
        "rule": f"{A}/objections/<int:objection_id>/decision",
        "expected": api_expect(404, admin=200, chair=403),
        "body": "pub_decision",
        "params": OBJ,
        "world": "pub_open_world",
    },
    {
        "method": "POST",
        "rule": f"{A}/selections/<int:selection_id>/amend",
        "expected": CHAIR_WRITES,
        "body": "pub_amend",
        "params": SEL,
        "world": "pub_disqualified_world",
    },
    {
        "method": "POST",
        "rule": f"{A}/selections/<int:selection_id>/decree",
        "expected": ADMIN_WRITES,
        "body": "pub_decree",
        "params": SEL,
        "world": "pub_closed_world",
    },
    {
        "method": "POST",
        "rule": f"{A}/selections/<int:selection_id>/decree/file",
        "expected": ADMIN_WRITES,
        "body": "upload",  # multipart; answered here only in this module's world
        "params": SEL,
        "world": "pub_decreed_world",
    },
    {
        "method": "POST",
        "rule": f"{A}/public/selections/<int:selection_id>/objections",
        "expected": api_expect(404, anonymous=404),
        "body": "pub_objection",
        "params": SEL,
        "world": "pub_unpublished_world",
    },
    {
        "method": "GET",
        "rule": f"{A}/public/selections/<int:selection_id>/objections",
        "expected": api_expect(200, anonymous=200),
        "params": SEL,
        "world": "pub_open_world",
    },
]

P = "/publication"
WEB_ROWS = [
    {"method": "GET", "rule": f"{P}/", "expected": PAGES},
    {
        "method": "GET",
        "rule": f"{P}/selections/<int:selection_id>",
        "expected": PAGES,
        "params": SEL,
        "world": "pub_open_world",
    },
    {
        "method": "POST",
        "rule": f"{P}/selections/<int:selection_id>/publish",
        "expected": ADMIN_POSTS,
        "params": SEL,
        "world": "pub_unpublished_world",
    },
    {
        "method": "GET",
        "rule": f"{P}/selections/<int:selection_id>/objections",
        "expected": PAGES,
        "params": SEL,
        "world": "pub_open_world",
    },
    {
        "method": "POST",
        "rule": f"{P}/objections/<int:objection_id>/decide",
        "expected": ADMIN_POSTS,
        "params": OBJ,
        "world": "pub_open_world",
    },
    {
        "method": "POST",
        "rule": f"{P}/selections/<int:selection_id>/decree",
        "expected": ADMIN_POSTS,
        "params": SEL,
        "world": "pub_closed_world",
    },
    {
        "method": "POST",
        "rule": f"{P}/selections/<int:selection_id>/decree/file",
        "expected": ADMIN_POSTS,
        "params": SEL,
        "world": "pub_decreed_world",
    },
    {
        "method": "GET",
        "rule": f"{P}/selections/<int:selection_id>/amend",
        "expected": web_expect(403, chair=200),
        "params": SEL,
        "world": "pub_disqualified_world",
    },
    {
        "method": "POST",
        "rule": f"{P}/selections/<int:selection_id>/amend",
        "expected": web_expect(403, chair=422),  # the fourth entry needs a justification
        "form": "pub_amend_unjustified",
        "params": SEL,
        "world": "pub_disqualified_world",
    },
]
assert all(row["expected"]["anonymous"] == LOGIN for row in WEB_ROWS)


# ----------------------------------------------------------------- worlds
def _finalised(make, users) -> tuple[Selection, list[Entry]]:
    judged = make.user("agency")
    comp = make.competition(stage="evaluation", shortlist_size=2, final_size=1)
    entries = [make.entry(comp, judged, status="eligible") for _ in range(4)]
    for entry, total in zip(entries, (90, 80, 70, 60), strict=True):
        submit_sheet(assign(comp, entry, users["evaluator"]), total)
    set_stage(comp, "shortlist")
    sel = selections.propose(users["chair"], comp, "shortlist")
    selections.finalize(users["chair"], sel)
    db.session.commit()
    return sel, entries


def _object(sel, entry) -> Objection:
    obj = objections.submit(
        sel,
        entry_id=entry.id,
        name="Warga",
        email="warga@example.id",
        statement=STATEMENT,
        ip="192.0.2.10",
    )
    db.session.commit()
    return obj


def _published(make, users, *, closed=False) -> tuple[Selection, list[Entry]]:
    sel, entries = _finalised(make, users)
    services.publish(users["admin"], sel)
    db.session.commit()
    if closed:
        sel.objection_closes_at = now().replace(microsecond=0) - timedelta(seconds=1)
        db.session.commit()
    return sel, entries


@pytest.fixture
def pub_unpublished_world(world, make):
    sel, _entries = _finalised(make, world["users"])
    return world | {"pub_selection_id": sel.id}


@pytest.fixture
def pub_open_world(world, make):
    sel, entries = _published(make, world["users"])
    obj = _object(sel, entries[0])
    return world | {"pub_selection_id": sel.id, "pub_objection_id": obj.id}


@pytest.fixture
def pub_closed_world(world, make):
    sel, _entries = _published(make, world["users"], closed=True)
    return world | {"pub_selection_id": sel.id}


@pytest.fixture
def pub_disqualified_world(world, make):
    sel, entries = _published(make, world["users"])
    objections.decide(world["users"]["admin"], _object(sel, entries[0]), "uphold", ANSWER)
    db.session.commit()
    return world | {
        "pub_selection_id": sel.id,
        "pub_next_id": entries[2].id,
        "pub_last_id": entries[3].id,
    }


@pytest.fixture
def pub_decreed_world(world, make):
    sel, _entries = _published(make, world["users"], closed=True)
    services.record_decree(world["users"]["admin"], sel, "SK 1/2026", now().date())
    db.session.commit()
    return world | {"pub_selection_id": sel.id}


# ----------------------------------------------------------------- bodies
def api_body(name: str, world: dict, role: str) -> dict | None:
    if name == "upload" and "pub_selection_id" in world:
        return {"file": (io.BytesIO(pdf_bytes()), "sk.pdf")}
    if name == "pub_publish":
        return {}
    if name == "pub_decision":
        return {"decision": "dismiss", "answer": ANSWER}
    if name == "pub_amend":
        return {"add": [world["pub_next_id"]]}
    if name == "pub_decree":
        return {"number": "SK 2/2026", "signed_on": now().date().isoformat()}
    if name == "pub_objection":
        return {
            "entry_id": 1,
            "name": "Warga",
            "email": "warga@example.id",
            "statement": STATEMENT,
        }
    return None


def web_form(name: str, ids: dict) -> dict | None:
    if name == "pub_amend_unjustified":
        return {"action": "chosen", "add": str(ids["pub_last_id"])}
    return None


def state() -> tuple:
    """Publication, decrees, amendments, objections, disqualifications and the mails they
    queue: a refused request changes none of them."""
    sels = db.session.execute(
        select(
            Selection.id,
            Selection.published_at,
            Selection.objection_closes_at,
            Selection.decree_number,
            Selection.decree_file,
            Selection.snapshot_sha256,
        )
    ).all()
    objs = db.session.execute(select(Objection.reference, Objection.status, Objection.answer)).all()
    amended = db.session.execute(select(SelectionAmendment.id, SelectionAmendment.added)).all()
    disqualified = db.session.scalars(select(Entry.id).where(Entry.status == "disqualified")).all()
    kinds = ("selection_result", "objection_received", "objection_decided")
    mails = db.session.scalars(select(Mail.id).where(Mail.kind.in_(kinds))).all()
    return sorted(sels), sorted(objs), sorted(amended), sorted(disqualified), sorted(mails)
