"""The rules every selection change applies: justifications and ties at the cut.

Used by proposing (`kipp.judging.selections`) and by amending a published selection
(`kipp.publication.services`), so both refuse the same way with the same words.

Guarantees
- `parse_justifications` keys texts by integer entry id, drops blank ones and refuses a key
  that is no entry id (ValidationFailed on `justifications`).
- `require_justifications` refuses (JustificationRequired, one error per entry under
  `justifications.<id>`) when a chosen entry that takes a place over a strictly higher-scored
  unchosen one, or that is flagged `below_pass_mark`, has no text of at least
  `MIN_JUSTIFICATION` characters.
- `tie_at_cut` is the one TieAtCut a cut that splits equal scores raises: it lists the tied
  entries, how many places are left among them and the entries already in.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from kipp.errors import ValidationFailed
from kipp.judging.errors import JustificationRequired, TieAtCut
from kipp.judging.queries import RoundRanking
from kipp.judging.ranking import BELOW_PASS_MARK, Cut, needing_justification

MIN_JUSTIFICATION = 20


def parse_justifications(raw: Mapping | None) -> dict[int, str]:
    """The non-blank justification texts by entry id (see the module guarantees)."""
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


def missing_justifications(rr: RoundRanking, chosen: list[int], texts: dict[int, str]) -> list[int]:
    """The chosen entries that need a justification and lack one long enough."""
    needing = needing_justification(rr.ranking.items, chosen)
    return [e for e in needing if len(texts.get(e) or "") < MIN_JUSTIFICATION]


def require_justifications(rr: RoundRanking, chosen: list[int], texts: dict[int, str]) -> None:
    """Raise JustificationRequired for every chosen entry lacking its needed justification."""
    missing = missing_justifications(rr, chosen, texts)
    if not missing:
        return
    below = {s.entry_id for s in rr.ranking.items if BELOW_PASS_MARK in s.flags}
    over = _(
        "This entry takes a place over a higher-ranked one: write why (at least %(n)d characters).",
        n=MIN_JUSTIFICATION,
    )
    under = _(
        "This entry scored below the pass mark: write why it is chosen (at least %(n)d "
        "characters).",
        n=MIN_JUSTIFICATION,
    )
    raise JustificationRequired(
        _("Entries chosen over higher-ranked ones need a written justification.")
        if not below & set(missing)
        else _(
            "Entries chosen over higher-ranked ones or below the pass mark need a written "
            "justification."
        ),
        errors={f"justifications.{e}": [under if e in below else over] for e in missing},
        entries=missing,
    )


def tie_at_cut(cut: Cut, place: int | None = None) -> TieAtCut:
    """The error for an undecided `cut`: at place `place` of a new selection, or (None) at the
    next place of an amended one."""
    if place is None:
        msg = _(
            "The next place splits entries with equal scores: choose %(n)d of the "
            "%(k)d tied entries.",
            n=cut.places_left,
            k=len(cut.tied),
        )
    else:
        msg = _(
            "Place %(size)d splits entries with equal scores: choose %(n)d of the "
            "%(k)d tied entries.",
            size=place,
            n=cut.places_left,
            k=len(cut.tied),
        )
    return TieAtCut(
        msg, tied=list(cut.tied), places_left=cut.places_left, selected=list(cut.selected)
    )
