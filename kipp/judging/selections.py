"""The chair's selections: propose a shortlist or final tier, then finalise it for good.

Guarantees
- Tier `shortlist` is chosen in stage `shortlist` from the evaluation ranking (eligible
  entries); tier `final` in stage `final` from the panel ranking of the finalised shortlist.
  Both rank by the raw `mean`. Anything else raises InvalidStage; nothing is written.
- Without `entry_ids` the top `size` entries are taken; a cut that splits equal scores raises
  TieAtCut with `tied` (entry ids) and `places_left` (how many of them fit): a tie is never
  decided silently.
- With `entry_ids` the chair must choose exactly `size` ranked entries (all of them when fewer
  are ranked). An entry taking a place over a strictly higher-scored one needs a justification
  of at least 20 characters (JustificationRequired lists the entries); a justification given
  for any other chosen entry is recorded as well.
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
from kipp.judging.errors import JustificationRequired, TieAtCut
from kipp.judging.queries import ROUND_FOR_TIER, RoundRanking, criteria_summaries, rank_round
from kipp.judging.ranking import (
    MEAN,
    overrides_needing_justification,
)
from kipp.judging.snapshot import canonical_snapshot, snapshot_sha256
from kipp.models import TIERS, Competition, Selection, SelectionEntry, User

MIN_JUSTIFICATION = 20


def tier_size(comp: Competition, tier: str) -> int:
    return comp.shortlist_size if tier == "shortlist" else comp.final_size


def final_selection(comp: Competition, tier: str) -> Selection | None:
    return db.session.scalar(
        select(Selection).where(
            Selection.competition_id == comp.id, Selection.tier == tier, Selection.status == "final"
        )
    )


def _check_tier_stage(comp: Competition, tier: str) -> None:
    if tier not in TIERS:
        msg = _("Choose the tier: shortlist or final.")
        raise ValidationFailed(msg, errors={"tier": [msg]})
    if comp.stage != tier:
        raise InvalidStage(
            _(
                "The %(tier)s can only be selected in stage %(tier)s; the competition is in "
                "stage %(stage)s.",
                tier=tier,
                stage=comp.stage,
            )
        )


def _parse_justifications(raw: Mapping | None) -> dict[int, str]:
    out: dict[int, str] = {}
    for key, text in (raw or {}).items():
        try:
            entry_id = int(key)
        except (TypeError, ValueError):
            msg = _("Justifications are keyed by entry id.")
            raise ValidationFailed(msg, errors={"justifications": [msg]}) from None
        text = (text or "").strip() if isinstance(text, str) else ""
        if text:
            out[entry_id] = text
    return out


def _choose(rr: RoundRanking, size: int, entry_ids: Sequence[int] | None) -> list[int]:
    """The chosen entry ids, checked against the ranking (see the module guarantees)."""
    ranked = {s.entry_id for s in rr.ranking.items}
    if not ranked:
        msg = _("No entry of this round has a submitted score sheet yet.")
        raise ValidationFailed(msg, errors={"entry_ids": [msg]})
    if entry_ids is None:
        cut = rr.ranking.cut
        if not cut.decided:
            raise TieAtCut(
                _(
                    "Place %(size)d splits entries with equal scores: choose %(n)d of the "
                    "%(k)d tied entries.",
                    size=size,
                    n=cut.places_left,
                    k=len(cut.tied),
                ),
                tied=list(cut.tied),
                places_left=cut.places_left,
                selected=list(cut.selected),
            )
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


def _require_justifications(rr: RoundRanking, chosen: list[int], texts: dict[int, str]) -> None:
    needing = overrides_needing_justification(rr.ranking.items, chosen)
    missing = [e for e in needing if len(texts.get(e, "")) < MIN_JUSTIFICATION]
    if missing:
        msg = _(
            "This entry takes a place over a higher-ranked one: write why (at least %(n)d "
            "characters).",
            n=MIN_JUSTIFICATION,
        )
        raise JustificationRequired(
            _("Entries chosen over higher-ranked ones need a written justification."),
            errors={f"justifications.{e}": [msg] for e in missing},
            entries=missing,
        )


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
    rr = rank_round(comp, ROUND_FOR_TIER[tier], MEAN)
    texts = _parse_justifications(justifications)
    chosen = _choose(rr, size, entry_ids)
    strays = sorted(set(texts) - set(chosen))
    if strays:
        msg = _(
            "Justifications can only be given for chosen entries (not for %(ids)s).",
            ids=", ".join(map(str, strays)),
        )
        raise ValidationFailed(msg, errors={"justifications": [msg]})
    _require_justifications(rr, chosen, texts)
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
    overrides = overrides_needing_justification(rr.ranking.items, chosen)
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
    needing = overrides_needing_justification(rr.ranking.items, chosen)
    return all(len(texts[e]) >= MIN_JUSTIFICATION for e in needing)


def finalize(actor: User, sel: Selection) -> Selection:
    """Freeze `sel` with its snapshot and SHA-256 (see the module guarantees)."""
    comp = db.session.get(Competition, sel.competition_id)
    locked = _("This tier already has a final selection; final selections never change.")
    if sel.status == "final" or final_selection(comp, sel.tier) is not None:
        raise Locked(locked)
    _check_tier_stage(comp, sel.tier)
    rr = rank_round(comp, ROUND_FOR_TIER[sel.tier], MEAN)
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
