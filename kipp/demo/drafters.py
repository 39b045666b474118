"""Demo drafting units: two drafters of the demo agency, each with drafts in KIPP 2027.

`drafter1@kipp.demo` (UPP Dinas Kesehatan) holds a complete draft and an unfinished one;
`drafter2@kipp.demo` (UPP Dinas Kependudukan) holds one complete draft. The demo agency's
account sees all three on its dashboard, with who drafted each and what still blocks it, and
decides which to submit. Guarantees: idempotent (accounts found by e-mail; a drafter that
already drafted anything in the open year gets no new drafts); everything goes through the
services (create_user, create_entry), so it is audited; flushes, never commits.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from kipp.accounts import services as accounts
from kipp.auth.passwords import hash_password, verify_password
from kipp.auth.services import find_user_by_email
from kipp.demo import texts
from kipp.demo.catalog import BASES
from kipp.demo.people import DEMO_AGENCY, DEMO_PASSWORD
from kipp.entries.services import create_entry
from kipp.entries.timing import can_create
from kipp.extensions import db
from kipp.models import Competition, Entry, User

# (e-mail, name, [(acronym of a catalogue base, started on, complete?)])
DRAFTERS = (
    (
        "drafter1@kipp.demo",
        "UPP Dinas Kesehatan",
        [("SEHATI", date(2020, 2, 3), True), ("OJEK SEHAT", date(2022, 5, 9), False)],
    ),
    ("drafter2@kipp.demo", "UPP Dinas Kependudukan", [("SIPANDU", date(2019, 7, 1), True)]),
)


def _draft(rng: random.Random, comp: Competition, acronym: str, started: date, full: bool):
    base = next(b for b in BASES if b.acronym == acronym)
    title = f"{base.acronym}: {base.phrase}"
    ctx = texts.context(rng, base, DEMO_AGENCY, "kabupaten", "Jawa Timur", started)
    criteria = [(c.code, c.word_limit) for c in comp.round_criteria("evaluation")]
    answers = texts.answers(rng, title, ctx, criteria)
    if not full:  # an unfinished draft: the agency sees what still blocks it
        answers = {k: v for k, v in answers.items() if k == "ringkasan"}
    return {
        "title": title,
        "group": "umum",
        "category": base.category,
        "summary": texts.summary(ctx),
        "answers": answers,
        "started_on": started,
    }


def seed_drafters(admin: User, agency_user: User | None, comp: Competition | None, users: dict):
    """Create the demo drafters (added to `users`, so they are in the login summary) and their
    drafts in `comp`. Returns a sentence of what was created, or None."""
    if agency_user is None or agency_user.agency_id is None:
        return None
    made_accounts = made_drafts = 0
    # Like every demo account, the drafters share one hash of the public demo password: the
    # agency account's, while it still is one (an operator may have changed that password).
    shared_hash = (
        agency_user.password_hash
        if verify_password(agency_user.password_hash, DEMO_PASSWORD)
        else None
    )
    rng = random.Random(2028)
    for email, name, drafts in DRAFTERS:
        user = find_user_by_email(email)
        if user is None:
            shared_hash = shared_hash or hash_password(DEMO_PASSWORD)
            user = accounts.create_user(
                admin,
                email,
                name,
                "drafter",
                DEMO_PASSWORD,
                agency_user.agency_id,
                password_hash=shared_hash,
            )
            made_accounts += 1
        users[email] = user
        if comp is None or not can_create(comp):
            continue
        mine = select(Entry.id).where(
            Entry.competition_id == comp.id, Entry.drafted_by_id == user.id
        )
        if db.session.scalar(mine.limit(1)) is not None:
            continue
        for acronym, started, full in drafts:
            create_entry(user, comp, _draft(rng, comp, acronym, started, full))
            made_drafts += 1
    if not (made_accounts or made_drafts):
        return None
    return (
        f"{made_accounts} drafter accounts of {DEMO_AGENCY} with {made_drafts} drafts "
        f"in {comp.name if comp else 'no open competition'}"
    )
