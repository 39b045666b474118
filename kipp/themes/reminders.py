"""The yearly reminder to keep a directory innovation's profile current (`profile_reminder`).

`send_due()` queues, for every directory innovation that is stale now (not validated for more
than 365 days, or never: `kipp.themes.queries.STALE_AFTER`), one mail to every active account
of its agency, linking to its profile page (`/profiles/entries/<id>`). `reminder_pass()` is
the workers' pass (once a day across every worker, `kipp.periodic.claim`).

Guarantees: once per innovation per account per calendar year (Jakarta time): each mail
carries the outbox key `profile_reminder:<entry>:<user>:<year>`, unique in the database, so a
repeated or concurrent run adds nothing; an innovation validated within the year is not
reminded; `send_due` flushes and never commits (the pass commits).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kipp import periodic
from kipp.clock import local, now
from kipp.directory.queries import Filters, all_rows
from kipp.extensions import db
from kipp.mail import notices
from kipp.models import Entry
from kipp.themes.queries import profile_of

KIND = "profile_reminder"
EVERY = timedelta(days=1)


def send_due() -> int:
    """Queue every reminder due now; returns how many mails were queued."""
    year = local(now(), "Asia/Jakarta").year
    stale = {row["id"]: row for row in all_rows(Filters(stale=True))}
    if not stale:
        return 0
    owners = dict(
        db.session.execute(select(Entry.id, Entry.agency_id).where(Entry.id.in_(stale))).all()
    )
    accounts = notices.agency_accounts(owners.values())
    queued = 0
    for entry_id in sorted(stale):
        validated = profile_of(entry_id)["validated_at"]
        context = {
            "title": stale[entry_id]["title"],
            "validated": local(validated, "Asia/Jakarta").strftime("%d-%m-%Y")
            if validated
            else None,
            "link": notices.path_for("profiles.entry", entry_id=entry_id),
        }
        for user in accounts.get(owners[entry_id], []):
            key = f"{KIND}:{entry_id}:{user.id}:{year}"
            queued += notices.queue(KIND, user, context, key=key) is not None
    return queued


def reminder_pass() -> int | None:
    """The workers' pass: `send_due` and commit, at most once a day across every worker."""
    return periodic.run_claimed("profile_reminders", EVERY, send_due)
