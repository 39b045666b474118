"""The demo competition carried from screening to awarded through the JSON API alone.

Everyone acts with their own demo login (bearer tokens) exactly as an outside tool would:
the secretariat screens the rest of the queue and moves the stages, assigns reviewers
automatically; every evaluator, panelist and the chair scores what they are assigned; the
chair fixes the Top 20 (one entry taken over a higher-ranked one, with a justification)
and the Top 9; certificates are issued and the winning agency downloads its own.
"""

from __future__ import annotations

import io
import random

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kipp.audit.chain import verify
from kipp.demo import DEMO_PASSWORD, FINAL_SIZE, SHORTLIST_SIZE, seed
from kipp.extensions import db
from kipp.models import Agency, Competition, Entry, User
from tests.workers import renderers
from tests.workers.job_fixtures import docs_app  # noqa: F401  (fixture)

A = "/api/v1"
EVALUATORS = [f"evaluator{n}@kipp.demo" for n in range(1, 7)]
PANEL = [f"panelist{n}@kipp.demo" for n in range(1, 5)] + ["chair@kipp.demo"]
WINNER_AGENCY = "Kabupaten Banyuwangi"  # agency@kipp.demo's agency


class Walk:
    """Logins and helpers over the test client."""

    def __init__(self, client, comp_id: int):
        self.client, self.comp_id, self._tokens = client, comp_id, {}

    def h(self, email: str) -> dict:
        if email not in self._tokens:
            r = self.client.post(
                f"{A}/auth/tokens", json={"email": email, "password": DEMO_PASSWORD}
            )
            assert r.status_code == 201, (email, r.get_json())
            self._tokens[email] = {"Authorization": f"Bearer {r.get_json()['token']}"}
        return self._tokens[email]

    def call(self, email, method, path, status, **kw):
        r = self.client.open(f"{A}{path}", method=method, headers=self.h(email), **kw)
        assert r.status_code == status, (method, path, r.status_code, r.get_data(as_text=True))
        return r.get_json() if r.is_json else r

    def stage(self, to: str, status: int = 200, **extra):
        body = {"to": to, **extra}
        return self.call("admin@kipp.demo", "POST", f"/competitions/{self.comp_id}/stage", status,
                         json=body)  # fmt: skip


def values_for(codes: list[str], entry_id: int, email: str, favoured: bool) -> dict:
    """Deterministic, varied scores; the favoured agency's entries score high."""
    rng = random.Random(f"{entry_id}/{email}")
    low, high = (85, 100) if favoured else (40, 92)
    return {c: rng.randint(low, high) for c in codes}


def score_everything(walk: Walk, emails: list[str], round_: str, codes: list[str], favoured):
    sheets = 0
    for email in emails:
        mine = walk.call(
            email, "GET", f"/me/assignments?round={round_}&competition_id={walk.comp_id}", 200
        )
        items = mine["items"] if isinstance(mine, dict) else mine
        assert items, f"{email} has nothing to score in {round_}"
        for item in items:
            assert item["status"] == "pending"
            values = values_for(codes, item["entry_id"], email, item["entry_id"] in favoured)
            body = {"values": values, "comment": f"Penilaian {round_} oleh {email}."}
            saved = walk.call(email, "PUT", f"/assignments/{item['id']}/score", 200, json=body)
            assert saved["status"] == "draft"
            done = walk.call(email, "POST", f"/assignments/{item['id']}/score/submit", 200)
            assert done["status"] == "submitted"
            sheets += 1
    return sheets


def choose(walk: Walk, tier: str, size: int, jump: bool) -> dict:
    """The chair's proposal for `tier`: the top `size` by mean, ties decided explicitly, and
    (with `jump`) the first entry below the cut taken instead of the last one above it."""
    chair, cid = "chair@kipp.demo", walk.comp_id
    round_ = "evaluation" if tier == "shortlist" else "panel"
    ranking = walk.call(chair, "GET", f"/competitions/{cid}/ranking?round={round_}", 200)
    order = [i["entry_id"] for i in ranking["items"]]
    assert len(order) > size
    tied = ranking["cut"]["tie_at_cut"]
    above = [e for e in order[:size] if e not in tied]
    chosen = above + tied[: size - len(above)]
    justifications = {}
    if jump:
        inside = [e for e in chosen if e not in tied][-1]
        below = next(e for e in order[size:] if e not in tied)
        chosen = [e for e in chosen if e != inside] + [below]
        score = {i["entry_id"]: i["score"] for i in ranking["items"]}
        best_left_out = max(score[e] for e in order if e not in chosen)
        needing = sorted(e for e in chosen if score[e] < best_left_out)
        assert below in needing
        # without reasons the overrides are refused, naming each entry; nothing is created
        body = {"tier": tier, "entry_ids": chosen}
        err = walk.call(chair, "POST", f"/competitions/{cid}/selections", 422, json=body)
        assert err["code"] == "justification_required"
        assert sorted(int(k.split(".")[1]) for k in err["errors"]) == needing
        reason = "Satu-satunya inovasi air bersih dari wilayah kepulauan."
        justifications = {str(e): reason for e in needing}
    body = {"tier": tier, "entry_ids": chosen, "justifications": justifications}
    proposal = walk.call(chair, "POST", f"/competitions/{cid}/selections", 201, json=body)
    final = walk.call(chair, "POST", f"/selections/{proposal['id']}/finalize", 200)
    assert final["status"] == "final" and len(final["snapshot_sha256"]) == 64
    return final


@pytest.mark.usefixtures("docs_app")
def test_demo_year_from_screening_to_certificates(app, client):
    seed()
    db.session.commit()
    comp = db.session.scalar(select(Competition).where(Competition.name == "KIPP 2026"))
    walk = Walk(client, comp.id)
    admin = "admin@kipp.demo"
    assert comp.stage == "screening"
    assert (comp.shortlist_size, comp.final_size) == (SHORTLIST_SIZE, FINAL_SIZE)

    # Screening: the remaining queue, most pass; one fails with a reason.
    queue = walk.call(admin, "GET", f"/competitions/{comp.id}/entries?status=submitted", 200)
    waiting = [e["id"] for e in queue["items"]]
    assert waiting
    walk.stage("evaluation", 409)  # unscreened entries block the move
    for n, entry_id in enumerate(waiting):
        body = {"decision": "pass"} if n else {"decision": "fail", "reason_codes": ["off_theme"]}
        walk.call(admin, "POST", f"/entries/{entry_id}/screening", 200, json=body)
    walk.stage("evaluation")

    detail = walk.call(admin, "GET", f"/competitions/{comp.id}", 200)
    codes = [c["code"] for c in detail["criteria"]]
    panel_codes = [c["code"] for c in detail["panel_criteria"]]
    eligible = list(
        db.session.scalars(
            select(Entry).where(Entry.competition_id == comp.id, Entry.status == "eligible")
        )
    )
    favoured = {e.id for e in eligible if e.agency.name == WINNER_AGENCY}
    assert favoured

    # Evaluation: automatic assignment, then every evaluator scores every sheet.
    auto = walk.call(admin, "POST", f"/competitions/{comp.id}/assignments/auto", 200,
                     json={"round": "evaluation"})  # fmt: skip
    assert auto["created"] == 2 * len(eligible)
    loads = list(auto["per_reviewer"].values())
    assert max(loads) - min(loads) <= 1
    walk.stage("shortlist", 409)  # unsubmitted sheets block the move
    sheets = score_everything(walk, EVALUATORS, "evaluation", codes, favoured)
    assert sheets == 2 * len(eligible)
    walk.stage("shortlist")

    shortlist = choose(walk, "shortlist", SHORTLIST_SIZE, jump=True)
    assert len(shortlist["entries"]) == SHORTLIST_SIZE
    walk.stage("panel")

    # Panel: the four panelists and the chair score every shortlisted entry.
    auto = walk.call(admin, "POST", f"/competitions/{comp.id}/assignments/auto", 200,
                     json={"round": "panel"})  # fmt: skip
    assert auto["created"] == len(PANEL) * SHORTLIST_SIZE
    assert score_everything(walk, PANEL, "panel", panel_codes, favoured) == auto["created"]
    walk.stage("final")
    final = choose(walk, "final", FINAL_SIZE, jump=False)
    assert len(final["entries"]) == FINAL_SIZE
    walk.stage("awarded")

    # Certificates: one per shortlisted entry, at its highest tier; the agency downloads its own.
    job = walk.call(admin, "POST", f"/competitions/{comp.id}/document-jobs", 202,
                    json={"kind": "certificates"})  # fmt: skip
    assert job["total"] == SHORTLIST_SIZE
    renderers.use_real()  # real WeasyPrint from here on
    from kipp.models import DocumentItem
    from workers.documents import render_chunk

    items = list(
        db.session.scalars(select(DocumentItem.id).where(DocumentItem.job_id == job["id"]))
    )
    render_chunk(job["id"], items)
    done = walk.call(admin, "GET", f"/document-jobs/{job['id']}", 200)
    assert (done["status"], done["done"], done["failed"]) == ("done", SHORTLIST_SIZE, 0)

    finalists = {e["entry_id"] if isinstance(e, dict) else e for e in final["entries"]}
    banyuwangi = db.session.scalar(select(Agency.id).where(Agency.name == WINNER_AGENCY))
    own = [e for e in favoured if e in finalists]
    assert own, "the favoured agency's entries should reach the final tier"
    pdf = walk.call("agency@kipp.demo", "GET", f"/entries/{own[0]}/certificate", 200)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert WINNER_AGENCY in text and "Top 9" in text
    other = next(e for e in finalists if db.session.get(Entry, e).agency_id != banyuwangi)
    walk.call("agency@kipp.demo", "GET", f"/entries/{other}/certificate", 404)

    agency_user = db.session.scalar(select(User).where(User.email == "agency@kipp.demo"))
    assert agency_user.agency_id == banyuwangi
    assert verify(comp.id)["ok"]
