"""The one place the app reads the time, always timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime, tz: str = "Asia/Jakarta") -> datetime:
    """Return `value` in UTC; a naive value is read in the timezone `tz`."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(UTC)


def local(value: datetime | None, tz: str = "Asia/Jakarta") -> datetime | None:
    return None if value is None else value.astimezone(ZoneInfo(tz))
