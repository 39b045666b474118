"""The panel chair's ranking and selection pages; admin and panelists read them (what the
pages show: `kipp.web.selection_pages`).

Guarantees
- Admin, chair and panelists read every page here; anyone else gets 403, anonymous visitors
  the login page. A panelist reads a round's ranking only once the competition has left that
  round's stage (403 before); a reader never sees the entries of agencies they conflict with
  in a ranking or a distribution (`kipp.permissions.can_view_ranking`). Only the chair
  proposes and finalises: admin and panelists get 403 on those posts. An unknown
  competition, selection or query value (round, method) is 404.
- The selection form appears only for the chair, on the raw (mean) ranking of the round that
  feeds the tier of the competition's stage (evaluation → shortlist in stage `shortlist`,
  panel → final in stage `final`; an extra award's page, its group's evaluation ranking, in
  stage `final`), while that tier has no final selection. Its checkboxes
  start at the cut: every entry above a tie is checked, the tied ones are left to the chair.
- `kipp.judging.selections` decides; this module only parses and shows. A refused proposal or
  finalisation changes nothing and the page comes back with the reason, the chair's checks
  and every justification typed (also those of entries unchecked since): 422 with the missing
  justifications marked per entry, 409 tie at the cut with the tied entries and places left,
  409 locked or stale ranking.
- Justifications are sent only for checked entries: text left under an entry the chair
  unchecked is kept on the page, never recorded.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kipp.canonical import canonical_json
from kipp.errors import DomainError
from kipp.extensions import db
from kipp.judging import selections
from kipp.judging.queries import METHODS, TIER_FOR_ROUND
from kipp.judging.ranking import MEAN
from kipp.judging.selection_queries import selection_overview
from kipp.judging.tiers import is_tier, tier_round
from kipp.labels import STAGE_LABELS
from kipp.models import ROUNDS, Competition, Selection
from kipp.permissions import can_select, can_view_ranking
from kipp.web.gates import guard_blueprint
from kipp.web.selection_pages import (
    FinalizeForm,
    posted_choices,
    render_proposal,
    render_ranking,
)

bp = Blueprint("selection_web", __name__, url_prefix="/selection")
guard_blueprint(bp, can_view_ranking)


@bp.context_processor
def _helpers():
    # Labels of flags, rounds, tiers and dimensions live in selection/_macros.html.
    return {"STAGE_LABELS": STAGE_LABELS}


def _competition(competition_id: int) -> Competition:
    comp = db.session.get(Competition, competition_id)
    if comp is None:
        abort(404)
    return comp


@bp.get("/")
def index():
    comps, tiers = selection_overview()
    return render_template(
        "selection/index.html",
        comps=comps,
        tiers=tiers,
        reached=Competition.reached,
        can_select=can_select,
        can_view_ranking=can_view_ranking,
    )


def _query_choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.args.get(name, default)
    if value not in allowed:
        abort(404)
    return value


@bp.get("/<int:competition_id>/ranking")
def ranking(competition_id: int):
    comp = _competition(competition_id)
    round_ = _query_choice("round", ROUNDS, "evaluation")
    method = _query_choice("method", METHODS, MEAN)
    group = request.args.get("group") or None
    if group is not None and comp.group(group) is None:
        abort(404)
    if not can_view_ranking(current_user, comp, round_):
        abort(403)
    return render_ranking(comp, round_, method, group=group)


@bp.get("/<int:competition_id>/award/<code>")
def award_ranking(competition_id: int, code: str):
    """An extra award's ranking: its group's evaluation ranking, cut at the award's size."""
    comp = _competition(competition_id)
    if comp.extra_award(code) is None:
        abort(404)
    method = _query_choice("method", METHODS, MEAN)
    if not can_view_ranking(current_user, comp, "evaluation"):
        abort(403)
    return render_ranking(comp, "evaluation", method, tier=code)


@bp.post("/<int:competition_id>/propose")
def propose(competition_id: int):
    comp = _competition(competition_id)
    if not can_select(current_user, comp):
        abort(403)
    round_ = request.form.get("round", "evaluation")
    if round_ not in ROUNDS:
        abort(400)
    tier = request.form.get("tier") or TIER_FOR_ROUND[round_]
    if not is_tier(comp, tier) or tier_round(tier) != round_:
        abort(400)
    checked, texts = posted_choices("entry_ids")
    as_ranked = request.form.get("action") == "top"
    given = {e: texts[e] for e in checked if texts.get(e, "").strip()}
    try:
        sel = selections.propose(
            current_user._get_current_object(),
            comp,
            tier,
            None if as_ranked else checked,
            {} if as_ranked else given,
        )
    except DomainError as exc:
        db.session.rollback()
        return render_ranking(
            comp,
            round_,
            MEAN,
            checked=checked,
            texts=texts,
            error=exc,
            status=exc.status,
            tier=tier,
        )
    db.session.commit()
    flash(_("Proposal saved. Check it, then finalise it to freeze it."), "ok")
    return redirect(url_for(".proposal", selection_id=sel.id))


def _selection(selection_id: int) -> tuple[Selection, Competition]:
    sel = db.session.get(Selection, selection_id)
    if sel is None:
        abort(404)
    return sel, _competition(sel.competition_id)


@bp.get("/proposals/<int:selection_id>")
def proposal(selection_id: int):
    sel, comp = _selection(selection_id)
    return render_proposal(sel, comp, FinalizeForm(formdata=None))


@bp.post("/proposals/<int:selection_id>/finalize")
def finalize(selection_id: int):
    sel, comp = _selection(selection_id)
    if not can_select(current_user, comp):
        abort(403)
    form = FinalizeForm()
    if not form.validate():
        return render_proposal(sel, comp, form)
    try:
        selections.finalize(current_user._get_current_object(), sel)
    except DomainError as exc:
        db.session.rollback()
        return render_proposal(sel, comp, form, exc)
    db.session.commit()
    flash(_("The selection is final. Its snapshot hash is shown below."), "ok")
    return redirect(url_for(".proposal", selection_id=sel.id))


@bp.get("/proposals/<int:selection_id>/snapshot.json")
def snapshot(selection_id: int):
    """The frozen record, byte for byte the text whose SHA-256 is shown (final only)."""
    sel, _comp = _selection(selection_id)
    if sel.status != "final" or sel.snapshot is None:
        abort(404)
    text = canonical_json(sel.snapshot)
    name = f"kipp-selection-{sel.id}-{sel.tier}.json"
    return Response(
        text.encode("utf-8"),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
