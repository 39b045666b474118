"""The demo data behind `flask --app wsgi seed-demo`.

`seed()` loads agencies, one account per role, a KIPP 2026 in screening with ~120 entries (a
demo-sized year: Top 20 and Top 9 instead of Top 99 and Top 45) and a KIPP 2027 open for
submission; the public side: KIPP 2021–2024 awarded with published lists fixed by decree
(`kipp.demo.directory`) and KIPP 2025 played through publication, objections, an amendment,
decrees and certificates (`kipp.demo.finished`); and returns the login summary. Guarantees:
- Idempotent: agencies are found by name, accounts by e-mail, competitions by name
  ("KIPP 2026", "KIPP 2027"); what exists is left untouched, so a second run creates nothing
  and returns the same login table. (An operator's own "KIPP 2026" would be taken as loaded.)
- Goes through the services (create_agency, create_user, add_conflict, create_competition,
  move_stage, create_entry), so every change is on an audit chain and every chain verifies.
  Only the closed-year entries are inserted directly — no service may submit into a closed
  window — and they are announced by one `competition.seed` event on that competition's chain.
- Flushes but never commits: the caller (the CLI) commits once.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from kipp.accounts import services as accounts
from kipp.audit.chain import record
from kipp.auth.passwords import hash_password
from kipp.auth.services import find_user_by_email
from kipp.clock import local, now
from kipp.competitions.defaults import (
    DEFAULT_GROUPS,
    EVALUATION_CRITERIA_2023,
    PANEL_CRITERIA,
)
from kipp.competitions.services import create_competition
from kipp.competitions.stages import move_stage
from kipp.demo.directory import fix_by_decree, seed_directory
from kipp.demo.entries import ClosedYear, open_year_drafts
from kipp.demo.finished import seed_finished_year
from kipp.demo.group_rules import OPEN_YEAR_GROUPS, invite_former_winners
from kipp.demo.people import AGENCIES, CONFLICTS, DEMO_AGENCY, DEMO_PASSWORD, USERS
from kipp.entries.services import create_entry
from kipp.extensions import db
from kipp.models import Agency, Competition, Conflict, User

__all__ = ["DEMO_PASSWORD", "seed"]

WIB = ZoneInfo("Asia/Jakarta")
CLOSED_YEAR = "KIPP 2026"
SHORTLIST_SIZE, FINAL_SIZE = 20, 9
OPEN_YEAR = "KIPP 2027"


def _agencies(admin: User, made: Counter) -> dict[str, Agency]:
    out = {}
    for name, kind, province, is_3t in AGENCIES:
        found = db.session.scalar(select(Agency).where(func.lower(Agency.name) == name.lower()))
        if found is None:
            found = accounts.create_agency(admin, name, kind, province, is_3t)
            made["agencies"] += 1
        out[name] = found
    return out


def _user(actor, role, email, name, agency: Agency | None, made: Counter, shared: dict) -> User:
    """Find or create a demo account. Argon2id costs ~0.3 s a hash, so the accounts share
    one salted hash of the public demo password (`shared`), made on first use."""
    user = find_user_by_email(email)
    if user is None:
        agency_id = agency.id if agency else None
        if "hash" not in shared:
            shared["hash"] = hash_password(DEMO_PASSWORD)
        user = accounts.create_user(
            actor, email, name, role, DEMO_PASSWORD, agency_id, password_hash=shared["hash"]
        )
        made["accounts"] += 1
    return user


def _people(made: Counter) -> tuple[User, dict[str, Agency], dict[str, User]]:
    shared: dict = {}
    role, email, name, _home = USERS[0]
    admin = _user(None, role, email, name, None, made, shared)
    agencies = _agencies(admin, made)
    users = {email: admin}
    for role, email, name, home in USERS[1:]:
        users[email] = _user(admin, role, email, name, agencies.get(home), made, shared)
    for email, agency_name, reason in CONFLICTS:
        user, agency = users[email], agencies[agency_name]
        exists = db.session.scalar(
            select(Conflict.id).where(Conflict.user_id == user.id, Conflict.agency_id == agency.id)
        )
        if not exists:
            accounts.add_conflict(admin, user, agency.id, reason)
            made["conflicts"] += 1
    return admin, agencies, users


def _competition(admin: User, name: str, year: int, opens: datetime, closes: datetime, **settings):
    return create_competition(
        admin,
        {
            "groups": DEFAULT_GROUPS,
            **settings,
            "name": name,
            "year": year,
            "timezone": "Asia/Jakarta",
            "submission_opens_at": opens,
            "submission_closes_at": closes,
            "criteria": EVALUATION_CRITERIA_2023,
            "panel_criteria": PANEL_CRITERIA,
        },
    )


def _closed_year(admin: User, agencies: dict[str, Agency]) -> int:
    """KIPP 2026: the window has closed, screening is half done. Returns the entry count."""
    comp = _competition(
        admin,
        CLOSED_YEAR,
        2026,
        datetime(2026, 3, 1, 8, 0, tzinfo=WIB),
        datetime(2026, 6, 30, 23, 59, 59, tzinfo=WIB),
        # a demo-sized year: ~70 eligible entries, so a Top 20 and a Top 9 (the real year's
        # Top 99 and Top 45 of ~3,500 would take every demo entry)
        shortlist_size=SHORTLIST_SIZE,
        final_size=FINAL_SIZE,
    )
    move_stage(admin, comp, "submission")
    move_stage(admin, comp, "screening")
    rows = ClosedYear(random.Random(2026), comp, list(agencies.values()), admin).build()
    db.session.add_all(rows)
    db.session.flush()
    counts = Counter(r.status for r in rows)
    record(
        admin,
        "competition.seed",
        f"competition:{comp.id}",
        competition_id=comp.id,
        after={"source": "kipp.demo", "entries": dict(sorted(counts.items()))},
    )
    return len(rows)


def _open_year(admin: User, agency_user: User) -> int:
    """KIPP 2027: open from 30 days before the seed until 60 days after, in WIB, and judged
    blind (its evaluators will read entries without agency, province, kind or 3T).

    Returns the number of drafts made for the demo agency through the editor's service.
    """
    today = local(now(), "Asia/Jakarta").date()
    opens = datetime.combine(today - timedelta(days=30), time(8, 0), tzinfo=WIB)
    closes = datetime.combine(today + timedelta(days=60), time(23, 59, 59), tzinfo=WIB)
    comp = _competition(
        admin, OPEN_YEAR, 2027, opens, closes, groups=OPEN_YEAR_GROUPS, blind_review=True
    )
    move_stage(admin, comp, "submission")
    drafts = open_year_drafts(comp, today)
    for data in drafts:
        create_entry(agency_user, comp, data)
    return len(drafts)


def _find(name: str) -> Competition | None:
    return db.session.scalar(select(Competition).where(Competition.name == name))


def _logins(users: dict[str, User]) -> list[str]:
    lines = [f"{'role':<10} {'e-mail':<24} {'password':<16} agency"]
    for user in users.values():
        agency = user.agency.name if user.agency else ""
        lines.append(f"{user.role:<10} {user.email:<24} {DEMO_PASSWORD:<16} {agency}".rstrip())
    return lines


def seed() -> str:
    """Load the demo data (idempotent) and return the login summary; the caller commits."""
    made: Counter = Counter()
    admin, agencies, users = _people(made)
    created = [
        f"{made[key]} {one if made[key] == 1 else many}"
        for key, one, many in (
            ("agencies", "agency", "agencies"),
            ("accounts", "account", "accounts"),
            ("conflicts", "declared conflict", "declared conflicts"),
        )
        if made[key]
    ]
    if _find(CLOSED_YEAR) is None:
        n = _closed_year(admin, agencies)
        created.append(f"{CLOSED_YEAR} in screening with {n} entries")
    if _find(OPEN_YEAR) is None:
        n = _open_year(admin, users["agency@kipp.demo"])
        created.append(
            f"{OPEN_YEAR} open for submission (blind review) with {n} drafts of {DEMO_AGENCY}"
        )
    if n := seed_directory(admin, agencies.values()):
        created.append(f"KIPP 2021–2024 awarded and published, {n} innovations in the directory")
    if n := fix_by_decree(admin):
        created.append(f"{n} decrees of KIPP 2021–2024 recorded")
    if done := seed_finished_year(admin, agencies.values(), users):
        created.append(done)
    # --- group-rules: demo
    if n := invite_former_winners(admin, _find(OPEN_YEAR), DEMO_AGENCY):
        created.append(f"{n} agencies invited into the khusus group of {OPEN_YEAR}")
    # --- awards: demo
    # KIPP 2025's extra award "Top 5 Replikasi" is played inside seed_finished_year
    # (kipp.demo.awards): it must be selected in stage final, before the year is awarded.
    # --- drafters: demo
    from kipp.demo.drafters import seed_drafters  # noqa: PLC0415  (kept beside its marker)

    if done := seed_drafters(admin, users.get("agency@kipp.demo"), _find(OPEN_YEAR), users):
        created.append(done)
    # --- schedule: demo
    # KIPP 2025's presentation schedule is planned inside seed_finished_year (kipp.demo.schedule),
    # after its shortlist is fixed, so that the year's audit chain stays in time order.
    head = "KIPP demo data: " + (
        "created " + "; ".join(created) + "." if created else "already loaded, nothing created."
    )
    return "\n".join([head, "", *_logins(users)])
