"""Blind review: what an evaluator may learn about an entry (API v1.1 § Blind review).

The one rule, asked everywhere an entry is shown to a reviewer (the API's entry and assignment
bodies, the reviewers' pages, attachment downloads):

- `is_blind_for(user, entry)`: the entry's competition has `blind_review` on and the reader is
  an evaluator. Evaluators only ever score the evaluation round, so they stay blind to the
  entry for as long as they can read it. Admins, the chair and panelists see everything; the
  panel round is never blind.
- A blind reader learns nothing of the agency: not its name, kind, province or 3T status
  (`"agency": null`, `"agency_id": null` in the API, "Proposal #<id>" on pages), and no
  attachment of a kind in `HIDDEN_KINDS` is listed or downloadable (a download answers 404,
  as for an attachment that does not exist).

Score-sheet PDFs: `kipp.permissions.can_read_score_sheet` lets admins, the chair and panelists
download them, never evaluators, so no PDF is ever rendered for a blind reader.
"""

from __future__ import annotations

from flask_babel import gettext as _

from kipp.models import Attachment, Entry, User

# Attachments that name the agency (its decree on the innovator, the replication statement).
HIDDEN_KINDS = frozenset({"decree", "replication_statement"})
BLIND_ROLES = frozenset({"evaluator"})


def is_blind_for(user: User | None, entry: Entry) -> bool:
    """True when `user` must read `entry` without its agency and identifying attachments."""
    return bool(
        user is not None
        and getattr(user, "role", None) in BLIND_ROLES
        and entry.competition.blind_review
    )


def visible_attachments(user: User | None, entry: Entry) -> list[Attachment]:
    """The entry's attachments that `user` may see listed (all of them unless blind)."""
    if not is_blind_for(user, entry):
        return list(entry.attachments)
    return [a for a in entry.attachments if a.kind not in HIDDEN_KINDS]


def attachment_hidden(user: User | None, attachment: Attachment) -> bool:
    """True when `user` must not download `attachment` (answer as if it did not exist)."""
    return attachment.kind in HIDDEN_KINDS and is_blind_for(user, attachment.entry)


def proposal_label(entry: Entry) -> str:
    """What pages show instead of the agency to a blind reader."""
    return _("Proposal #%(id)d", id=entry.id)


def agency_label(user: User | None, entry: Entry) -> str:
    """The agency's name, or "Proposal #<id>" for a blind reader."""
    return proposal_label(entry) if is_blind_for(user, entry) else entry.agency.name


def shape_entry(user: User | None, entry: Entry, body: dict) -> dict:
    """The API body of `entry` (`kipp.api.serializers.entry`) as `user` may read it: for a
    blind reader `agency` and `agency_id` are null and hidden attachments are left out."""
    if not is_blind_for(user, entry):
        return body
    hidden = {a.id for a in entry.attachments if a.kind in HIDDEN_KINDS}
    return body | {
        "agency": None,
        "agency_id": None,
        "attachments": [a for a in body.get("attachments", []) if a["id"] not in hidden],
    }
