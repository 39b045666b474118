"""Every /api/v1 route × every role, against the contract's visibility rules.

No token → 401 (except the public routes); a readable resource the role may not change → 403;
a resource the role may not read → 404. The table must name every route of the app: a route
added without a row here fails `test_every_api_route_has_a_row`.

Judging rows: the world's evaluator is the assigned reviewer of two sheets (a complete draft
and a submitted one) in a competition in stage `evaluation`; a second competition, in stage
`shortlist`, has scored entries and a proposal of the chair. The panelist and the chair hold no
sheet there, so for the sheets they are "others" (404) like the agencies.

Document rows (world `document_world`, built in tests/web/permission_documents.py): an awarded
competition whose finalised shortlist holds an entry of the owner and one of the other agency,
the owner's issued certificate and a score-sheet job. Certificates are verified by anyone,
the public included; the certificate PDF and the agency's copy of the score sheet are the
owner's and the admins'; score sheets and the selection recap are for the admin, the chair and
the panelists; jobs are the admin's.

Also here: the OpenAPI document and the framework errors under /api/v1.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from kipp.entries.services import add_attachment
from kipp.extensions import db
from kipp.judging import selections
from kipp.models import (
    Agency,
    Assignment,
    Attachment,
    AuditEvent,
    Competition,
    Conflict,
    Entry,
    ScoreValue,
    Selection,
    SelectionEntry,
    User,
)
from tests.conftest import PASSWORD
from tests.helpers import assert_problem, pdf_bytes
from tests.services.judging_fixtures import (
    assign,
    full_values,
    save_draft,
    set_stage,
    submit_sheet,
)
from tests.web import matrix_extensions
from tests.web.permission_documents import document_body, document_state, documents_world
from tests.workers.job_fixtures import docs_app  # noqa: F401  (fixture of document_world)

ROLES = ("anonymous", "admin", "owner", "other", "evaluator", "panelist", "chair", "drafter")
CODES = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}


def expect(default: int, anonymous: int = 401, **by_role: int) -> dict[str, int]:
    table = {role: default for role in ROLES} | {"anonymous": anonymous}
    return table | by_role


# Shorthands for the common shapes of the table.
EVERYONE = expect(200)
ADMIN_ONLY = expect(403, admin=200)
OWNER_READS = expect(404, admin=200, owner=200)
REVIEWERS = ("evaluator", "panelist", "chair")
RANKING_READERS = expect(403, admin=200, panelist=200, chair=200)
SELECTION_READERS = expect(404, admin=200, panelist=200, chair=200)
SHEET_READERS = expect(404, admin=200, evaluator=200)  # admin and the assigned reviewer
SHEET_WRITER = expect(404, evaluator=200)  # the assigned reviewer only, admins included


@dataclass(frozen=True)
class Row:
    method: str
    rule: str
    expected: dict[str, int]
    body: str | None = None  # name of a body builder below
    params: dict[str, str] = field(default_factory=dict)  # path param → world key
    world: str = "world"  # the fixture that builds the row's world

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.rule


A = "/api/v1"
DOCS = "document_world"
TABLE = [
    # --- auth
    Row("POST", f"{A}/auth/tokens", expect(201, anonymous=201), body="credentials"),
    Row("DELETE", f"{A}/auth/tokens/current", expect(204)),
    # --- agencies and users
    Row("POST", f"{A}/agencies", expect(403, admin=201), body="agency"),
    Row("GET", f"{A}/agencies", EVERYONE),
    Row("GET", f"{A}/agencies/<int:agency_id>", EVERYONE),
    Row("POST", f"{A}/users", expect(403, admin=201), body="user"),
    Row("GET", f"{A}/users", ADMIN_ONLY),
    Row("GET", f"{A}/users/me", EVERYONE),
    Row("GET", f"{A}/users/<int:user_id>", OWNER_READS, params={"user_id": "owner_id"}),
    Row(
        "PATCH",
        f"{A}/users/<int:user_id>",
        expect(404, admin=200, owner=403),
        body="rename",
        params={"user_id": "owner_id"},
    ),
    Row(
        "POST",
        f"{A}/users/<int:user_id>/conflicts",
        expect(404, admin=201, evaluator=403),
        body="conflict",
        params={"user_id": "evaluator_id"},
    ),
    # --- competitions
    Row("POST", f"{A}/competitions", expect(403, admin=201), body="competition"),
    Row("GET", f"{A}/competitions", EVERYONE),
    Row("GET", f"{A}/competitions/<int:competition_id>", EVERYONE),
    Row("PATCH", f"{A}/competitions/<int:competition_id>", ADMIN_ONLY, body="rename"),
    Row("POST", f"{A}/competitions/<int:competition_id>/stage", ADMIN_ONLY, body="stage"),
    Row(
        "GET",
        f"{A}/competitions/<int:competition_id>/audit",
        expect(403, admin=200, chair=200),
    ),
    Row(
        "GET",
        f"{A}/competitions/<int:competition_id>/audit/verify",
        expect(403, admin=200, chair=200),
    ),
    Row("GET", f"{A}/audit", ADMIN_ONLY),
    Row("GET", f"{A}/audit/verify", ADMIN_ONLY),
    # --- entries
    # a drafter creates drafts and lists its own; the base world's entry is not its own (404)
    Row(
        "POST",
        f"{A}/competitions/<int:competition_id>/entries",
        expect(403, owner=201, other=201, drafter=201),
        body="entry",
    ),
    Row(
        "GET",
        f"{A}/competitions/<int:competition_id>/entries",
        expect(403, admin=200, owner=200, other=200, drafter=200),
    ),
    Row("GET", f"{A}/entries/<int:entry_id>", OWNER_READS),
    Row("PATCH", f"{A}/entries/<int:entry_id>", expect(404, admin=403, owner=200), body="rename"),
    Row("POST", f"{A}/entries/<int:entry_id>/submit", expect(404, admin=403, owner=200)),
    Row(
        "POST",
        f"{A}/entries/<int:entry_id>/attachments",
        expect(404, admin=403, owner=201),
        body="upload",
    ),
    Row("GET", f"{A}/attachments/<int:attachment_id>", OWNER_READS),
    Row("DELETE", f"{A}/attachments/<int:attachment_id>", expect(404, admin=403, owner=204)),
    # --- screening (a second competition, in stage screening, with a submitted entry)
    Row("GET", f"{A}/screening-reasons", EVERYONE),
    Row(
        "POST",
        f"{A}/entries/<int:entry_id>/screening",
        expect(404, admin=200, owner=403),
        body="screen",
        params={"entry_id": "submitted_id"},
    ),
    Row(
        "POST",
        f"{A}/competitions/<int:competition_id>/screening/bulk",
        expect(403, admin=200),
        body="bulk",
        params={"competition_id": "screening_comp_id"},
    ),
    # --- assignments (competition in stage evaluation; the evaluator holds the sheets)
    Row(
        "POST",
        f"{A}/assignments",
        expect(403, admin=201),
        body="assignment",
    ),
    Row(
        "GET",
        f"{A}/competitions/<int:competition_id>/assignments",
        ADMIN_ONLY,
        params={"competition_id": "judging_comp_id"},
    ),
    Row(
        "GET",
        f"{A}/competitions/<int:competition_id>/assignments/loads",
        ADMIN_ONLY,
        params={"competition_id": "judging_comp_id"},
    ),
    Row(
        "POST",
        f"{A}/competitions/<int:competition_id>/assignments/auto",
        ADMIN_ONLY,
        body="auto",
        params={"competition_id": "judging_comp_id"},
    ),
    Row("GET", f"{A}/assignments/<int:assignment_id>", SHEET_READERS),
    Row("DELETE", f"{A}/assignments/<int:assignment_id>", expect(404, admin=204, evaluator=403)),
    Row(
        "GET",
        f"{A}/me/assignments",
        expect(403, **dict.fromkeys(REVIEWERS, 200)),
    ),
    # --- score sheets
    Row("GET", f"{A}/assignments/<int:assignment_id>/score", SHEET_READERS),
    Row("PUT", f"{A}/assignments/<int:assignment_id>/score", SHEET_WRITER, body="score"),
    Row("POST", f"{A}/assignments/<int:assignment_id>/score/submit", SHEET_WRITER, body="empty"),
    Row(
        "POST",
        f"{A}/assignments/<int:assignment_id>/score/reopen",
        expect(404, admin=200, evaluator=403),
        body="reopen",
        params={"assignment_id": "submitted_assignment_id"},
    ),
    # --- ranking, selections, exports (competition in stage shortlist, scored, one proposal)
    Row(
        "GET",
        f"{A}/competitions/<int:competition_id>/ranking",
        RANKING_READERS,
        params={"competition_id": "ranked_comp_id"},
    ),
    Row(
        "POST",
        f"{A}/competitions/<int:competition_id>/selections",
        expect(403, chair=201),
        body="selection",
        params={"competition_id": "ranked_comp_id"},
    ),
    Row(
        "GET",
        f"{A}/competitions/<int:competition_id>/selections",
        RANKING_READERS,
        params={"competition_id": "ranked_comp_id"},
    ),
    Row("GET", f"{A}/selections/<int:selection_id>", SELECTION_READERS),
    Row("GET", f"{A}/selections/<int:selection_id>/snapshot", SELECTION_READERS),
    Row(
        "POST",
        f"{A}/selections/<int:selection_id>/finalize",
        expect(404, admin=403, panelist=403, chair=200),
    ),
    Row(
        "GET",
        f"{A}/competitions/<int:competition_id>/results.csv",
        expect(403, admin=200, chair=200),
        params={"competition_id": "ranked_comp_id"},
    ),
    Row(
        "GET",
        f"{A}/competitions/<int:competition_id>/results.xlsx",
        expect(403, admin=200, chair=200),
        params={"competition_id": "ranked_comp_id"},
    ),
    # --- documents (see the module docstring)
    Row(
        "GET",
        f"{A}/certificates/<code>",
        expect(200, anonymous=200),  # public verification
        params={"code": "certificate_code"},
        world=DOCS,
    ),
    Row(
        "POST",
        f"{A}/certificates/<serial>/revoke",
        expect(403, admin=200),  # everyone may read a certificate; only the admin revokes it
        body="revoke",
        params={"serial": "certificate_serial"},
        world=DOCS,
    ),
    Row(
        "GET",
        f"{A}/entries/<int:entry_id>/certificate",
        OWNER_READS,
        params={"entry_id": "certified_entry_id"},
        world=DOCS,
    ),
    Row(
        "GET",
        f"{A}/entries/<int:entry_id>/score-sheet",
        SELECTION_READERS,
        params={"entry_id": "certified_entry_id"},
        world=DOCS,
    ),
    Row(
        "GET",
        f"{A}/entries/<int:entry_id>/agency-score-sheet",
        OWNER_READS,  # the agency's copy, reviewers unnamed; shared here: the year is awarded
        params={"entry_id": "certified_entry_id"},
        world=DOCS,
    ),
    Row(
        "GET",
        f"{A}/selections/<int:selection_id>/recap",
        SELECTION_READERS,
        params={"selection_id": "final_selection_id"},
        world=DOCS,
    ),
    Row(
        "POST",
        f"{A}/competitions/<int:competition_id>/document-jobs",
        expect(403, admin=202),
        body="certificate_job",
        params={"competition_id": "awarded_comp_id"},
        world=DOCS,
    ),
    # a job is the secretariat's alone: to anyone else it does not exist
    Row("GET", f"{A}/document-jobs/<int:job_id>", expect(404, admin=200), world=DOCS),
    # --- public
    Row("GET", f"{A}/openapi.json", expect(200, anonymous=200)),
]

# Rows of the features' own modules (tests/web/matrix_extensions.py).
TABLE += [Row(**row) for row in matrix_extensions.rows("api")]
assert ROLES == matrix_extensions.ROLES

# Routes accepted without a row (none today); the coverage test fails on any other.
PENDING: set[tuple[str, str]] = set()


def role_order(row: Row) -> list[str]:
    """Refusals first, successes last: a refusal changes nothing (checked), so the roles can
    share one world; a successful write (e.g. the owner deleting the attachment) comes after
    every role whose answer could otherwise depend on it."""
    return sorted(ROLES, key=lambda role: row.expected[role] < 400)


def api_rules(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.add((method, rule.rule))
    return found


def test_every_api_route_has_a_row(app):
    table = {row.key for row in TABLE}
    assert len(table) == len(TABLE), "duplicate rows"
    assert not table & PENDING, "a route with a row is still listed as pending"
    missing = sorted(api_rules(app) - table - PENDING)
    assert not missing, f"routes without a row in the permission matrix: {missing}"
    stale = sorted((table | PENDING) - api_rules(app))
    assert not stale, f"rows (or pending entries) for routes the app does not have: {stale}"


# ---------------------------------------------------------------------- world
@pytest.fixture
def world(make):
    admin = make.admin()
    owner = make.user("agency")
    other = make.user("agency")
    users = {
        "admin": admin,
        "owner": owner,
        "other": other,
        "evaluator": make.user("evaluator"),
        "panelist": make.user("panelist"),
        "chair": make.user("chair"),
        "drafter": make.user("drafter", agency=owner.agency),
    }
    comp = make.competition(stage="submission")
    entry = make.entry(comp, owner)
    own_draft = make.entry(comp, users["drafter"], drafted_by_id=users["drafter"].id)
    att = add_attachment(owner, entry, "decree", "sk.pdf", pdf_bytes(), 10 * 2**20)
    db.session.commit()
    screening = make.competition(stage="screening")
    submitted = make.entry(screening, owner, status="submitted")
    judging = judging_world(make, users)
    return judging | {
        "users": users,
        "comp": comp,
        "competition_id": comp.id,
        "screening_comp_id": screening.id,
        "entry_id": entry.id,
        "submitted_id": submitted.id,
        "attachment_id": att.id,
        "agency_id": other.agency_id,
        "owner_id": owner.id,
        "evaluator_id": users["evaluator"].id,
        "user_id": owner.id,
        "drafter_id": users["drafter"].id,
        "drafter_entry_id": own_draft.id,
    }


@pytest.fixture
def document_world(world, make, request):
    """The base world plus the document ids (see the module docstring); `docs_app` gives the
    test its own broker, so a created job is published without any worker."""
    request.getfixturevalue("docs_app")
    return world | documents_world(make, world["users"])


def judging_world(make, users: dict) -> dict:
    """Judging ids for the table: see the module docstring. Entries belong to an agency of
    their own, so the world's agency users relate to them only as outsiders."""
    evaluator, chair = users["evaluator"], users["chair"]
    judged = make.user("agency")
    comp = make.competition(stage="evaluation")
    entries = [make.entry(comp, judged, status="eligible") for _ in range(3)]
    draft = assign(comp, entries[0], evaluator)
    save_draft(draft, full_values(draft, 70))
    done = submit_sheet(assign(comp, entries[1], evaluator), 80)

    ranked = make.competition(stage="evaluation")
    for total in (90, 80):
        entry = make.entry(ranked, judged, status="eligible")
        submit_sheet(assign(ranked, entry, evaluator), total)
    set_stage(ranked, "shortlist")
    proposal = selections.propose(chair, ranked, "shortlist")
    db.session.commit()
    return {
        "judging_comp_id": comp.id,
        "unassigned_entry_id": entries[2].id,
        "assignment_id": draft.id,
        "submitted_assignment_id": done.id,
        "ranked_comp_id": ranked.id,
        "selection_id": proposal.id,
    }


def build_body(name: str | None, world: dict, role: str, make):
    if name is None:
        return None
    if (found := document_body(name)) is not None:
        return found
    if (found := matrix_extensions.body("api", name, world, role)) is not None:
        return found
    if name == "credentials":
        user = world["users"].get(role, world["users"]["owner"])
        return {"email": user.email, "password": PASSWORD}
    if name == "agency":
        return {"name": "Kota Baru", "kind": "kota", "province": "Bali"}
    if name == "user":
        return {"email": "new@example.id", "name": "New", "role": "evaluator", "password": PASSWORD}
    if name == "rename":
        return {"name": "Renamed", "title": "Renamed"}
    if name == "conflict":
        return {"agency_id": world["agency_id"], "reason": "Former employer"}
    if name == "competition":
        return {
            "name": "KIPP 2027",
            "year": 2027,
            "submission_opens_at": "2027-01-01T00:00:00",
            "submission_closes_at": "2027-06-30T23:59:59",
            "criteria": [{"code": "signifikansi", "name": "Signifikansi", "weight": 100}],
        }
    if name == "stage":
        return {"to": "screening"}
    if name == "entry":
        return {
            "title": "Inovasi Baru",
            "group": "umum",
            "summary": "Ringkasan",
            "answers": make.full_answers(world["comp"]),
            "started_on": "2020-01-01",
        }
    if name == "upload":
        return {"kind": "evidence", "file": (io.BytesIO(pdf_bytes()), "bukti.pdf")}
    if name == "screen":
        return {"decision": "pass"}
    if name == "bulk":
        return {"entry_ids": [world["submitted_id"]], "decision": "pass"}
    if name == "assignment":
        return {
            "entry_id": world["unassigned_entry_id"],
            "user_id": world["evaluator_id"],
            "round": "evaluation",
        }
    if name == "auto":
        return {"round": "evaluation", "per_entry": 1}
    if name == "score":
        return {"values": {"signifikansi": 75}, "comment": "Cukup"}
    if name == "empty":
        return {}
    if name == "reopen":
        return {"reason": "The reviewer mistyped a score."}
    if name == "selection":
        return {"tier": "shortlist"}
    raise AssertionError(name)


def fill(row: Row, world: dict) -> str:
    def value(match):
        name = match.group(1)
        return str(world[row.params.get(name, name)])

    return re.sub(r"<(?:int:)?(\w+)>", value, row.rule)


def snapshot() -> tuple:
    """What a refused request must leave as it was (the caller's login happened before)."""
    db.session.expire_all()
    entries = db.session.execute(select(Entry.id, Entry.status, Entry.title, Entry.version)).all()
    comps = db.session.execute(select(Competition.id, Competition.stage, Competition.name)).all()
    users = db.session.execute(select(User.id, User.name, User.role, User.version)).all()
    sheets = db.session.execute(
        select(Assignment.id, Assignment.status, Assignment.version, Assignment.comment)
    ).all()
    values = db.session.execute(
        select(ScoreValue.assignment_id, ScoreValue.criterion_code, ScoreValue.value)
    ).all()
    chosen = db.session.execute(select(Selection.id, Selection.status, Selection.version)).all()
    counts = [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (
            Agency,
            Attachment,
            AuditEvent,
            Conflict,
            Competition,
            Entry,
            User,
            SelectionEntry,
        )
    ]
    rows = tuple(sorted(rows) for rows in (entries, comps, users, sheets, values, chosen))
    return rows, counts, document_state(), matrix_extensions.state()


def check(row: Row, role: str, world: dict, api, make) -> None:
    client = api(None if role == "anonymous" else world["users"][role])
    url = fill(row, world)
    body = build_body(row.body, world, role, make)
    before = snapshot()
    kwargs = {}
    if row.body == "upload":
        kwargs = {"data": body, "content_type": "multipart/form-data"}
    elif body is not None:
        kwargs = {"json": body}
    resp = getattr(client, row.method.lower())(url, **kwargs)
    resp.close()
    expected = row.expected[role]
    assert resp.status_code == expected, resp.get_data(as_text=True)[:500]
    if expected >= 400:
        assert resp.content_type == "application/problem+json"
        assert resp.get_json()["code"] == CODES[expected]
        assert snapshot() == before


@pytest.mark.parametrize("row", TABLE, ids=[f"{r.method} {r.rule.removeprefix(A)}" for r in TABLE])
def test_permission(row, request, api, make, subtests):
    """One app and world per route; each role is its own subtest."""
    world = request.getfixturevalue(row.world)
    for role in role_order(row):
        with subtests.test(role=role):
            check(row, role, world, api, make)


# ------------------------------------------------- reviewers conflicted late
# API contract v1.1 § Conflicts declared late. World `conflict_world`: an entry of agency X was
# scored by an evaluator in the evaluation round and by two panelists and two chairs in the
# panel round; then one reviewer of each role (the "conflicted_*" roles) declared a conflict
# with X, which kept their submitted sheets only as records. Each conflicted reviewer must get
# 404 on their own sheet, on the entry, its attachment and its score-sheet PDF; the reviewer of
# the same role who did not declare a conflict (the "clean_*" roles, same entry, same kind of
# sheet) shows that the same request reaches the sheet or the entry otherwise.
CONFLICTED = ("conflicted_evaluator", "conflicted_panelist", "conflicted_chair")
CLEAN = {"clean_evaluator": 200, "clean_panelist": 200, "clean_chair": 200}
# The clean reviewer reaches their sheet, which is submitted (locked) or out of its stage.
SUBMITTED = dict.fromkeys(CLEAN, 409)


def conflicted_404(**clean: int) -> dict[str, int]:
    return dict.fromkeys(CONFLICTED, 404) | CLEAN | clean


CONFLICT_TABLE = [
    Row("GET", f"{A}/assignments/<int:assignment_id>", conflicted_404()),
    Row("GET", f"{A}/assignments/<int:assignment_id>/score", conflicted_404()),
    Row("PUT", f"{A}/assignments/<int:assignment_id>/score", conflicted_404(**SUBMITTED), "score"),
    Row(
        "POST",
        f"{A}/assignments/<int:assignment_id>/score/submit",
        conflicted_404(**SUBMITTED),
        "empty",
    ),
    Row("GET", f"{A}/entries/<int:entry_id>", conflicted_404()),
    Row("GET", f"{A}/attachments/<int:attachment_id>", conflicted_404()),
    # score sheets are for the chair and panelists: an evaluator never reads one
    Row("GET", f"{A}/entries/<int:entry_id>/score-sheet", conflicted_404(clean_evaluator=404)),
    # the innovation profile reads like the entry (it is not in the directory here)
    Row("GET", f"{A}/entries/<int:entry_id>/profile", conflicted_404()),
]
# Routes on an assignment, an entry or an attachment that no reviewer may use at all (the
# main table proves their refusal for every role): they need no conflict row.
NOT_A_REVIEWER_PATH = {
    ("DELETE", f"{A}/assignments/<int:assignment_id>"),  # admin only
    ("POST", f"{A}/assignments/<int:assignment_id>/score/reopen"),  # admin only
    ("PATCH", f"{A}/entries/<int:entry_id>"),  # the owning agency only
    ("POST", f"{A}/entries/<int:entry_id>/submit"),
    ("POST", f"{A}/entries/<int:entry_id>/attachments"),
    ("DELETE", f"{A}/attachments/<int:attachment_id>"),
    ("POST", f"{A}/entries/<int:entry_id>/screening"),  # admin only
    ("GET", f"{A}/entries/<int:entry_id>/certificate"),  # the owner and admins only
    ("GET", f"{A}/entries/<int:entry_id>/agency-score-sheet"),  # the owner and admins only
    ("PUT", f"{A}/entries/<int:entry_id>/profile"),  # the entry's agency only
    ("GET", f"{A}/entries/<int:entry_id>/flags"),  # admin only
}


def test_every_sheet_and_entry_route_has_a_conflict_row(app):
    """A new route on an assignment, an entry or an attachment needs a conflict row (or a
    reason to be in NOT_A_REVIEWER_PATH)."""
    ids = ("<int:assignment_id>", "<int:entry_id>", "<int:attachment_id>")
    routes = {r for r in api_rules(app) if any(i in r[1] for i in ids)}
    covered = {row.key for row in CONFLICT_TABLE}
    assert not covered & NOT_A_REVIEWER_PATH
    missing = sorted(routes - covered - NOT_A_REVIEWER_PATH)
    assert not missing, f"sheet/entry routes without a conflict row: {missing}"
    assert not (covered | NOT_A_REVIEWER_PATH) - routes, "rows for routes the app lacks"


@pytest.fixture
def conflict_world(make, request):
    """See the comment above CONFLICT_TABLE; `docs_app` renders the clean score sheets."""
    from kipp.accounts.services import add_conflict

    request.getfixturevalue("docs_app")
    admin, judged, other = make.admin(), make.user("agency"), make.user("agency")
    users = {"admin": admin}
    for role in ("evaluator", "panelist", "chair"):
        users[f"conflicted_{role}"] = make.user(role)
        users[f"clean_{role}"] = make.user(role)
    comp = make.competition(stage="submission")
    entry = make.entry(comp, judged)
    att = add_attachment(judged, entry, "evidence", "bukti.pdf", pdf_bytes(), 10 * 2**20)
    entry.status = "eligible"
    runner_up = make.entry(comp, other, status="eligible")
    set_stage(comp, "evaluation")
    sheets = {}
    for kind in ("conflicted", "clean"):
        reviewer = users[f"{kind}_evaluator"]
        sheets[f"{kind}_evaluator"] = submit_sheet(assign(comp, entry, reviewer), 80).id
        submit_sheet(assign(comp, runner_up, reviewer), 70)
    set_stage(comp, "shortlist")
    sel = selections.propose(users["clean_chair"], comp, "shortlist")
    selections.finalize(users["clean_chair"], sel)
    db.session.commit()
    set_stage(comp, "panel")
    for kind in ("conflicted", "clean"):
        for role in ("panelist", "chair"):
            reviewer = users[f"{kind}_{role}"]
            sheets[f"{kind}_{role}"] = submit_sheet(assign(comp, entry, reviewer, "panel"), 75).id
    for role in CONFLICTED:
        add_conflict(admin, users[role], judged.agency_id, "Declared after scoring")
    db.session.commit()
    marked = db.session.scalars(select(Assignment).where(Assignment.conflicted.is_(True))).all()
    assert sorted(a.id for a in marked) == sorted(sheets[r] for r in CONFLICTED)
    return {"users": users, "entry_id": entry.id, "attachment_id": att.id, "sheets": sheets}


@pytest.mark.parametrize(
    "row", CONFLICT_TABLE, ids=[f"{r.method} {r.rule.removeprefix(A)}" for r in CONFLICT_TABLE]
)
def test_conflicted_reviewer_is_404(row, conflict_world, api, make, subtests):
    """Each reviewer asks for their own sheet of the conflicted entry (`assignment_id`)."""
    for role in sorted(row.expected, key=lambda r: row.expected[r] < 400):
        with subtests.test(role=role):
            world = conflict_world | {"assignment_id": conflict_world["sheets"][role]}
            if row.expected[role] != 409:
                check(row, role, world, api, make)
                continue
            client = api(world["users"][role])  # logging in is audited: before the snapshot
            before = snapshot()
            body = build_body(row.body, world, role, make)
            resp = getattr(client, row.method.lower())(fill(row, world), json=body)
            assert resp.status_code == 409
            assert resp.get_json()["code"] in ("locked", "invalid_stage")
            assert snapshot() == before


# -------------------------------------------------------------------- OpenAPI
CONTRACT_PATHS = {
    "/api/v1/auth/tokens": {"post"},
    "/api/v1/auth/tokens/current": {"delete"},
    "/api/v1/agencies": {"get", "post"},
    "/api/v1/agencies/{agency_id}": {"get"},
    "/api/v1/users": {"post"},
    "/api/v1/users/me": {"get"},
    "/api/v1/users/{user_id}": {"patch"},
    "/api/v1/users/{user_id}/conflicts": {"post"},
    "/api/v1/competitions": {"post"},
    "/api/v1/competitions/{competition_id}": {"get", "patch"},
    "/api/v1/competitions/{competition_id}/stage": {"post"},
    "/api/v1/competitions/{competition_id}/entries": {"get", "post"},
    "/api/v1/entries/{entry_id}": {"get", "patch"},
    "/api/v1/entries/{entry_id}/attachments": {"post"},
    "/api/v1/entries/{entry_id}/submit": {"post"},
    "/api/v1/entries/{entry_id}/screening": {"post"},
    "/api/v1/attachments/{attachment_id}": {"get"},
    "/api/v1/screening-reasons": {"get"},
    "/api/v1/audit": {"get"},
    "/api/v1/audit/verify": {"get"},
    "/api/v1/competitions/{competition_id}/audit": {"get"},
    "/api/v1/competitions/{competition_id}/audit/verify": {"get"},
    "/api/v1/competitions/{competition_id}/assignments/auto": {"post"},
    "/api/v1/assignments": {"post"},
    "/api/v1/assignments/{assignment_id}": {"delete"},
    "/api/v1/me/assignments": {"get"},
    "/api/v1/assignments/{assignment_id}/score": {"get", "put"},
    "/api/v1/assignments/{assignment_id}/score/submit": {"post"},
    "/api/v1/assignments/{assignment_id}/score/reopen": {"post"},
    "/api/v1/competitions/{competition_id}/ranking": {"get"},
    "/api/v1/competitions/{competition_id}/selections": {"get", "post"},
    "/api/v1/selections/{selection_id}": {"get"},
    "/api/v1/selections/{selection_id}/finalize": {"post"},
    "/api/v1/competitions/{competition_id}/results.csv": {"get"},
    "/api/v1/competitions/{competition_id}/results.xlsx": {"get"},
}


def test_openapi_document_lists_the_contract_routes(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"]
    for path, methods in CONTRACT_PATHS.items():
        assert path in doc["paths"], path
        assert methods <= set(doc["paths"][path]), (path, set(doc["paths"][path]))


def test_openapi_document_covers_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (method.upper(), path)
        for path, ops in doc["paths"].items()
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"}
    }
    for method, rule in api_rules(app):
        if rule.endswith("/openapi.json"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)
        assert (method, path) in documented, (method, path)


# ------------------------------------------------------- framework errors
@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/competitions/abc", "/api/v1/"])
def test_unknown_api_path_is_problem_404(client, path):
    assert_problem(client.get(path), 404, "not_found")


def test_unknown_api_path_with_token_is_problem_404(make, api):
    assert_problem(api(make.admin()).get("/api/v1/does/not/exist"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/v1/competitions"),
        ("put", "/api/v1/users/me"),
        ("get", "/api/v1/auth/tokens"),
    ],
)
def test_wrong_method_is_problem_405(client, method, path):
    body = assert_problem(getattr(client, method)(path), 405)
    assert body["code"]


@pytest.mark.parametrize("data", ["{bad json", "[1, 2", '{"name": }'])
def test_malformed_json_is_a_problem_and_changes_nothing(make, api, data):
    client = api(make.admin())
    resp = client.post(
        "/api/v1/competitions", data=data, headers={"Content-Type": "application/json"}
    )
    assert resp.status_code in (400, 422)
    assert_problem(resp, resp.status_code, "validation_error")
    assert db.session.scalar(select(func.count()).select_from(Competition)) == 0


@pytest.mark.parametrize("data", ["[1, 2]", '"text"', "42"])
def test_json_that_is_not_an_object_is_422(make, api, data):
    client = api(make.admin())
    resp = client.post("/api/v1/agencies", data=data, headers={"Content-Type": "application/json"})
    assert resp.status_code in (400, 422)
    assert_problem(resp, resp.status_code, "validation_error")


def test_errors_outside_the_api_are_not_problem_json(client):
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    assert resp.content_type != "application/problem+json"
