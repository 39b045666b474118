"""What the ranking and proposal pages show (`kipp.web.selection` routes requests here).

Guarantees: nothing here writes. A reader never sees the entries or the distribution share of
agencies they conflict with. The selection form is offered only to the chair, on the mean
ranking of the round that feeds the tier of the competition's stage, while that tier has no
final selection; its checkboxes start at the final selection, else at the cut. A refused
proposal comes back with the chair's checks, every justification typed, the missing
justifications marked per entry and the reasons listed once each.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import InputRequired

from kipp.errors import DomainError
from kipp.extensions import db
from kipp.judging import selections
from kipp.judging.distribution import canonical_province, distribution, island_group
from kipp.judging.errors import TieAtCut
from kipp.judging.queries import (
    TIER_FOR_ROUND,
    for_reader,
    load_infos,
    load_pool,
    rank_round,
    selection_criteria,
)
from kipp.judging.ranking import MEAN, needing_justification
from kipp.judging.selection_queries import proposals
from kipp.judging.tiers import tier_group, tier_ranking, tier_round, tier_stage
from kipp.labels import AGENCY_KIND_LABELS, TIER_LABELS
from kipp.models import Competition, Selection, User
from kipp.permissions import can_select, conflicted_agencies

JUSTIFICATION = "justification-"  # form field prefix, followed by the entry id


def posted_choices(field: str) -> tuple[list[int], dict[int, str]]:
    """The entry ids checked in `field` (in form order) and every justification typed, by
    entry id, from a ranking's or an amendment's form; 400 when an id is not a number."""
    try:
        checked = [int(v) for v in request.form.getlist(field)]
        texts = {
            int(k.removeprefix(JUSTIFICATION)): v
            for k, v in request.form.items()
            if k.startswith(JUSTIFICATION)
        }
    except ValueError:
        abort(400)
    return checked, texts


class FinalizeForm(FlaskForm):
    confirm = BooleanField(
        _l("I have checked this list: freeze it for good."),
        validators=[InputRequired(_l("Tick the box to confirm."))],
    )


def render_ranking(
    comp: Competition,
    round_: str,
    method: str,
    *,
    checked: list[int] | None = None,
    texts: dict[int, str] | None = None,
    error: DomainError | None = None,
    status: int = 200,
    group: str | None = None,
    tier: str | None = None,
):
    """The ranking page; with `checked`/`texts`/`error` it is a refused proposal coming back.
    With `group` it ranks that group's entries only, read-only (selections take the round).
    With `tier` an extra award's code: that award's ranking (its group, its size)."""
    tier = tier or TIER_FOR_ROUND[round_]
    award = comp.extra_award(tier)
    ranked_by = (
        tier_ranking(comp, tier, method) if award else rank_round(comp, round_, method, group)
    )
    rr = for_reader(ranked_by, conflicted_agencies(current_user))
    final = selections.final_selection(comp, tier)
    selecting = (
        method == MEAN
        and group is None
        and can_select(current_user, comp)
        and comp.stage == tier_stage(tier)
        and final is None
    )
    items = rr.ranking.items
    ranked = {s.entry_id for s in items}
    if checked is None:  # what the page starts from: the final selection, else the cut
        checked = [se.entry_id for se in final.entries] if final else rr.ranking.cut.selected
    chosen = set(checked) & ranked
    marked, messages = _refusal(error)
    need = set(needing_justification(items, chosen)) if selecting else set()
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
        group=group,
        tier=tier,
        award=award,
        tier_label=tier_label(comp, tier),
        tier_stage=tier_stage(tier),
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


def _refusal(error: DomainError | None) -> tuple[dict[int, list], list]:
    """A refused proposal as ({entry id: its missing-justification messages}, the other
    messages, the detail first, each once)."""
    errors = dict(error.errors or {}) if error is not None else {}
    prefix = "justifications."  # the service's keys for missing justifications, by entry id
    marked = {
        int(k.removeprefix(prefix)): list(v)
        for k, v in errors.items()
        if k.startswith(prefix) and k.removeprefix(prefix).isdigit()
    }
    detail = [error.detail] if error is not None and error.detail else []
    rest = [m for k, v in errors.items() if not k.startswith(prefix) for m in v]
    return marked, list(dict.fromkeys(detail + rest))


def tier_label(comp: Competition, tier: str) -> str:
    """The tier's name on the pages: the built-in label, or the extra award's own label."""
    award = comp.extra_award(tier)
    return award.label if award is not None else str(TIER_LABELS.get(tier, tier))


def render_proposal(
    sel: Selection, comp: Competition, form: FinalizeForm, error: DomainError | None = None
):
    round_ = tier_round(sel.tier)
    infos = load_infos([se.entry_id for se in sel.entries])
    final = selections.final_selection(comp, sel.tier)
    other_final = final if final is not None and final.id != sel.id else None
    may_finalise = (
        can_select(current_user, comp)
        and sel.status == "proposed"
        and comp.stage == tier_stage(sel.tier)
        and final is None
    )
    hidden = conflicted_agencies(current_user)  # a reader's distribution leaves out conflicts
    pool_of = load_pool(comp, round_, tier_group(comp, sel.tier))
    pool = [e for e in pool_of.values() if e.agency_id not in hidden]
    chosen = [infos[se.entry_id] for se in sel.entries]
    return render_template(
        "selection/proposal.html",
        sel=sel,
        comp=comp,
        round_=round_,
        tier_label=tier_label(comp, sel.tier),
        tier_stage=tier_stage(sel.tier),
        infos=infos,
        author=db.session.get(User, sel.created_by_id),
        criteria=selection_criteria(sel, comp),
        dist=distribution([e for e in chosen if e.agency_id not in hidden], pool),
        form=form,
        may_finalise=may_finalise,
        other_final=other_final,
        error=error,
        stale=getattr(error, "code", None) == "stale_version",
    ), (error.status if error is not None else 422 if form.errors else 200)
