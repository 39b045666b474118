"""Every page of every role in a real browser, checked for accessibility.

One world (the demo data of `kipp.demo.seed` plus the few objects whose pages need ids: a
judging round with a draft and a submitted sheet, a chair's proposal, a published list with its
objection window open, a panel-round sheet and an issued certificate), one chromium, one
context per role (anonymous, admin, agency, evaluator, panelist, chair) that logs in through
the login page and then visits the role's pages in one loop. On each page:
- axe-core (tests/browser/axe.py) reports no serious or critical violation;
- exactly one <main> landmark and exactly one <h1>;
- `<html lang>` is the interface language (Indonesian here; after /lang/en, English);
- the first Tab from the top of the page lands on a skip link to the <main>, which is then
  visible, and every focused element (the skip link, the next link or button) shows a visible
  focus indicator (a computed outline or box-shadow).
A form shown again with errors (the objection and login forms; per role the REFUSED forms)
is checked the same way, and its invalid fields must carry aria-invalid and an
aria-describedby naming the error text. The agency logs in and opens its draft with the
keyboard only (`keyboard_journey`): skip link, typing, Enter, Tab to the entry's link.

`test_every_page_route_is_visited_or_skipped` fails when a GET page route of the app is
neither visited here nor listed in SKIP with its reason (as the permission matrix does).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from kipp.accounts import links
from kipp.demo import DEMO_PASSWORD, seed
from kipp.extensions import db
from kipp.judging import selections
from kipp.models import Competition, Entry, Selection, SelectionEntry, User
from kipp.publication import objections
from tests.browser.axe import AXE, FOCUSED, FROM_THE_TOP, check_page, tab_to
from tests.public.fixtures import STATEMENT, publish
from tests.services.judging_fixtures import assign, full_values, save_draft, set_stage, submit_sheet
from tests.web.permission_documents import documents_world
from tests.workers.job_fixtures import docs_app  # noqa: F401  (fixture: the certificate world)

SKIP = {
    "/healthz": "a JSON health answer, not a page",
    "/lang/<code>": "a redirect that switches the language: the language check follows it",
    "/static/<path:filename>": "static files",
    "/agency/attachments/<int:attachment_id>": "a PDF download",
    "/agency/certificates/<serial>/download": "a PDF download",
    "/results/selections/<int:selection_id>/decree.pdf": "a PDF download",
    "/selection/proposals/<int:selection_id>/snapshot.json": "a JSON download",
    "/results/selections/<int:selection_id>": "a redirect to the results page, visited",
}

# (role, path template): filled from the world with str.format. Anonymous first.
PAGES = {
    "anonymous": [
        "/",
        "/login",
        "/account/forgot",
        "/account/setup/{invitation}",
        "/account/reset/{reset}",
        "/account/reset/not-a-valid-token",
        "/innovations",
        "/innovations?q=layanan",
        "/innovations/{innovation}",
        "/results/{published_comp}",
        "/results/{demo_old}",
        "/results/selections/{published}/objection",
        "/verify/{certificate_code}",
        "/verify/KIPP-NOT-A-CODE",
        "/no-such-page",
    ],
    "admin": [
        "/admin/",
        "/admin/competitions",
        "/admin/competitions/new",
        "/admin/competitions/{screening}",
        "/admin/competitions/{screening}/edit",
        "/admin/competitions/{screening}/audit",
        "/admin/audit",
        "/admin/agencies",
        "/admin/users",
        "/admin/users/{evaluator_id}",
        "/admin/screening/{screening}",
        "/admin/screening/{screening}/entries/{submitted}",
        "/admin/assignments/{judging}",
        "/admin/documents/{awarded}",
        "/admin/documents/{awarded}/certificates",
        "/admin/documents/certificates/{certificate_serial}/revoke",
        "/admin/mail",
        "/reports",
        "/profiles/themes",
        "/publication/",
        "/publication/selections/{published}",
        "/publication/selections/{published}/objections",
        "/publication/selections/{published}/amend",
        "/selection/",
        "/selection/{judging}/ranking",
        "/selection/proposals/{proposal}",
        "/account/password",
        # --- awards
        "/admin/competitions/{demo_old}/edit",
        # --- schedule
        "/schedule/",
        "/schedule/competitions/{demo_old}",
        "/schedule/competitions/{published_comp}",
        # --- group-rules
        "/admin/competitions/{open}/invitations",
        "/admin/competitions/{open}/edit",
        "/selection/{judging}/ranking?group=umum",
    ],
    "agency": [
        "/agency/",
        "/agency/competitions/{open}/entries/new",
        "/agency/entries/{draft}/edit",
        "/agency/entries/{own_submitted}/edit",
        "/agency/certificates",
        "/profiles/entries/{own_innovation}",
        "/account/password",
        # --- drafters
        "/agency/drafters/",
        # --- schedule
        "/schedule/mine",
    ],
    # --- drafters
    "drafter": [
        "/agency/",
        "/agency/entries/{drafter_draft}/edit",
        "/agency/competitions/{open}/entries/new",
    ],
    "evaluator": [
        "/panel/",
        "/panel/assignments/{sheet_draft}",
        "/panel/assignments/{sheet_done}",
        "/account/password",
    ],
    "panelist": [
        "/panel/",
        "/panel/assignments/{panel_sheet}",
        "/selection/",
        "/selection/{judging}/ranking",
        # --- schedule
        "/schedule/mine",
    ],
    "chair": [
        "/selection/",
        "/selection/{judging}/ranking",
        "/selection/proposals/{proposal}",
        "/selection/proposals/{published}",
        "/admin/competitions/{judging}/audit",
        "/panel/",
        # --- awards
        "/selection/{demo_old}/award/top5_replikasi",
        # --- schedule
        "/schedule/",
        "/schedule/competitions/{demo_old}",
        "/schedule/mine",
    ],
}
# Forms sent incomplete, per role: (page, the submit button, fields emptied first). Each comes
# back with its errors, which must be tied to their fields (see `refused`).
REFUSED = {
    "admin": [
        ("/admin/users", "main section.no-print form button.primary", ["#email", "#name"]),
        ("/admin/competitions/new", "main form button.primary", ["#name"]),
        (
            "/admin/documents/certificates/{certificate_serial}/revoke",
            "main form#revoke-form button",
            ["#reason"],
        ),
        # --- schedule
        (
            "/schedule/competitions/{published_comp}",
            "main form#generate-form button[type=submit]",
            ["#first_day"],
        ),
    ],
    "agency": [
        ("/agency/competitions/{open}/entries/new", "main form#entry-form [type=submit]", [])
    ],
    # --- drafters
    "drafter": [
        ("/agency/competitions/{open}/entries/new", "main form#entry-form [type=submit]", [])
    ],
}
# Reached by sending a form (`form_errors`), not by address.
AFTER_FORMS = ["/results/selections/{published}/objection/sent"]
EMAILS = {
    "admin": "admin@kipp.demo",
    "agency": "agency@kipp.demo",
    "evaluator": "evaluator2@kipp.demo",
    "panelist": "panelist1@kipp.demo",
    "chair": "chair@kipp.demo",
    # --- drafters
    "drafter": "drafter1@kipp.demo",
}


def build_world(make) -> dict:
    """The demo data plus the objects the pages need ids for (see the module docstring)."""
    seed()
    db.session.commit()
    users = {r: db.session.scalar(select(User).where(User.email == e)) for r, e in EMAILS.items()}
    by_email = {
        e: db.session.scalar(select(User).where(User.email == e))
        for e in ("agency2@kipp.demo", "agency3@kipp.demo", "agency4@kipp.demo")
    }
    others = list(by_email.values())
    comp = {c.name: c for c in db.session.scalars(select(Competition))}
    agency = users["agency"]
    own = db.session.scalars(select(Entry).where(Entry.agency_id == agency.agency_id)).all()
    draft = next(e for e in own if e.status == "draft" and e.competition_id == comp["KIPP 2027"].id)
    own_submitted = next(e for e in own if e.status != "draft")
    submitted = db.session.scalar(
        select(Entry).where(
            Entry.competition_id == comp["KIPP 2026"].id, Entry.status == "submitted"
        )
    )
    innovation = db.session.scalar(
        select(Entry.id).where(Entry.competition_id == comp["KIPP 2025"].id, Entry.public)
    )
    # an innovation of the demo agency in the directory: its public profile page
    own_innovation = db.session.scalar(
        select(Entry.id)
        .join(SelectionEntry, SelectionEntry.entry_id == Entry.id)
        .join(Selection, Selection.id == SelectionEntry.selection_id)
        .where(
            Entry.agency_id == agency.agency_id,
            Entry.status == "eligible",
            Selection.published_at.is_not(None),
        )
        .order_by(Entry.id)
    )
    assert own_innovation is not None, "the demo agency has an innovation in the directory"

    # a judging round: the evaluator's draft and submitted sheets, the chair's proposal
    judging = make.competition(stage="evaluation", name="KIPP Uji 1")
    ev, chair = users["evaluator"], users["chair"]
    entries = [make.entry(judging, o, status="eligible") for o in others]
    sheet_draft = assign(judging, entries[0], ev)
    save_draft(sheet_draft, full_values(sheet_draft, 70))
    sheet_done = submit_sheet(assign(judging, entries[1], ev), 80)
    submit_sheet(assign(judging, entries[2], ev), 85)
    set_stage(judging, "shortlist")
    proposal = selections.propose(chair, judging, "shortlist")
    db.session.commit()

    # a finalised, published shortlist with its objection window open and one objection,
    # then the panel round with the panelist's sheet
    panel = make.competition(stage="evaluation", name="KIPP Uji 2")
    entries = [make.entry(panel, o, status="eligible") for o in others]
    for i, entry in enumerate(entries):
        submit_sheet(assign(panel, entry, ev), 90 - i)
    set_stage(panel, "shortlist")
    shortlist = selections.propose(chair, panel, "shortlist")
    selections.finalize(chair, shortlist)
    db.session.commit()
    publish(shortlist, users["admin"])
    objections.submit(
        shortlist, entry_id=entries[0].id, name="Siti Rahayu", email="siti@example.id",
        statement=STATEMENT, ip=None,
    )  # fmt: skip
    set_stage(panel, "panel")
    panel_sheet = assign(panel, entries[0], users["panelist"], "panel")

    docs = documents_world(
        make, {"owner": agency, "other": others[0], "chair": chair, "evaluator": ev} | users
    )
    invitation = links.issue(users["admin"], make.user("evaluator"), "invitation")
    reset = links.issue(None, users["evaluator"], "reset")
    db.session.commit()
    return {
        "invitation": invitation,
        "reset": reset,
        "innovation": innovation,
        "own_innovation": own_innovation,
        "demo_old": comp["KIPP 2025"].id,
        "screening": comp["KIPP 2026"].id,
        "open": comp["KIPP 2027"].id,
        "submitted": submitted.id,
        "draft": draft.id,
        "own_submitted": own_submitted.id,
        "evaluator_id": ev.id,
        "judging": judging.id,
        "sheet_draft": sheet_draft.id,
        "sheet_done": sheet_done.id,
        "proposal": proposal.id,
        "published_comp": panel.id,
        "published": shortlist.id,
        "panel_sheet": panel_sheet.id,
        "certificate_code": docs["certificate_code"],
        "certificate_serial": docs["certificate_serial"],
        "awarded": docs["awarded_comp_id"],
        # --- drafters
        "drafter_draft": db.session.scalar(
            select(Entry.id).where(Entry.drafted_by_id == users["drafter"].id).order_by(Entry.id)
        ),
    }


# ----------------------------------------------------------------------- checks
def visit(page, base: str, path: str, lang: str = "id") -> list[str]:
    page.goto(f"{base}{path}")
    page.wait_for_load_state()
    return check_page(page, path, lang)


def login(context, base: str, email: str):
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit], main form button:not([type])").first.click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{email} could not log in"
    return page


def keyboard_journey(context, base: str, w: dict):
    """The demo agency logs in and opens its draft with the keyboard only: the skip link
    leads into the form, Enter submits it, Tab reaches the entry's link, Enter follows it."""
    page = context.new_page()
    page.goto(f"{base}/login")
    page.evaluate(FROM_THE_TOP)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["href"] == "#main"
    page.keyboard.press("Enter")  # the skip link: the next Tab starts inside <main>
    tab_to(page, "el => el.name === 'email'", limit=3)
    page.keyboard.type(EMAILS["agency"])
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path == "/agency/", page.url
    edit = f"/agency/entries/{w['draft']}/edit"
    page.evaluate(FROM_THE_TOP)
    focused = tab_to(page, f"el => el.getAttribute('href') === '{edit}'")
    assert focused["ring"], "the entry's link shows no focus"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path == edit, page.url
    return page


def refused(page, base: str, role: str, w: dict) -> list[str]:
    """Each of the role's REFUSED forms, sent incomplete, shows errors tied to its fields."""
    problems = []
    for template, button, empty in REFUSED.get(role, []):
        path = template.format(**w)
        page.goto(f"{base}{path}")
        for selector in empty:
            page.fill(selector, "")
        with page.expect_navigation():
            page.locator(button).first.click()
        page.wait_for_load_state()
        if not page.locator("[aria-invalid=true]").count():
            problems.append(f"{path} (refused): no field is marked aria-invalid")
        problems += check_page(page, f"{path} (refused)")
    return problems


def language_switches(page, base: str, path: str) -> list[str]:
    """/lang/en switches the interface to English and <html lang> with it, and back."""
    problems = []
    page.goto(f"{base}/lang/en?next={path}")
    page.wait_for_load_state()
    lang = page.evaluate("() => document.documentElement.lang")
    skip = page.locator("a[href='#main']").first.text_content() or ""
    if lang != "en" or "Skip" not in skip:
        problems.append(f"{path}: after /lang/en, lang={lang!r} and skip link {skip!r}")
    page.goto(f"{base}/lang/id?next={path}")
    page.wait_for_load_state()
    if page.evaluate("() => document.documentElement.lang") != "id":
        problems.append(f"{path}: /lang/id does not switch <html lang> back")
    return problems


def form_errors(page, base: str, w: dict) -> list[str]:
    """Forms shown again with their errors: the objection form (then sent for real, to reach
    its confirmation page) and the login form."""
    problems = []
    path = f"/results/selections/{w['published']}/objection"
    page.goto(f"{base}{path}")
    page.fill("#statement", "Terlalu pendek.")
    page.locator("main form button[type=submit], main form button:not([type])").last.click()
    page.wait_for_load_state()
    if not page.locator("[aria-invalid=true]").count():
        problems.append(f"{path} (refused): no field is marked aria-invalid")
    problems += check_page(page, f"{path} (refused)")
    page.select_option("#entry_id", index=1)
    page.fill("#name", "Siti Rahayu")
    page.fill("#email", "siti@example.id")
    page.fill("#statement", STATEMENT)
    page.locator("main form button[type=submit], main form button:not([type])").last.click()
    page.wait_for_load_state()
    if "/objection/sent" not in page.url:
        problems.append(f"{path}: the objection was not sent ({page.url})")
    problems += check_page(page, f"{path}/sent")

    page.goto(f"{base}/login")
    page.fill("input[name=email]", "admin@kipp.demo")
    page.fill("input[name=password]", "not-the-password")
    page.locator("main form button[type=submit], main form button:not([type])").first.click()
    page.wait_for_load_state()
    problems += check_page(page, "/login (refused)")
    return problems


@pytest.fixture
def world(make, docs_app):  # noqa: F811
    return build_world(make)


def test_every_page_of_every_role_is_accessible(browser, live_server, world):
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}; npm ci)")
    problems: list[str] = []
    for role, paths in PAGES.items():
        # axe is injected as an inline script, which the pages' CSP (rightly) refuses
        context = browser.new_context(bypass_csp=True, locale="id-ID")
        if role == "anonymous":
            page = context.new_page()
        elif role == "agency":
            page = keyboard_journey(context, live_server, world)
        else:
            page = login(context, live_server, EMAILS[role])
        page.set_default_timeout(20_000)
        for template in paths:
            path = template.format(**world)
            problems += [f"{role} {p}" for p in visit(page, live_server, path)]
        problems += [f"{role} {p}" for p in refused(page, live_server, role, world)]
        problems += [f"{role} {p}" for p in language_switches(page, live_server, path)]
        if role == "anonymous":
            problems += [f"{role} {p}" for p in form_errors(page, live_server, world)]
        context.close()
    assert not problems, "\n".join(problems)


def page_rules(app) -> set[str]:
    return {
        r.rule
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and not r.rule.startswith("/api/")
    }


def test_every_page_route_is_visited_or_skipped(app):
    visited = set()
    for paths in [*PAGES.values(), AFTER_FORMS]:
        for template in paths:
            path = re.sub(r"\?.*", "", template)
            visited |= {
                r.rule
                for r in app.url_map.iter_rules()
                if "GET" in r.methods and _matches(r.rule, path)
            }
    missing = sorted(page_rules(app) - visited - set(SKIP))
    assert not missing, f"page routes neither visited nor in SKIP: {missing}"
    stale = sorted(set(SKIP) - page_rules(app))
    assert not stale, f"SKIP names routes the app does not have: {stale}"


def _matches(rule: str, template: str) -> bool:
    """Whether a visited path template (ids as {names}) is an address of `rule`."""
    pattern = re.sub(r"<[^>]+>", "[^/]+", re.escape(rule).replace(r"\<", "<").replace(r"\>", ">"))
    filled = re.sub(r"\{[^}]+\}", "1", template)
    return re.fullmatch(pattern, filled) is not None
