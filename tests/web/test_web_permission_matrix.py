"""Every page route (not /api, not /static) × every role, as the pages answer today.

The world is the API matrix's (tests/web/test_permission_matrix.py), so the ids mean the same:
the owner's draft entry and attachment in a competition in stage submission, a submitted entry
in a competition in stage screening, the evaluator's draft and submitted sheets, a ranked
competition with the chair's proposal and, for the document rows, an awarded competition with
the owner's certificate and a finalised shortlist.

Anonymous visitors of a protected page are sent to the login page (`LOGIN`); a signed-in role
the page is not for gets 403; an object the role may not see is 404, exactly as if it did not
exist. GET rows check the answer; a refused request (LOGIN, 403, 404) must change nothing.
For roles a POST row lets through, the row sends a deliberately incomplete form: it checks that
the gate opens (a redirect or the form shown again), not the action, which the page tests cover.
The table must name every page route: `test_every_web_route_has_a_row` fails on a new one.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

from kipp.extensions import db
from kipp.judging.forms import score_field
from kipp.models import Assignment, Competition, Entry, User
from tests.conftest import PASSWORD
from tests.web import matrix_extensions
from tests.web.test_admin_pages import competition_form
from tests.web.test_permission_matrix import (  # noqa: F401  (fixtures)
    ROLES,
    docs_app,
    document_world,
    pdf_bytes,
    snapshot,
    world,
)

LOGIN = "login"  # 302 to the login page


def expect(default, anonymous=LOGIN, **by_role) -> dict:
    return {role: default for role in ROLES} | {"anonymous": anonymous} | by_role


PUBLIC = expect(200, anonymous=200)
SIGNED_IN = expect(200)
ADMIN_ONLY = expect(403, admin=200)
AGENCY_ONLY = expect(403, owner=200, other=200)
# an agency page about the owner's object (not one its drafter drafted: 404 to the drafter too)
OWNER_ONLY = expect(403, owner=200, other=404, drafter=404)
REVIEWERS = expect(403, evaluator=200, panelist=200, chair=200)
SHEET = expect(403, evaluator=200, panelist=404, chair=404)  # the evaluator's sheet
SELECTION_READERS = expect(403, admin=200, panelist=200, chair=200)
# A POST that succeeds redirects (302) to the page showing its result.
ADMIN_DOES = expect(403, admin=302)
AGENCY_DOES = expect(403, owner=302, other=302)
OWNER_DOES = OWNER_ONLY | {"owner": 302}
# the dashboard and the editor: the agency accounts and drafters (who see only their drafts)
DRAFTING = AGENCY_ONLY | {"drafter": 200}
DRAFTING_DOES = AGENCY_DOES | {"drafter": 302}


@dataclass(frozen=True)
class Row:
    method: str
    rule: str
    expected: dict
    params: dict[str, str] = field(default_factory=dict)  # path param → world key or "=value"
    form: str | None = None  # name of a form builder below: a valid form, so a refusal that
    # lets the action through changes something and is caught
    query: str = ""
    world: str = "world"

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.rule


DOCS = "document_world"
JUDGING = {"competition_id": "judging_comp_id"}
SCREENING = {"competition_id": "screening_comp_id", "entry_id": "submitted_id"}
RANKED = {"competition_id": "ranked_comp_id"}
AWARDED = {"competition_id": "awarded_comp_id"}
TABLE = [
    # --- public and account pages
    Row("GET", "/", expect(302, anonymous=200)),  # the public home; people: their home page
    Row("GET", "/healthz", PUBLIC),
    Row("GET", "/login", PUBLIC),
    Row("POST", "/login", expect(401, anonymous=401), form="wrong_login"),
    Row("POST", "/logout", expect(LOGIN)),  # signed out, back to the login page
    Row("GET", "/lang/<code>", expect(302, anonymous=302), params={"code": "=id"}),
    Row("GET", "/account/password", SIGNED_IN),
    Row("POST", "/account/password", expect(302), form="password"),
    Row("GET", "/verify/<code>", PUBLIC, params={"code": "certificate_code"}, world=DOCS),
    # --- admin: competitions, accounts, audit
    Row("GET", "/admin/", ADMIN_ONLY),
    Row("GET", "/admin/competitions", ADMIN_ONLY),
    Row("GET", "/admin/competitions/new", ADMIN_ONLY),
    Row("POST", "/admin/competitions/new", ADMIN_DOES, form="competition"),
    Row("GET", "/admin/competitions/<int:competition_id>", ADMIN_ONLY),
    Row("GET", "/admin/competitions/<int:competition_id>/edit", ADMIN_ONLY),
    Row(
        "POST",
        "/admin/competitions/<int:competition_id>/edit",
        ADMIN_DOES,
        form="competition_edit",
    ),
    Row("POST", "/admin/competitions/<int:competition_id>/stage", ADMIN_DOES, form="stage"),
    # the chair reads a competition's audit trail, as in the API
    Row("GET", "/admin/competitions/<int:competition_id>/audit", expect(403, admin=200, chair=200)),
    Row("GET", "/admin/audit", ADMIN_ONLY),
    Row("GET", "/admin/agencies", ADMIN_ONLY),
    Row("POST", "/admin/agencies", ADMIN_DOES, form="agency"),
    Row("GET", "/admin/users", ADMIN_ONLY),
    Row("POST", "/admin/users", ADMIN_DOES, form="user"),
    Row("GET", "/admin/users/<int:user_id>", ADMIN_ONLY, params={"user_id": "owner_id"}),
    Row(
        "POST",
        "/admin/users/<int:user_id>",
        ADMIN_DOES,
        params={"user_id": "owner_id"},
        form="rename_owner",
    ),
    Row(
        "POST",
        "/admin/users/<int:user_id>/conflicts",
        ADMIN_DOES,
        params={"user_id": "evaluator_id"},
        form="conflict",
    ),
    # --- admin: screening (a competition in stage screening with a submitted entry)
    Row("GET", "/admin/screening/<int:competition_id>", ADMIN_ONLY, params=SCREENING),
    Row(
        "POST",
        "/admin/screening/<int:competition_id>/bulk",
        ADMIN_DOES,
        params=SCREENING,
        form="bulk",
    ),
    Row(
        "GET",
        "/admin/screening/<int:competition_id>/entries/<int:entry_id>",
        ADMIN_ONLY,
        params=SCREENING,
    ),
    Row(
        "POST",
        "/admin/screening/<int:competition_id>/entries/<int:entry_id>",
        ADMIN_DOES,
        params=SCREENING,
        form="screen",
    ),
    # --- admin: assignments (a competition in stage evaluation)
    Row("GET", "/admin/assignments/<int:competition_id>", ADMIN_ONLY, params=JUDGING),
    Row(
        "POST",
        "/admin/assignments/<int:competition_id>/auto",
        ADMIN_DOES,
        params=JUDGING,
        form="auto",
        query="round=evaluation",
    ),
    Row(
        "POST",
        "/admin/assignments/<int:competition_id>/manual",
        ADMIN_DOES,
        params=JUDGING,
        form="manual",
        query="round=evaluation",
    ),
    Row(
        "POST",
        "/admin/assignments/<int:competition_id>/<int:assignment_id>/delete",
        ADMIN_DOES,
        params=JUDGING,
    ),
    Row(
        "POST",
        "/admin/assignments/<int:competition_id>/<int:assignment_id>/reopen",
        ADMIN_DOES,
        params=JUDGING | {"assignment_id": "submitted_assignment_id"},
        form="reopen",
    ),
    # --- admin: documents (an awarded competition)
    Row("GET", "/admin/documents/<int:competition_id>", ADMIN_ONLY, params=AWARDED, world=DOCS),
    Row(
        "POST",
        "/admin/documents/<int:competition_id>",
        ADMIN_DOES,
        params=AWARDED,
        form="certificate_job",
        world=DOCS,
    ),
    # --- agency (the owner's draft entry and attachment)
    Row("GET", "/agency/", DRAFTING),
    Row("GET", "/agency/competitions/<int:competition_id>/entries/new", DRAFTING),
    Row(
        "POST",
        "/agency/competitions/<int:competition_id>/entries/new",
        DRAFTING_DOES,
        form="entry",
    ),
    Row("GET", "/agency/entries/<int:entry_id>/edit", OWNER_ONLY),
    Row("POST", "/agency/entries/<int:entry_id>/edit", OWNER_DOES, form="entry_edit"),
    Row("POST", "/agency/entries/<int:entry_id>/attachments", OWNER_DOES, form="upload"),
    Row("POST", "/agency/entries/<int:entry_id>/submit", OWNER_DOES),
    Row("GET", "/agency/attachments/<int:attachment_id>", OWNER_ONLY),
    Row("POST", "/agency/attachments/<int:attachment_id>/delete", OWNER_DOES),
    Row("GET", "/agency/certificates", AGENCY_ONLY, world=DOCS),
    Row(
        "GET",
        "/agency/certificates/<serial>/download",
        expect(404, admin=200, owner=200),  # as the API: the owner's and the secretariat's
        params={"serial": "certificate_serial"},
        world=DOCS,
    ),
    # --- panel: for reviewers only, so the other roles get 403 whatever the id, and a
    # reviewer gets 404 for a sheet that is not theirs
    Row("GET", "/panel/", REVIEWERS),
    Row("GET", "/panel/assignments/<int:assignment_id>", SHEET),
    Row("POST", "/panel/assignments/<int:assignment_id>", SHEET | {"evaluator": 302}, form="sheet"),
    Row(
        "POST",
        "/panel/assignments/<int:assignment_id>/submit",
        SHEET | {"evaluator": 302},
        form="sheet_submit",
    ),
    # --- selection: for the admin, the panelists and the chair (403 for the other roles)
    Row("GET", "/selection/", SELECTION_READERS),
    Row("GET", "/selection/<int:competition_id>/ranking", SELECTION_READERS, params=RANKED),
    Row(
        "POST",
        "/selection/<int:competition_id>/propose",
        expect(403, chair=302),
        params=RANKED,
        form="propose",
    ),
    Row("GET", "/selection/proposals/<int:selection_id>", SELECTION_READERS),
    Row(
        "GET",
        "/selection/proposals/<int:selection_id>/snapshot.json",
        SELECTION_READERS,
        params={"selection_id": "final_selection_id"},  # a proposal has no snapshot yet
        world=DOCS,
    ),
    Row(
        "POST",
        "/selection/proposals/<int:selection_id>/finalize",
        expect(403, chair=302),
        form="finalize",
    ),
]

# Rows of the features' own modules (tests/web/matrix_extensions.py).
TABLE += [Row(**row) for row in matrix_extensions.rows("web")]
assert LOGIN == matrix_extensions.LOGIN


# ------------------------------------------------------------------ form builders
NEW_PASSWORD = "lintang-kemukus-di-atas-sawah-2026"
NO_REPLICATION = {"replication_type": ""}


def build_form(name: str | None, ids: dict) -> dict | None:
    """A valid form for the row, read from the world as it is now (versions move)."""
    if name is None:
        return None
    if (found := matrix_extensions.body("web", name, ids)) is not None:
        return found
    if name == "wrong_login":
        return {"email": "nobody@example.id", "password": "wrong-password"}
    if name == "password":
        return {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    if name == "competition":
        return competition_form()
    if name == "competition_edit":
        comp = fresh(Competition, ids["competition_id"])
        # criteria left as they are: the form sends none
        return competition_form((), (), name="Renamed", version=str(comp.version))
    if name == "stage":
        return {"to": "screening"}
    if name == "agency":
        return {"name": "Kota Baru", "kind": "kota", "province": "Bali"}
    if name == "user":
        return {
            "email": "new@example.id",
            "name": "New",
            "role": "evaluator",
            "agency_id": "",
            "password": NEW_PASSWORD,
        }
    if name == "rename_owner":
        owner = fresh(User, ids["owner_id"])
        return {
            "name": "Renamed",
            "role": owner.role,
            "agency_id": str(owner.agency_id),
            "active": "y",
            "version": str(owner.version),
        }
    if name == "conflict":
        return {"conflict-agency_id": str(ids["agency_id"]), "conflict-reason": "Former employer"}
    if name == "bulk":
        return {"decision": "pass", "entry_ids": str(ids["submitted_id"])}
    if name == "screen":
        return {"decision": "pass"}
    if name == "auto":
        return {"per_entry": "1"}
    if name == "manual":
        return {"entry_id": str(ids["unassigned_entry_id"]), "user_id": str(ids["evaluator_id"])}
    if name == "reopen":
        return {f"a{ids['submitted_assignment_id']}-reason": "The reviewer mistyped a score."}
    if name == "certificate_job":
        return {"kind": "certificates"}
    if name == "entry":
        return {"title": "Inovasi Baru", "group": "umum", "summary": "Ringkasan", **NO_REPLICATION}
    if name == "entry_edit":
        entry = fresh(Entry, ids["entry_id"])
        return {
            "title": "Renamed",
            "group": entry.group,
            "version": str(entry.version),
            **NO_REPLICATION,
        }
    if name == "upload":
        return {"kind": "evidence", "file": (io.BytesIO(pdf_bytes()), "bukti.pdf")}
    if name in ("sheet", "sheet_submit"):
        sheet = fresh(Assignment, ids["assignment_id"])
        if name == "sheet_submit":
            return {"confirm": "y", "version": str(sheet.version)}
        codes = [c.code for c in sheet.entry.competition.round_criteria(sheet.round)]
        return {score_field(code): "75" for code in codes} | {"version": str(sheet.version)}
    if name == "propose":
        return {"round": "evaluation", "action": "top"}
    if name == "finalize":
        return {"confirm": "y"}
    raise AssertionError(name)


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def web_rules(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/static/")) or rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, rule.rule))
    return found


def test_every_web_route_has_a_row(app):
    table = {row.key for row in TABLE}
    assert len(table) == len(TABLE), "duplicate rows"
    missing = sorted(web_rules(app) - table)
    assert not missing, f"page routes without a row in the web permission matrix: {missing}"
    stale = sorted(table - web_rules(app))
    assert not stale, f"rows for page routes the app does not have: {stale}"


# ---------------------------------------------------------------------- checks
def role_order(row: Row) -> list[str]:
    """Refusals first, so a successful POST (a deletion, a submit) cannot change what a later
    role sees; logging out comes last of all."""

    def refused(role: str) -> bool:
        status = row.expected[role]
        return status == LOGIN or status >= 400

    return sorted(ROLES, key=lambda role: not refused(role))


def fill(row: Row, ids: dict) -> str:
    def value(match):
        key = row.params.get(match.group(1), match.group(1))
        return key[1:] if key.startswith("=") else str(ids[key])

    return re.sub(r"<(?:int:)?(\w+)>", value, row.rule)


@pytest.fixture
def browsers(app):
    """`browsers(role, ids)` → a test client of its own, signed in through the login form."""

    def signed_in(role: str, ids: dict):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        if role != "anonymous":
            user = ids["users"][role]
            resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
            assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
        return client

    return signed_in


def answer(resp):
    """What the table records: the status, or LOGIN for a redirect to the login page."""
    location = resp.headers.get("Location", "")
    if resp.status_code == 302 and urlparse(location).path == "/login":
        return LOGIN
    return resp.status_code


def check(row: Row, role: str, ids: dict, browsers) -> None:
    client = browsers(role, ids)
    url = fill(row, ids) + (f"?{row.query}" if row.query else "")
    form = build_form(row.form, ids)
    before = snapshot()
    resp = client.open(url, method=row.method, data=form)
    got = answer(resp)
    resp.close()
    expected = row.expected[role]
    assert got == expected, f"{row.method} {row.rule} as {role}: {got}"
    if expected == LOGIN or expected >= 400:
        assert snapshot() == before, "a refused request changed something"


@pytest.mark.parametrize("row", TABLE, ids=[f"{r.method} {r.rule}" for r in TABLE])
def test_web_permission(row, request, browsers, subtests):
    """One world per route; each role is its own subtest."""
    ids = request.getfixturevalue(row.world)
    for role in role_order(row):
        with subtests.test(role=role):
            check(row, role, ids, browsers)
