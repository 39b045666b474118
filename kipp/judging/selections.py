"""The chair's selections: propose a shortlist, final tier or extra award, then finalise it.

Guarantees
- Tier `shortlist` is chosen in stage `shortlist` from the evaluation ranking (eligible
  entries); tier `final` in stage `final` from the panel ranking of the finalised shortlist;
  an extra award (its code) in stage `final` from the evaluation ranking of its group
  (`kipp.judging.tiers`). All rank by the raw `mean`. Another stage raises InvalidStage, an
  unknown tier ValidationFailed; nothing is written.
- Without `entry_ids` the top `size` entries are taken; a cut that splits equal scores raises
  TieAtCut with `tied` (entry ids) and `places_left` (how many of them fit): a tie is never
  decided silently.
- With `entry_ids` the chair must choose exactly `size` ranked entries (all of them when fewer
  are ranked). An entry taking a place over a strictly higher-scored one needs a justification
  of at least 20 characters (JustificationRequired lists the entries), and so does an entry
  scoring below the competition's pass mark (`kipp.judging.selection_rules`); a justification
  given for any other chosen entry is recorded as well.
- Every proposal is kept (history); at most one selection per tier is ever final. A proposal's
  `snapshot` holds only `ranking_sha256`, the digest of the ranking it was made on; if the
  ranking changed since (a sheet reopened and rescored), finalising raises StaleVersion and the
  chair proposes again. Finalising freezes a canonical snapshot of the ranking rows, the
  choices, the justifications, the round's criteria and weights, tier, size and competition,
  and stores its SHA-256. A final
  selection never changes: finalising it again, or finalising another proposal of a tier that
  already has a final one, raises Locked — also when two chairs race (the database's partial
  unique index decides; the loser gets Locked).
- Each proposal and finalisation appends its audit event (`selection.propose`,
  `selection.finalize` with the hash) to the competition's chain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from kipp.audit.chain import record
from kipp.clock import now
from kipp.errors import InvalidStage, Locked, StaleVersion, ValidationFailed
from kipp.extensions import db
from kipp.judging.queries import RoundRanking, criteria_summaries
from kipp.judging.ranking import MEAN, needing_justification
from kipp.judging.selection_rules import (
    missing_justifications,
    parse_justifications,
    require_justifications,
    tie_at_cut,
)
from kipp.judging.snapshot import canonical_snapshot, snapshot_sha256
from kipp.judging.tiers import is_tier, tier_ranking, tier_size, tier_stage
from kipp.models import Competition, Selection, SelectionEntry, User

__all__ = [
    "build_snapshot",
    "final_selection",
    "finalize",
    "propose",
    "ranking_digest",
    "tier_size",
]


def final_selection(comp: Competition, tier: str) -> Selection | None:
    return db.session.scalar(
        select(Selection).where(
            Selection.competition_id == comp.id, Selection.tier == tier, Selection.status == "final"
        )
    )


def _check_tier_stage(comp: Competition, tier: str) -> None:
    if not is_tier(comp, tier):
        msg = _("Choose the tier: %(tiers)s.", tiers=", ".join(comp.tiers()))
        raise ValidationFailed(msg, errors={"tier": [msg]})
    stage = tier_stage(tier)
    if comp.stage != stage:
        raise InvalidStage(
            _(
                "The %(tier)s can only be selected in stage %(stage)s; the competition is in "
                "stage %(current)s.",
                tier=tier,
                stage=stage,
                current=comp.stage,
            )
        )


def _choose(rr: RoundRanking, size: int, entry_ids: Sequence[int] | None) -> list[int]:
    """The chosen entry ids, checked against the ranking (see the module guarantees)."""
    ranked = {s.entry_id for s in rr.ranking.items}
    if not ranked:
        msg = _("No entry of this round has a submitted score sheet yet.")
        raise ValidationFailed(msg, errors={"entry_ids": [msg]})
    if entry_ids is None:
        cut = rr.ranking.cut
        if not cut.decided:
            raise tie_at_cut(cut, size)
        return list(cut.selected)
    errors: list[str] = []
    if len(set(entry_ids)) != len(entry_ids):
        errors.append(_("Each entry may be chosen only once."))
    unknown = sorted(set(entry_ids) - ranked)
    if unknown:
        errors.append(
            _(
                "Not in this round's ranking: %(ids)s.",
                ids=", ".join(str(i) for i in unknown),
            )
        )
    want = min(size, len(ranked))
    if len(set(entry_ids)) != want:
        errors.append(
            _("Choose exactly %(n)d entries (%(k)d chosen).", n=want, k=len(set(entry_ids)))
        )
    if errors:
        raise ValidationFailed(errors[0], errors={"entry_ids": errors}, unknown=unknown)
    return list(entry_ids)


def propose(
    actor: User,
    comp: Competition,
    tier: str,
    entry_ids: Sequence[int] | None = None,
    justifications: Mapping | None = None,
) -> Selection:
    """Record a proposed selection of `tier` (see the module guarantees for every refusal)."""
    _check_tier_stage(comp, tier)
    if final_selection(comp, tier) is not None:
        raise Locked(_("The %(tier)s is already final and can no longer change.", tier=tier))
    size = tier_size(comp, tier)
    rr = tier_ranking(comp, tier, MEAN)
    texts = parse_justifications(justifications)
    chosen = _choose(rr, size, entry_ids)
    strays = sorted(set(texts) - set(chosen))
    if strays:
        msg = _(
            "Justifications can only be given for chosen entries (not for %(ids)s).",
            ids=", ".join(map(str, strays)),
        )
        raise ValidationFailed(msg, errors={"justifications": [msg]})
    require_justifications(rr, chosen, texts)
    by_id = {s.entry_id: s for s in rr.ranking.items}
    in_order = [s.entry_id for s in rr.ranking.items if s.entry_id in set(chosen)]
    sel = Selection(competition_id=comp.id, tier=tier, size=size, created_by_id=actor.id)
    sel.entries = [
        SelectionEntry(
            entry_id=e,
            place=n,
            rank=by_id[e].rank,
            score=by_id[e].score,
            justification=texts.get(e),
        )
        for n, e in enumerate(in_order, start=1)
    ]
    sel.snapshot = {"ranking_sha256": ranking_digest(rr)}
    db.session.add(sel)
    db.session.flush()
    overrides = needing_justification(rr.ranking.items, chosen)
    record(
        actor,
        "selection.propose",
        f"selection:{sel.id}",
        competition_id=comp.id,
        after={
            "tier": tier,
            "size": size,
            "round": rr.round,
            "entries": in_order,
            "justifications": {str(e): t for e, t in texts.items()},
            "overrides": overrides,
            "ranking_sha256": sel.snapshot["ranking_sha256"],
        },
    )
    return sel


def ranking_digest(rr: RoundRanking) -> str:
    """SHA-256 of the ranking rows as the chair saw them (scores, ranks, sheets, flags, cut)."""
    return snapshot_sha256(canonical_snapshot(rr.ranking, [], round=rr.round))


def build_snapshot(comp: Competition, sel: Selection, rr: RoundRanking) -> dict:
    """The canonical record that `snapshot_sha256` hashes when `sel` is finalised."""
    texts = {se.entry_id: se.justification for se in sel.entries if se.justification}
    places = [
        {
            "place": se.place,
            "entry_id": se.entry_id,
            "title": rr.entries[se.entry_id].title,
            "agency": rr.entries[se.entry_id].agency,
        }
        for se in sel.entries
    ]
    return canonical_snapshot(
        rr.ranking,
        [se.entry_id for se in sel.entries],
        texts,
        competition_id=comp.id,
        selection_id=sel.id,
        tier=sel.tier,
        size=sel.size,
        round=rr.round,
        criteria=criteria_summaries(comp, rr.round),
        places=places,
    )


def _still_valid(sel: Selection, rr: RoundRanking) -> bool:
    """The proposal still matches the ranking it was made on (and its overrides are justified)."""
    made_on = (sel.snapshot or {}).get("ranking_sha256")
    if made_on is not None and made_on != ranking_digest(rr):
        return False
    by_id = {s.entry_id: s for s in rr.ranking.items}
    chosen = [se.entry_id for se in sel.entries]
    for se in sel.entries:
        now_ = by_id.get(se.entry_id)
        if now_ is None or now_.score != se.score or now_.rank != se.rank:
            return False
    texts = {se.entry_id: se.justification or "" for se in sel.entries}
    return not missing_justifications(rr, chosen, texts)


def finalize(actor: User, sel: Selection) -> Selection:
    """Freeze `sel` with its snapshot and SHA-256 (see the module guarantees)."""
    comp = db.session.get(Competition, sel.competition_id)
    locked = _("This tier already has a final selection; final selections never change.")
    if sel.status == "final" or final_selection(comp, sel.tier) is not None:
        raise Locked(locked)
    _check_tier_stage(comp, sel.tier)
    rr = tier_ranking(comp, sel.tier, MEAN)
    if not _still_valid(sel, rr):
        raise StaleVersion(_("The ranking changed since this proposal; propose again."))
    snapshot = build_snapshot(comp, sel, rr)
    digest = snapshot_sha256(snapshot)
    sel.status, sel.finalized_at = "final", now()
    sel.snapshot, sel.snapshot_sha256 = snapshot, digest
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError):
        # Another chair finalised this tier (or this very selection) a moment earlier.
        db.session.rollback()
        raise Locked(locked) from None
    record(
        actor,
        "selection.finalize",
        f"selection:{sel.id}",
        competition_id=comp.id,
        before={"status": "proposed"},
        after={
            "status": "final",
            "tier": sel.tier,
            "size": sel.size,
            "entries": [se.entry_id for se in sel.entries],
            "snapshot_sha256": digest,
        },
    )
    return sel
