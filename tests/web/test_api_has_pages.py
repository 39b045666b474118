"""Every API operation a person needs has a page (issue 15, item 1: everything in the browser).

Each operation of /api/v1 (method and rule, from the app's URL map: the same set the OpenAPI
document describes) is either in PAGES, mapped to the page routes (endpoints) where a person
does or reads the same thing, or in API_ONLY with the reason no page is needed. The test fails
when an operation is in neither (a new operation nobody can reach in the browser), in both, or
listed but gone; when a mapped page endpoint does not exist or does not answer the method (a
read needs a GET page, a change a POST form); and, for an operation the pages use directly
(a download link, a polled progress URL, the editor's autosave), when the page's template no
longer links it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

A = "/api/v1"
TEMPLATES = Path(__file__).resolve().parents[2] / "kipp" / "templates"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def page(*endpoints: str) -> tuple[tuple[str, str | None], ...]:
    """Page endpoints that do the operation's work themselves."""
    return tuple((e, None) for e in endpoints)


def linked(*pairs: tuple[str, str]) -> tuple[tuple[str, str | None], ...]:
    """(page endpoint, template) pairs: the page's template links the API operation itself."""
    return tuple(pairs)


PAGES: dict[tuple[str, str], tuple[tuple[str, str | None], ...]] = {
    # --- accounts and links
    ("POST", f"{A}/auth/invitations/accept"): page("account_links.setup"),
    ("POST", f"{A}/auth/password-reset"): page("account_links.forgot"),
    ("POST", f"{A}/auth/password-reset/confirm"): page("account_links.reset"),
    ("GET", f"{A}/agencies"): page("admin.agencies"),
    ("POST", f"{A}/agencies"): page("admin.agencies"),
    ("GET", f"{A}/agencies/<int:agency_id>"): page("admin.agencies"),
    ("GET", f"{A}/users"): page("admin.users"),
    ("POST", f"{A}/users"): page("admin.users"),
    ("GET", f"{A}/users/<int:user_id>"): page("admin.user_edit"),
    ("PATCH", f"{A}/users/<int:user_id>"): page("admin.user_edit"),
    ("POST", f"{A}/users/<int:user_id>/conflicts"): page("admin.add_conflict"),
    # --- competitions and audit
    ("GET", f"{A}/competitions"): page("admin.competitions"),
    ("POST", f"{A}/competitions"): page("admin.competition_new"),
    ("GET", f"{A}/competitions/<int:competition_id>"): page("admin.competition"),
    ("PATCH", f"{A}/competitions/<int:competition_id>"): page("admin.competition_edit"),
    ("POST", f"{A}/competitions/<int:competition_id>/stage"): page("admin.competition_stage"),
    ("GET", f"{A}/competitions/<int:competition_id>/audit"): page("admin.competition_audit"),
    ("GET", f"{A}/competitions/<int:competition_id>/audit/verify"): page("admin.competition_audit"),
    ("GET", f"{A}/audit"): page("admin.global_audit"),
    ("GET", f"{A}/audit/verify"): page("admin.global_audit"),
    # --- entries and screening
    ("GET", f"{A}/competitions/<int:competition_id>/entries"): page(
        "agency.dashboard", "screening.queue"
    ),
    ("POST", f"{A}/competitions/<int:competition_id>/entries"): page("agency.new_entry"),
    ("GET", f"{A}/entries/<int:entry_id>"): page("agency.edit_entry", "screening.entry"),
    ("PATCH", f"{A}/entries/<int:entry_id>"): page("agency.edit_entry")
    + linked(("agency.edit_entry", "agency/entry_form.html")),  # the editor's autosave
    ("POST", f"{A}/entries/<int:entry_id>/attachments"): page("agency.upload"),
    ("GET", f"{A}/attachments/<int:attachment_id>"): page("agency.download")
    + linked(("screening.entry", "_proposal.html"), ("panel.score", "_proposal.html")),
    ("DELETE", f"{A}/attachments/<int:attachment_id>"): page("agency.delete_attachment"),
    ("POST", f"{A}/entries/<int:entry_id>/submit"): page("agency.submit_entry"),
    ("POST", f"{A}/entries/<int:entry_id>/screening"): page("screening.entry"),
    ("POST", f"{A}/competitions/<int:competition_id>/screening/bulk"): page("screening.bulk"),
    ("GET", f"{A}/screening-reasons"): page("screening.entry"),
    # --- judging
    ("GET", f"{A}/competitions/<int:competition_id>/assignments"): page("assignments_web.index"),
    ("POST", f"{A}/competitions/<int:competition_id>/assignments/auto"): page(
        "assignments_web.auto"
    ),
    ("GET", f"{A}/competitions/<int:competition_id>/assignments/loads"): page(
        "assignments_web.index"
    ),
    ("POST", f"{A}/assignments"): page("assignments_web.manual"),
    ("GET", f"{A}/assignments/<int:assignment_id>"): page("panel.score"),
    ("DELETE", f"{A}/assignments/<int:assignment_id>"): page("assignments_web.delete"),
    ("GET", f"{A}/assignments/<int:assignment_id>/score"): page("panel.score"),
    ("PUT", f"{A}/assignments/<int:assignment_id>/score"): page("panel.save")
    + linked(("panel.score", "panel/score.html")),  # the sheet's autosave
    ("POST", f"{A}/assignments/<int:assignment_id>/score/submit"): page("panel.submit"),
    ("POST", f"{A}/assignments/<int:assignment_id>/score/reopen"): page("assignments_web.reopen"),
    ("GET", f"{A}/me/assignments"): page("panel.assignments"),
    # --- ranking, selections and exports
    ("GET", f"{A}/competitions/<int:competition_id>/ranking"): page("selection_web.ranking"),
    ("GET", f"{A}/competitions/<int:competition_id>/selections"): page("selection_web.ranking"),
    ("POST", f"{A}/competitions/<int:competition_id>/selections"): page("selection_web.propose"),
    ("GET", f"{A}/selections/<int:selection_id>"): page("selection_web.proposal"),
    ("POST", f"{A}/selections/<int:selection_id>/finalize"): page("selection_web.finalize"),
    ("GET", f"{A}/selections/<int:selection_id>/snapshot"): page("selection_web.snapshot"),
    ("GET", f"{A}/competitions/<int:competition_id>/results.csv"): linked(
        ("admin.competition", "admin/competition.html"),
        ("selection_web.ranking", "selection/ranking.html"),
    ),
    ("GET", f"{A}/competitions/<int:competition_id>/results.xlsx"): linked(
        ("admin.competition", "admin/competition.html"),
        ("selection_web.ranking", "selection/ranking.html"),
    ),
    # --- documents
    ("POST", f"{A}/competitions/<int:competition_id>/document-jobs"): page("documents_web.start"),
    ("GET", f"{A}/document-jobs/<int:job_id>"): linked(
        ("documents_web.index", "admin_documents/jobs.html")  # its progress bars poll it
    ),
    ("GET", f"{A}/entries/<int:entry_id>/score-sheet"): linked(
        ("screening.entry", "screening/entry.html"),
        ("panel.score", "panel/score.html"),
        ("selection_web.ranking", "selection/ranking.html"),
        ("selection_web.proposal", "selection/proposal.html"),
    ),
    ("GET", f"{A}/entries/<int:entry_id>/agency-score-sheet"): linked(
        ("agency.dashboard", "agency/dashboard.html")  # the agency's results
    ),
    ("GET", f"{A}/selections/<int:selection_id>/recap"): linked(
        ("selection_web.proposal", "selection/proposal.html")
    ),
    ("GET", f"{A}/certificates/<code>"): page("verify.verify"),
    ("POST", f"{A}/certificates/<serial>/revoke"): page("documents_web.revoke"),
    ("GET", f"{A}/entries/<int:entry_id>/certificate"): page(
        "agency_certificates.download", "documents_web.certificate_list"
    ),
    # --- mail
    ("GET", f"{A}/mail"): page("outbox.index"),
    ("POST", f"{A}/mail/<int:mail_id>/retry"): page("outbox.retry"),
    # --- publication and the public side
    ("POST", f"{A}/selections/<int:selection_id>/publish"): page("publication.publish"),
    ("GET", f"{A}/selections/<int:selection_id>/objections"): page("publication.objection_list"),
    ("POST", f"{A}/objections/<int:objection_id>/decision"): page("publication.decide"),
    ("POST", f"{A}/selections/<int:selection_id>/amend"): page("publication.amend"),
    ("POST", f"{A}/selections/<int:selection_id>/decree"): page("publication.decree"),
    ("POST", f"{A}/selections/<int:selection_id>/decree/file"): page("publication.decree_file"),
    ("GET", f"{A}/public/competitions"): page("web.home"),
    ("GET", f"{A}/public/selections/<int:selection_id>"): page("public.results"),
    ("GET", f"{A}/public/selections/<int:selection_id>/objections"): page("public.results"),
    ("POST", f"{A}/public/selections/<int:selection_id>/objections"): page("public.objection"),
    ("GET", f"{A}/public/results.csv"): linked(("public.results", "public/results.html")),
    ("GET", f"{A}/public/innovations"): page("directory.search"),
    ("GET", f"{A}/public/innovations/<int:innovation_id>"): page("directory.show"),
    ("GET", f"{A}/public/innovations.csv"): linked(("directory.search", "directory/search.html")),
    # --- themes, profiles and flags (issue 13/14 features)
    ("GET", f"{A}/themes"): page("profiles.themes"),
    ("POST", f"{A}/themes"): page("profiles.themes"),
    ("GET", f"{A}/public/themes"): page("directory.search"),
    ("GET", f"{A}/entries/<int:entry_id>/profile"): page("profiles.entry"),
    ("PUT", f"{A}/entries/<int:entry_id>/profile"): page("profiles.entry"),
    ("GET", f"{A}/entries/<int:entry_id>/flags"): page("screening.queue"),
    # --- group-rules
    ("POST", f"{A}/competitions/<int:competition_id>/invitations"): page("invitations.index"),
    ("GET", f"{A}/competitions/<int:competition_id>/invitations"): page("invitations.index"),
    ("DELETE", f"{A}/invitations/<int:invitation_id>"): page("invitations.delete"),
    # --- drafters
    ("GET", f"{A}/agency/drafters"): page("drafts.index"),
    ("POST", f"{A}/agency/drafters"): page("drafts.invite"),
    ("PATCH", f"{A}/agency/drafters/<int:user_id>"): page("drafts.set_active"),
    # --- schedule
    ("POST", f"{A}/competitions/<int:competition_id>/schedule"): page("schedule.generate"),
    ("GET", f"{A}/competitions/<int:competition_id>/schedule"): page("schedule.competition"),
    ("PATCH", f"{A}/schedule-slots/<int:slot_id>"): page("schedule.move"),
    ("GET", f"{A}/me/schedule"): page("schedule.mine"),
    ("GET", f"{A}/schedule/me.ics"): linked(
        ("schedule.mine", "schedule/mine.html"),
        ("agency.dashboard", "schedule/_agency_slots.html"),
    ),
}

API_ONLY: dict[tuple[str, str], str] = {
    ("POST", f"{A}/auth/tokens"): "token exchange for API clients; people log in at /login",
    ("DELETE", f"{A}/auth/tokens/current"): "revokes the caller's API token; people log out "
    "with POST /logout",
    ("GET", f"{A}/users/me"): "JSON convenience for API clients (who am I); the pages name the "
    "logged-in person in the header",
    ("GET", f"{A}/openapi.json"): "the machine-readable API contract, for programs",
}


def api_operations(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(f"{A}/"):
            found |= {(m, rule.rule) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def page_methods(app) -> dict[str, set[str]]:
    """Endpoint → methods of every page route (outside /api and /static)."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/static/")):
            continue
        found.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return found


def test_every_api_operation_has_a_page_or_a_reason(app):
    ops = api_operations(app)
    both = sorted(set(PAGES) & set(API_ONLY))
    assert not both, f"operations both mapped to pages and API-only: {both}"
    missing = sorted(ops - set(PAGES) - set(API_ONLY))
    assert not missing, (
        "API operations with no page: add the page, or map them in PAGES to the page that does "
        f"the same, or list them in API_ONLY with the reason: {missing}"
    )
    stale = sorted((set(PAGES) | set(API_ONLY)) - ops)
    assert not stale, f"listed operations the app does not have: {stale}"
    assert all(reason.strip() for reason in API_ONLY.values())


@pytest.mark.parametrize("op", sorted(PAGES), ids=[f"{m} {r}" for m, r in sorted(PAGES)])
def test_mapped_pages_exist_and_answer_the_method(app, op):
    method, _rule = op
    pages = page_methods(app)
    need = "POST" if method in WRITES else "GET"
    assert PAGES[op], op
    for endpoint, _template in PAGES[op]:
        assert endpoint in pages, f"{op}: no page endpoint {endpoint!r}"
        if _template is None:  # the page does the work: a GET page for a read, a form for a write
            assert need in pages[endpoint], f"{op}: {endpoint} does not answer {need}"
        else:  # the page links the operation: a page to look at
            assert "GET" in pages[endpoint], f"{op}: {endpoint} is not a page"


# Template globals that build an operation's link (kipp/web/certificate_admin.py).
HELPERS = {"api_documents.score_sheet_pdf": "score_sheet_url("}

LINKS = [
    (op, endpoint, template)
    for op, targets in sorted(PAGES.items())
    for endpoint, template in targets
    if template is not None
]


@pytest.mark.parametrize(
    "op,endpoint,template", LINKS, ids=[f"{o[0]} {o[1]} in {t}" for o, _e, t in LINKS]
)
def test_pages_link_the_operations_they_use(app, op, endpoint, template):
    """The template names the API endpoint (url_for), the template global that builds its
    link, or, for a fixed address, its path."""
    method, rule = op
    api_endpoint = next(
        r.endpoint for r in app.url_map.iter_rules() if r.rule == rule and method in r.methods
    )
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    helper = HELPERS.get(api_endpoint)
    named = f"url_for('{api_endpoint}'" in text or (helper is not None and helper in text)
    assert named or ("<" not in rule and f'"{rule}' in text), (
        f"{template} (page {endpoint}) no longer links {method} {rule}"
    )
