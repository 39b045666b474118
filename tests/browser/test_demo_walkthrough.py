"""The demo competition carried from screening to awarded in a real browser.

The demo accounts act through the pages (chromium, CSRF on, JavaScript on): the secretariat
screens the rest of the queue (one entry failed with a reason on its own page, the others
passed at once), moves every stage on the competition page and assigns each round
automatically; evaluator2 scores every one of their evaluation sheets and panelist1 every
one of their panel sheets on the scoring page; the chair fixes the Top 20 on the ranking
page (one entry below the cut taken over the last one above it, justified) and the Top 9,
each proposal finalised with its SHA-256 shown; the secretariat starts the certificates
job on the documents page and the demo agency downloads its certificate.

To keep the test short, the other evaluators', panelists' and the chair's own score sheets
are written through the JSON API with each reviewer's own token (as in
tests/services/test_demo_walkthrough.py), and the certificates job's documents are rendered
by calling the worker task in this process with the real PDF renderer (no Celery worker
runs here).
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

import workers.documents  # noqa: F401  (registers the render task)
from kipp.audit.chain import verify
from kipp.demo import FINAL_SIZE, SHORTLIST_SIZE, seed
from kipp.documents.celery_app_factory import RENDER_CHUNK
from kipp.extensions import db
from kipp.models import Assignment, Certificate, Competition, DocumentItem, Entry, Selection
from tests.browser import demo_steps as steps
from tests.services.test_demo_walkthrough import (
    EVALUATORS,
    PANEL,
    WINNER_AGENCY,
    Walk,
    score_everything,
    values_for,
)
from tests.workers import renderers

ADMIN = ("admin@kipp.demo", "Tim Sekretariat KIPP")
EVALUATOR = ("evaluator2@kipp.demo", "Dr. Ni Made Ayu Lestari")
PANELIST = ("panelist1@kipp.demo", "Prof. Dr. Suryadi Kartanegara")
CHAIR = ("chair@kipp.demo", "Prof. Dr. Hendra Gunawan Saputra")
AGENCY = ("agency@kipp.demo", "Dwi Handayani")
REASON = "Satu-satunya inovasi air bersih dari wilayah kepulauan."


def fresh():
    db.session.expire_all()
    db.session.rollback()


def final_selection(comp_id: int, tier: str) -> Selection:
    fresh()
    return db.session.scalar(
        select(Selection).where(
            Selection.competition_id == comp_id,
            Selection.tier == tier,
            Selection.status == "final",
        )
    )


def sheet_values(email: str, favoured: set[int]):
    """The scores `email` types on the sheet of an assignment (varied, favoured ones high)."""

    def values(assignment_id: int, codes: list[str]) -> dict[str, int]:
        entry_id = db.session.get(Assignment, assignment_id).entry_id
        return values_for(codes, entry_id, email, entry_id in favoured)

    return values


@pytest.mark.parametrize("keyboard", [False, True], ids=["mouse", "keyboard"])
def test_demo_year_in_the_browser(app, client, page, live_server, keyboard):
    """The walkthrough, once with the mouse and once by keyboard only (steps.Hands)."""
    page.set_default_timeout(steps.WAIT)
    steps.use(page, steps.Hands(keyboard=keyboard))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    seed()
    db.session.commit()
    comp = db.session.scalar(select(Competition).where(Competition.name == "KIPP 2026"))
    cid, base, walk = comp.id, live_server, Walk(client, comp.id)
    assert comp.stage == "screening"

    # Secretariat: the unscreened entries block the move; screen them in the queue.
    steps.login(page, base, *ADMIN)
    before = steps.competition_counts(page, base, cid)
    assert before["submitted"] > 1
    assert steps.blockers(page, base, cid)
    screened = steps.screen_queue(page, base, cid, "off_theme", "Bukan inovasi pelayanan.")
    after = steps.competition_counts(page, base, cid)
    assert after["submitted"] == 0
    assert after["ineligible"] == before["ineligible"] + 1
    assert after["eligible"] == before["eligible"] + before["submitted"] - 1
    fresh()
    failed = db.session.get(Entry, screened["failed"])
    assert (failed.status, failed.screening_reasons) == ("ineligible", ["off_theme"])
    assert {db.session.get(Entry, e).status for e in screened["passed"]} == {"eligible"}
    eligible = after["eligible"]
    steps.move_stage(page, base, cid, "evaluation")

    favoured = {
        e.id
        for e in db.session.scalars(
            select(Entry).where(Entry.competition_id == cid, Entry.status == "eligible")
        )
        if e.agency.name == WINNER_AGENCY
    }
    assert favoured

    # Evaluation: automatic assignment, evaluator2 in the browser, the others by API.
    cover = steps.auto_assign(page, base, cid, "evaluation")
    assert (cover["entries"], cover["assignments"], cover["short"]) == (
        eligible,
        2 * eligible,
        0,
    )
    assert cover["max_load"] - cover["min_load"] <= 1
    assert steps.blockers(page, base, cid)  # unsubmitted sheets block the shortlist
    steps.login(page, base, *EVALUATOR)
    email = EVALUATOR[0]
    totals = steps.score_all(
        page, base, cid, "evaluation", sheet_values(email, favoured), "Inovasi yang terukur."
    )
    fresh()
    mine = db.session.scalars(select(Assignment).where(Assignment.id.in_(totals))).all()
    assert {a.status for a in mine} == {"submitted"}
    assert {a.id: f"{a.total:.2f}" for a in mine} == totals
    codes = [c.code for c in comp.round_criteria("evaluation")]
    others = [e for e in EVALUATORS if e != email]
    by_api = score_everything(walk, others, "evaluation", codes, favoured)
    assert by_api + len(totals) == 2 * eligible

    steps.login(page, base, *ADMIN)
    steps.move_stage(page, base, cid, "shortlist")

    # The chair fixes the Top 20 with one justified override.
    steps.login(page, base, *CHAIR)
    short = steps.select_tier(page, base, cid, "evaluation", SHORTLIST_SIZE, REASON)
    sel = final_selection(cid, "shortlist")
    assert sel.id == short["selection_id"] and sel.snapshot_sha256 == short["sha256"]
    recorded = {se.entry_id: se.justification for se in sel.entries}
    assert sorted(recorded) == short["chosen"] and len(recorded) == SHORTLIST_SIZE
    assert recorded[short["taken"]] == REASON and short["left_out"] not in recorded

    # Panel: the secretariat assigns the round; panelist1 in the browser, the rest by API.
    steps.login(page, base, *ADMIN)
    steps.move_stage(page, base, cid, "panel")
    cover = steps.auto_assign(page, base, cid, "panel")
    assert (cover["entries"], cover["assignments"], cover["short"]) == (
        SHORTLIST_SIZE,
        len(PANEL) * SHORTLIST_SIZE,
        0,
    )
    steps.login(page, base, *PANELIST)
    email = PANELIST[0]
    totals = steps.score_all(
        page, base, cid, "panel", sheet_values(email, favoured), "Presentasi meyakinkan."
    )
    assert len(totals) == SHORTLIST_SIZE
    panel_codes = [c.code for c in comp.round_criteria("panel")]
    others = [e for e in PANEL if e != email]
    assert score_everything(walk, others, "panel", panel_codes, favoured) == (
        len(others) * SHORTLIST_SIZE
    )

    steps.login(page, base, *ADMIN)
    steps.move_stage(page, base, cid, "final")
    steps.login(page, base, *CHAIR)
    top = steps.select_tier(page, base, cid, "panel", FINAL_SIZE, None)
    sel = final_selection(cid, "final")
    assert sel.snapshot_sha256 == top["sha256"]
    finalists = sorted(se.entry_id for se in sel.entries)
    assert finalists == top["chosen"] and len(finalists) == FINAL_SIZE
    assert set(finalists) <= set(short["chosen"])

    # Awarded: certificates for the shortlist, rendered for real, watched on the page.
    steps.login(page, base, *ADMIN)
    steps.move_stage(page, base, cid, "awarded")
    job_id = steps.start_certificates(page, base, cid, SHORTLIST_SIZE)
    items = list(db.session.scalars(select(DocumentItem.id).where(DocumentItem.job_id == job_id)))
    assert len(items) == SHORTLIST_SIZE
    renderers.use_real()  # the real renderer
    # The task of this app, so it runs with this app's configuration (a bare call to
    # workers.documents.render_chunk would run in the live server's app, the latest made).
    app.extensions["celery"].tasks[RENDER_CHUNK](job_id, items)
    steps.watch_job_finish(page, job_id, SHORTLIST_SIZE)

    # The demo agency finds its certificates and downloads one.
    fresh()
    own = sorted(e for e in short["chosen"] if e in favoured)
    own_finalists = [e for e in own if e in finalists]
    assert own_finalists, "the favoured agency's entries should reach the final tier"
    steps.login(page, base, *AGENCY)
    page.goto(f"{base}/agency/certificates")
    rows = page.locator("tr[id^=certificate-]")
    steps.see(rows.first, "Download PDF")
    assert rows.count() == len(own)
    cert = db.session.scalar(select(Certificate).where(Certificate.entry_id == own_finalists[0]))
    row = page.locator(f"#certificate-{cert.serial}")
    steps.see(row, "Top 9")
    with page.expect_download() as download:
        steps.hands(page).click(page, row.get_by_role("link", name="Download"))
    assert download.value.suggested_filename == f"{cert.serial}.pdf"
    with open(download.value.path(), "rb") as fh:
        pdf = fh.read()
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert WINNER_AGENCY in text and "Top 9" in text

    fresh()
    assert db.session.get(Competition, cid).stage == "awarded"
    assert verify(cid)["ok"]
    assert errors == []
