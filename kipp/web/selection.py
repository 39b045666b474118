"""The panel chair's ranking and selection pages; admin and panelists read them.

Guarantees
- Admin, chair and panelists read every page here; anyone else gets 403, anonymous visitors
  the login page. A panelist reads a round's ranking only once the competition has left that
  round's stage (403 before); a reader never sees the entries of agencies they conflict with
  in a ranking or a distribution (`kipp.permissions.can_view_ranking`). Only the chair
  proposes and finalises: admin and panelists get 403 on those posts. An unknown
  competition, selection or query value (round, method) is 404.
- The selection form appears only for the chair, on the raw (mean) ranking of the round that
  feeds the tier of the competition's stage (evaluation → shortlist in stage `shortlist`,
  panel → final in stage `final`), while that tier has no final selection. Its checkboxes
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

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import InputRequired

from kipp.canonical import canonical_json
from kipp.errors import DomainError
from kipp.extensions import db
from kipp.judging import selections
from kipp.judging.distribution import canonical_province, distribution, island_group
from kipp.judging.errors import TieAtCut
from kipp.judging.queries import (
    ROUND_FOR_TIER,
    TIER_FOR_ROUND,
    for_reader,
    load_infos,
    load_pool,
    proposals,
    rank_round,
    selection_overview,
)
from kipp.judging.ranking import MEAN, ZSCORE, overrides_needing_justification
from kipp.labels import AGENCY_KIND_LABELS, STAGE_LABELS
from kipp.models import ROUNDS, Competition, Selection, User
from kipp.permissions import can_select, can_view_ranking, conflicted_agencies
from kipp.web.gates import guard_blueprint

bp = Blueprint("selection_web", __name__, url_prefix="/selection")
guard_blueprint(bp, can_view_ranking)

METHODS = (MEAN, ZSCORE)
JUSTIFICATION = "justification-"  # form field prefix, followed by the entry id


class FinalizeForm(FlaskForm):
    confirm = BooleanField(
        _l("I have checked this list: freeze it for good."),
        validators=[InputRequired(_l("Tick the box to confirm."))],
    )


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
    if not can_view_ranking(current_user, comp, round_):
        abort(403)
    return _render_ranking(comp, round_, method)


def _render_ranking(
    comp: Competition,
    round_: str,
    method: str,
    *,
    checked: list[int] | None = None,
    texts: dict[int, str] | None = None,
    error: DomainError | None = None,
    status: int = 200,
):
    """The ranking page; with `checked`/`texts`/`error` it is a refused proposal coming back."""
    rr = for_reader(rank_round(comp, round_, method), conflicted_agencies(current_user))
    tier = TIER_FOR_ROUND[round_]
    final = selections.final_selection(comp, tier)
    selecting = (
        method == MEAN and can_select(current_user, comp) and comp.stage == tier and final is None
    )
    items = rr.ranking.items
    ranked = {s.entry_id for s in items}
    if checked is None:  # what the page starts from: the final selection, else the cut
        checked = [se.entry_id for se in final.entries] if final else rr.ranking.cut.selected
    chosen = set(checked) & ranked
    errors = dict(error.errors or {}) if error is not None else {}
    prefix = "justifications."  # the service's keys for missing justifications, by entry id
    marked = {
        int(k.removeprefix(prefix)): list(v)
        for k, v in errors.items()
        if k.startswith(prefix) and k.removeprefix(prefix).isdigit()
    }
    detail = [error.detail] if error is not None and error.detail else []
    rest = [m for k, v in errors.items() if not k.startswith(prefix) for m in v]
    messages = list(dict.fromkeys(detail + rest))
    need = set(overrides_needing_justification(items, chosen)) if selecting else set()
    pool = rr.ranked_infos()
    provinces = {e.province for e in rr.entries.values()}
    return render_template(
        "selection/ranking.html",
        regions={p: (canonical_province(p), island_group(p)) for p in provinces},
        kind_labels={k: str(v) for k, v in AGENCY_KIND_LABELS.items()},
        comp=comp,
        rr=rr,
        round_=round_,
        method=method,
        tier=tier,
        final=final,
        selecting=selecting,
        chosen=chosen,
        target=min(rr.ranking.cut.size, len(items)),
        need=need,
        texts=texts or {},
        marked=marked,
        tie=error.extra if isinstance(error, TieAtCut) else None,
        messages=messages,
        dist=distribution([rr.entries[e] for e in chosen], pool),
        proposals=proposals(comp, tier),
    ), status


def _posted_choices() -> tuple[list[int], dict[int, str]]:
    """The checked entry ids (in form order) and every justification typed, by entry id."""
    try:
        checked = [int(v) for v in request.form.getlist("entry_ids")]
        texts = {
            int(k.removeprefix(JUSTIFICATION)): v
            for k, v in request.form.items()
            if k.startswith(JUSTIFICATION)
        }
    except ValueError:
        abort(400)
    return checked, texts


@bp.post("/<int:competition_id>/propose")
def propose(competition_id: int):
    comp = _competition(competition_id)
    if not can_select(current_user, comp):
        abort(403)
    round_ = request.form.get("round", "evaluation")
    if round_ not in ROUNDS:
        abort(400)
    checked, texts = _posted_choices()
    as_ranked = request.form.get("action") == "top"
    given = {e: texts[e] for e in checked if texts.get(e, "").strip()}
    try:
        sel = selections.propose(
            current_user._get_current_object(),
            comp,
            TIER_FOR_ROUND[round_],
            None if as_ranked else checked,
            {} if as_ranked else given,
        )
    except DomainError as exc:
        db.session.rollback()
        return _render_ranking(
            comp, round_, MEAN, checked=checked, texts=texts, error=exc, status=exc.status
        )
    db.session.commit()
    flash(_("Proposal saved. Check it, then finalise it to freeze it."), "ok")
    return redirect(url_for(".proposal", selection_id=sel.id))


def _selection(selection_id: int) -> tuple[Selection, Competition]:
    sel = db.session.get(Selection, selection_id)
    if sel is None:
        abort(404)
    return sel, _competition(sel.competition_id)


def _criteria(sel: Selection, comp: Competition) -> list[dict]:
    """The criteria frozen in a final snapshot; the competition's current ones otherwise."""
    if sel.status == "final" and sel.snapshot and "criteria" in sel.snapshot:
        return list(sel.snapshot["criteria"])
    return [c.summary() for c in comp.round_criteria(ROUND_FOR_TIER[sel.tier])]


def _render_proposal(
    sel: Selection, comp: Competition, form: FinalizeForm, error: DomainError | None = None
):
    round_ = ROUND_FOR_TIER[sel.tier]
    infos = load_infos([se.entry_id for se in sel.entries])
    final = selections.final_selection(comp, sel.tier)
    other_final = final if final is not None and final.id != sel.id else None
    may_finalise = (
        can_select(current_user, comp)
        and sel.status == "proposed"
        and comp.stage == sel.tier
        and final is None
    )
    hidden = conflicted_agencies(current_user)  # a reader's distribution leaves out conflicts
    pool = [e for e in load_pool(comp, round_).values() if e.agency_id not in hidden]
    chosen = [infos[se.entry_id] for se in sel.entries]
    return render_template(
        "selection/proposal.html",
        sel=sel,
        comp=comp,
        round_=round_,
        infos=infos,
        author=db.session.get(User, sel.created_by_id),
        criteria=_criteria(sel, comp),
        dist=distribution([e for e in chosen if e.agency_id not in hidden], pool),
        form=form,
        may_finalise=may_finalise,
        other_final=other_final,
        error=error,
        stale=getattr(error, "code", None) == "stale_version",
    ), (error.status if error is not None else 422 if form.errors else 200)


@bp.get("/proposals/<int:selection_id>")
def proposal(selection_id: int):
    sel, comp = _selection(selection_id)
    return _render_proposal(sel, comp, FinalizeForm(formdata=None))


@bp.post("/proposals/<int:selection_id>/finalize")
def finalize(selection_id: int):
    sel, comp = _selection(selection_id)
    if not can_select(current_user, comp):
        abort(403)
    form = FinalizeForm()
    if not form.validate():
        return _render_proposal(sel, comp, form)
    try:
        selections.finalize(current_user._get_current_object(), sel)
    except DomainError as exc:
        db.session.rollback()
        return _render_proposal(sel, comp, form, exc)
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
