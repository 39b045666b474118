"""Publishing a final selection and amending it after disqualifications.

Guarantees (each change audited on the competition's chain; nothing written when refused)
- `publish`: only a finalised selection (InvalidStage), only once (Locked). The window ends at
  `objection_closes_at`, by default 23:59:59 on the fifth day after publishing in the
  competition's timezone; a given end must lie in the future and within 60 days (422). Each
  agency account with an entry the round ranked is mailed `selection_result`: its entries on
  the list and off it (`kipp.publication.mail.selection_published`).
- `amend` (chair): only a published selection without a decree (Locked once decreed) that holds
  disqualified entries not yet replaced (InvalidStage otherwise). It adds at most as many
  entries as there are such disqualified ones, each ranked in the tier's round and not already
  in the selection (422). Without `add` the places are filled from the ranking; a cut that
  splits equal scores raises TieAtCut. The selection rules of `kipp.judging.selections` apply
  to the whole amended list (justifications of ≥ 20 characters for entries chosen over
  higher-ranked ones). A new canonical snapshot (chaining the previous hash) and its SHA-256
  replace the selection's; the amendment (removed, added, at, hash, by) is kept as history.
- Decrees: `kipp.publication.decree`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from kipp.audit.chain import record
from kipp.clock import as_utc, local, now
from kipp.errors import (
    InvalidStage,
    Locked,
    ValidationFailed,
)
from kipp.extensions import db
from kipp.judging.queries import criteria_summaries, load_infos
from kipp.judging.ranking import MEAN, cut
from kipp.judging.selection_rules import parse_justifications, require_justifications, tie_at_cut
from kipp.judging.snapshot import canonical_snapshot, snapshot_sha256
from kipp.judging.tiers import tier_ranking
from kipp.limits import COMMENT_MAX
from kipp.models import Competition, Selection, SelectionEntry, User
from kipp.models.publication import SelectionAmendment
from kipp.publication import mail
from kipp.publication.decree import attach_decree_file, record_decree
from kipp.publication.queries import (
    amendments,
    pending_removals,
    selection_entries,
)

__all__ = ["amend", "attach_decree_file", "default_closes_at", "publish", "record_decree"]

WINDOW_DAYS = 5
WINDOW_MAX = timedelta(days=60)


def default_closes_at(published_at: datetime, tz: str) -> datetime:
    """23:59:59 on the fifth day after `published_at`, in the timezone `tz`, as UTC."""
    day = local(published_at, tz).date() + timedelta(days=WINDOW_DAYS)
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def publish(actor: User, sel: Selection, closes_at: datetime | None = None) -> Selection:
    """Publish the final `sel` with its objection window (see the module guarantees)."""
    comp = db.session.get(Competition, sel.competition_id)
    if sel.status != "final":
        raise InvalidStage(_("Only a finalised selection can be published."))
    if sel.published_at is not None:
        raise Locked(_("This selection is already published."))
    at = now().replace(microsecond=0)
    if closes_at is None:
        closes_at = default_closes_at(at, comp.timezone)
    else:
        closes_at = as_utc(closes_at, comp.timezone).replace(microsecond=0)
        if not at < closes_at <= at + WINDOW_MAX:
            msg = _(
                "The objection period must end in the future and within %(n)d days.",
                n=WINDOW_MAX.days,
            )
            raise ValidationFailed(msg, errors={"objection_closes_at": [msg]})
    sel.published_at, sel.objection_closes_at = at, closes_at
    db.session.flush()
    record(
        actor,
        "selection.publish",
        f"selection:{sel.id}",
        competition_id=comp.id,
        after={
            "tier": sel.tier,
            "published_at": at.isoformat(),
            "objection_closes_at": closes_at.isoformat(),
            "snapshot_sha256": sel.snapshot_sha256,
        },
    )
    mail.selection_published(sel, comp)
    return sel


def _check_amendable(sel: Selection) -> list[int]:
    if sel.decree_number is not None:
        raise Locked(_("A decree fixed this selection; it can no longer change."))
    if sel.published_at is None:
        raise InvalidStage(_("Only a published selection can be amended."))
    pending = pending_removals(sel)
    if not pending:
        raise InvalidStage(_("No disqualified entry of this selection is waiting to be replaced."))
    return pending


def _choose_added(standings, pending: list[int], add: Sequence[int] | None) -> list[int]:
    """The entries to add, checked against the candidates (ranked, not in the selection)."""
    if add is None:
        the_cut = cut(standings, len(pending))
        if not the_cut.decided:
            raise tie_at_cut(the_cut)
        return list(the_cut.selected)
    errors: list[str] = []
    candidates = {s.entry_id for s in standings}
    if len(set(add)) != len(add):
        errors.append(_("Each entry may be added only once."))
    unknown = sorted(set(add) - candidates)
    if unknown:
        errors.append(
            _(
                "Not ranked in this round or already in the selection: %(ids)s.",
                ids=", ".join(map(str, unknown)),
            )
        )
    if len(set(add)) > len(pending):
        errors.append(
            _("Add at most %(n)d entries (as many as were disqualified).", n=len(pending))
        )
    if errors:
        raise ValidationFailed(errors[0], errors={"add": errors})
    return list(add)


def amend(
    actor: User,
    sel: Selection,
    add: Sequence[int] | None = None,
    justifications: Mapping | None = None,
) -> SelectionAmendment:
    """Replace the selection's disqualified entries (see the module guarantees)."""
    pending = _check_amendable(sel)
    comp = db.session.get(Competition, sel.competition_id)
    rr = tier_ranking(comp, sel.tier, MEAN)
    placed = selection_entries(sel)
    in_selection = {p.entry_id for p in placed}
    standings = [s for s in rr.ranking.items if s.entry_id not in in_selection]
    added = _choose_added(standings, pending, add)
    listed = [p.entry_id for p in placed if p.status == "listed"]
    chosen = [e for e in listed if e in rr.entries] + added
    texts = {p.entry_id: p.justification for p in placed if p.justification}
    given = parse_justifications(justifications)
    too_long = sorted(e for e, t in given.items() if len(t) > COMMENT_MAX)
    if too_long:
        msg = _("A justification may have at most %(n)d characters.", n=COMMENT_MAX)
        raise ValidationFailed(msg, errors={f"justifications.{e}": [msg] for e in too_long})
    strays = sorted(set(given) - set(chosen))
    if strays:
        msg = _(
            "Justifications can only be given for chosen entries (not for %(ids)s).",
            ids=", ".join(map(str, strays)),
        )
        raise ValidationFailed(msg, errors={"justifications": [msg]})
    texts.update(given)
    require_justifications(rr, [e for e in chosen if e in rr.entries], texts)
    by_id = {s.entry_id: s for s in rr.ranking.items}
    last = max((p.place for p in placed), default=0)
    in_order = [s.entry_id for s in rr.ranking.items if s.entry_id in set(added)]
    for se in sel.entries:
        if se.entry_id in given:
            se.justification = given[se.entry_id]
    for n, e in enumerate(in_order, start=last + 1):
        sel.entries.append(
            SelectionEntry(
                entry_id=e,
                place=n,
                rank=by_id[e].rank,
                score=by_id[e].score,
                justification=texts.get(e),
            )
        )
    db.session.flush()
    previous = sel.snapshot_sha256
    snapshot = _amended_snapshot(comp, sel, rr, pending, in_order, previous)
    digest = snapshot_sha256(snapshot)
    sel.snapshot, sel.snapshot_sha256 = snapshot, digest
    amendment = SelectionAmendment(
        selection_id=sel.id,
        removed=list(pending),
        added=in_order,
        justifications={str(e): texts[e] for e in in_order if texts.get(e)},
        at=now(),
        snapshot_sha256=digest,
        by_id=actor.id,
    )
    db.session.add(amendment)
    db.session.flush()
    record(
        actor,
        "selection.amend",
        f"selection:{sel.id}",
        competition_id=comp.id,
        before={"snapshot_sha256": previous},
        after={
            "removed": list(pending),
            "added": in_order,
            "justifications": {str(e): t for e, t in given.items()},
            "snapshot_sha256": digest,
        },
    )
    return amendment


def _amended_snapshot(comp, sel, rr, removed, added, previous) -> dict:
    """The canonical record of the amended selection: the current ranking, every place (with
    its listed/disqualified status) and the hash it replaces."""
    entries = sel.entries
    infos = load_infos(se.entry_id for se in entries)
    removed_all = {e for a in amendments(sel) for e in a.removed} | set(removed)
    listed = [se.entry_id for se in entries if se.entry_id not in removed_all]
    places = [
        {
            "place": se.place,
            "entry_id": se.entry_id,
            "title": infos[se.entry_id].title,
            "agency": infos[se.entry_id].agency,
            "status": "disqualified" if se.entry_id in removed_all else "listed",
        }
        for se in entries
    ]
    texts = {se.entry_id: se.justification for se in entries if se.justification}
    return canonical_snapshot(
        rr.ranking,
        listed,
        texts,
        competition_id=comp.id,
        selection_id=sel.id,
        tier=sel.tier,
        size=sel.size,
        round=rr.round,
        criteria=criteria_summaries(comp, rr.round),
        places=places,
        amendment={"removed": sorted(removed), "added": list(added)},
        previous_snapshot_sha256=previous,
    )
