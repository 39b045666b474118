"""Groups with their own rules in the demo's open year (KIPP 2027).

- `OPEN_YEAR_GROUPS`: umum as usual; replikasi scored on its own criteria (fidelity to the
  source innovation, adaptation to the local context, sustainability); khusus by invitation
  only, for former winners. They are set when the year is created (groups freeze after `draft`).
- `invite_former_winners`: invites into khusus the demo agency and the agencies that won a
  final tier in an earlier demo year. Idempotent: an agency already invited is skipped, and a
  KIPP 2027 made before these rules existed (no invitation-only khusus) is left as it is.
"""

from __future__ import annotations

from sqlalchemy import select

from kipp.competitions.defaults import DEFAULT_GROUPS
from kipp.competitions.invitations import invite
from kipp.competitions.queries_invitations import invited_agencies
from kipp.extensions import db
from kipp.models import Agency, Competition, Entry, Selection, SelectionEntry, User

KHUSUS = "khusus"
REPLIKASI_CRITERIA = [
    {
        "code": "kesetiaan",
        "name": "Kesetiaan pada inovasi asal",
        "weight": 30,
        "guidance": "Seberapa utuh gagasan dan manfaat inovasi asal dipertahankan.",
    },
    {
        "code": "adaptasi",
        "name": "Adaptasi pada konteks lokal",
        "weight": 35,
        "guidance": "Seberapa baik inovasi disesuaikan dengan kebutuhan dan sumber daya setempat.",
    },
    {"code": "signifikansi", "name": "Signifikansi", "weight": 20},
    {"code": "keberlanjutan", "name": "Keberlanjutan", "weight": 15},
]
OPEN_YEAR_GROUPS = {
    "umum": DEFAULT_GROUPS["umum"],
    "replikasi": DEFAULT_GROUPS["replikasi"] | {"criteria": REPLIKASI_CRITERIA},
    KHUSUS: {"quota": 2, "min_implementation_years": 2, "invitation_only": True},
}
WINNERS_MAX = 6


def _former_winners(comp: Competition) -> list[int]:
    """Agencies with an entry in a finalised final tier of another competition, by name."""
    rows = db.session.scalars(
        select(Agency.id)
        .join(Entry, Entry.agency_id == Agency.id)
        .join(SelectionEntry, SelectionEntry.entry_id == Entry.id)
        .join(Selection, Selection.id == SelectionEntry.selection_id)
        .where(
            Selection.tier == "final",
            Selection.status == "final",
            Entry.competition_id != comp.id,
        )
        .group_by(Agency.id, Agency.name)
        .order_by(Agency.name)
        .limit(WINNERS_MAX)
    )
    return list(rows)


def invite_former_winners(admin: User, comp: Competition | None, demo_agency: str) -> int:
    """Invite the demo agency and former winners into KIPP 2027's khusus; returns how many
    invitations were made (0 on a second run)."""
    group = comp.group(KHUSUS) if comp is not None else None
    if group is None or not group.invitation_only or comp.reached("screening"):
        return 0
    demo = db.session.scalar(select(Agency.id).where(Agency.name == demo_agency))
    wanted = ([demo] if demo is not None else []) + _former_winners(comp)
    done = invited_agencies(comp.id, KHUSUS)
    made = 0
    for agency_id in dict.fromkeys(wanted):
        if agency_id not in done:
            invite(admin, comp, agency_id, KHUSUS)
            made += 1
    return made
