"""Rate limits of public and e-mail operations, shared by every process through the database.

`allow(bucket, key, limit, window)` answers whether one more request of `bucket` by `key`
(an IP address, an e-mail address) is allowed, and counts it when it is. A request counts in
the transaction of the request itself: if the request is refused later and rolled back (bad
input), it is not counted, so only requests that did something use up the limit. Requests
refused by the limit are not counted either, so the limit lifts `window` after the first
counted request, whatever the caller keeps sending.

Under concurrency two requests may both see `limit - 1` earlier hits and both pass: these
limits slow abuse down (objections, reset mails); the login lock, which must hold exactly, is
`kipp.auth.throttle`. Old rows are removed as new ones are counted (`forget_before`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from kipp.clock import now
from kipp.extensions import db
from kipp.models.ratelimit import RateHit

KEY_LENGTH = 254


def recent(bucket: str, key: str, window: timedelta) -> int:
    """How many requests of `bucket` by `key` were counted within `window` until now."""
    since = now() - window
    query = select(func.count()).where(
        RateHit.bucket == bucket, RateHit.key == key[:KEY_LENGTH], RateHit.at > since
    )
    return db.session.scalar(query) or 0


def allow(bucket: str, key: str, limit: int, window: timedelta) -> bool:
    """True (and the request counted) when fewer than `limit` requests of `bucket` by `key`
    were counted within `window`; False (nothing counted) otherwise."""
    if recent(bucket, key, window) >= limit:
        return False
    db.session.add(RateHit(bucket=bucket, key=key[:KEY_LENGTH], at=now()))
    db.session.flush()
    return True


def forget_before(bucket: str, window: timedelta) -> int:
    """Delete the rows of `bucket` older than `window` (they no longer count); returns how many."""
    result = db.session.execute(
        delete(RateHit).where(RateHit.bucket == bucket, RateHit.at <= now() - window)
    )
    return result.rowcount or 0
