"""Notification mails about judging and screening: `assignment` and `screening_result`.

Guarantees
- Every mail is queued (`kipp.mail.outbox.enqueue`) in the transaction of the change it
  reports: a rejected or rolled-back assignment or stage move leaves no mail, and the workers
  send nothing before the commit.
- `assignment`: one mail per reviewer per assignment action (one assignment by hand, or one
  automatic assignment of a round, evaluation or panel), listing only the entries that action
  gave that reviewer, each as "Proposal #id" with its title (what the reviewer reads on their
  assignments page: never the agency), with a link to "My assignments". An action that
  creates nothing mails nobody.
- `screening_result`: when a competition leaves `screening` (a leave hook of
  `kipp.competitions.stages`), every active account of every agency with screened entries gets
  one mail listing each decision (passed or not, with every reason and the secretariat's
  note), linking to the agency dashboard. Keyed `screening_result:<competition>:<user>`: a
  retried or repeated move adds nothing.
- A mail is written in its recipient's language (their `locale`, else the app's default),
  including the texts computed here (reasons, round names). Disabled accounts and accounts
  whose stored address is not deliverable get nothing; they never block the change itself.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from flask import current_app
from flask_babel import force_locale, ngettext
from sqlalchemy import select

from kipp.competitions.stages import on_leave
from kipp.extensions import db
from kipp.labels import ROUND_LABELS
from kipp.mail import addresses
from kipp.mail.outbox import enqueue, language_of
from kipp.models import Competition, Entry, Stage, User
from kipp.models.mail import Mail
from kipp.screening.reasons import label as reason_label

log = logging.getLogger(__name__)


# ----------------------------------------------------------------- shared helpers
def path_for(endpoint: str, **values) -> str:
    """The path of `endpoint` (for `public_url`), built without a request (workers, CLI)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def language(user: User) -> str:
    return language_of(user.locale)


def queue(kind: str, user: User, context: dict, key: str | None = None) -> Mail | None:
    """Queue a mail of `kind` to `user` in their language; None when the key was used before
    or the account's address cannot receive mail (logged, never raised)."""
    if not addresses.is_valid(addresses.normalise(user.email or "")):
        log.warning("no %s mail for user %s: undeliverable address", kind, user.id)
        return None
    context = {"name": user.name, **context}
    return enqueue(
        kind, to=user.email, language=language(user), context=context, user_id=user.id, key=key
    )


def agency_accounts(agency_ids) -> dict[int, list[User]]:
    """Active `agency` accounts by agency id, in id order."""
    ids = sorted(set(agency_ids))
    if not ids:
        return {}
    users = db.session.scalars(
        select(User)
        .where(User.role == "agency", User.active.is_(True), User.agency_id.in_(ids))
        .order_by(User.id)
    )
    found: dict[int, list[User]] = defaultdict(list)
    for user in users:
        found[user.agency_id].append(user)
    return found


# ----------------------------------------------------------------- assignment
def assigned(comp: Competition, round_: str, pairs) -> int:
    """Mail each reviewer of `pairs` ((entry id, reviewer id) created by one assignment
    action) the entries it gave them. Returns the number of mails queued."""
    by_reviewer: dict[int, list[int]] = defaultdict(list)
    for entry_id, user_id in pairs:
        by_reviewer[user_id].append(entry_id)
    if not by_reviewer:
        return 0
    titles = dict(
        db.session.execute(
            select(Entry.id, Entry.title).where(
                Entry.id.in_({e for ids in by_reviewer.values() for e in ids})
            )
        ).all()
    )
    reviewers = db.session.scalars(
        select(User).where(User.id.in_(by_reviewer)).order_by(User.id)
    ).all()
    link = path_for("panel.assignments")
    queued = 0
    for reviewer in reviewers:
        if not reviewer.active:
            continue
        with force_locale(language(reviewer)):
            round_label = str(ROUND_LABELS.get(round_, round_))
        entries = [{"id": e, "title": titles.get(e, "")} for e in sorted(by_reviewer[reviewer.id])]
        context = {
            "competition": comp.name,
            "round": round_label,
            "entries": entries,
            "link": link,
        }
        queued += queue("assignment", reviewer, context) is not None
    return queued


# ----------------------------------------------------------------- screening result
def register() -> None:
    """Make leaving `screening` mail each agency its decisions (idempotent)."""
    on_leave(screening_notice)


def decisions(entries: list[Entry], lang: str) -> list[dict]:
    """Each screened entry as {id, title, passed, reasons, note}, reasons in `lang`."""
    return [
        {
            "id": e.id,
            "title": e.title,
            "passed": e.status == "eligible",
            "reasons": [reason_label(code, lang) for code in e.screening_reasons or []],
            "note": e.screening_note,
        }
        for e in entries
    ]


def screening_results(comp: Competition) -> int:
    """Queue the `screening_result` mails of `comp` (see the module guarantees)."""
    entries = db.session.scalars(
        select(Entry)
        .where(Entry.competition_id == comp.id, Entry.status.in_(("eligible", "ineligible")))
        .order_by(Entry.agency_id, Entry.id)
    ).all()
    by_agency: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_agency[entry.agency_id].append(entry)
    link = path_for("agency.dashboard") + f"#competition-{comp.id}"
    queued = 0
    for agency_id, users in agency_accounts(by_agency).items():
        mine = by_agency[agency_id]
        for user in users:
            lang = language(user)
            context = {
                "competition": comp.name,
                "decisions": decisions(mine, lang),
                "passed": sum(e.status == "eligible" for e in mine),
                "failed": sum(e.status == "ineligible" for e in mine),
                "link": link,
            }
            key = f"screening_result:{comp.id}:{user.id}"
            queued += queue("screening_result", user, context, key=key) is not None
    return queued


def screening_notice(actor: User | None, comp: Competition, stage_left: str) -> str | None:
    """The leave hook: after `screening`, queue the results and tell the person who moved."""
    if stage_left != Stage.SCREENING:
        return None
    n = screening_results(comp)
    if not n:
        return None
    return ngettext(
        "Screening results: %(num)d mail queued to the agencies.",
        "Screening results: %(num)d mails queued to the agencies.",
        n,
    )


# ----------------------------------------------------------------- certificates
def certificate_ready(cert) -> int:
    """`certificate_ready`: every active account of the entry's agency, once per certificate
    and account (key `certificate_ready:<serial>:<user>`, so a re-render or a second worker
    adds nothing), linking to the agency's certificates page and the public verification page.
    Returns how many mails were queued."""
    from kipp.documents import codes
    from kipp.labels import TIER_LABELS

    entry, comp = cert.entry, cert.entry.competition
    code = codes.public_code(cert.serial)
    queued = 0
    for user in agency_accounts([entry.agency_id]).get(entry.agency_id, []):
        with force_locale(language(user)):
            award = cert.label or str(TIER_LABELS.get(cert.award, cert.award))  # extra award
        context = {
            "title": entry.title,
            "award": award,
            "competition": comp.name,
            "code": code,
            "verify_url": codes.verify_url(code),
            "link": path_for("agency_certificates.index"),
        }
        key = f"certificate_ready:{cert.serial}:{user.id}"
        queued += queue("certificate_ready", user, context, key=key) is not None
    return queued
