"""Reads for themes and innovation profiles.

A theme's label is the one in the caller's language (`id` or `en`, from flask_babel); lists
are ordered by that label. `profile_of` answers for any entry: an entry never validated has
version 0 and no status, links or date.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import get_locale
from sqlalchemy import select

from kipp.clock import local, now
from kipp.extensions import db
from kipp.models.themes import InnovationProfile, InnovationProfileVersion, Theme

STALE_AFTER = timedelta(days=365)


def language() -> str:
    return "en" if str(get_locale() or "id").startswith("en") else "id"


def label(theme: Theme) -> str:
    return theme.label_en if language() == "en" else theme.label_id


def themes() -> list[dict]:
    """Every theme as {code, label}, by label in the caller's language."""
    rows = db.session.scalars(select(Theme)).all()
    return sorted(({"code": t.code, "label": label(t)} for t in rows), key=_by_label)


def _by_label(item: dict) -> tuple:
    return (item["label"].casefold(), item["code"])


def theme_rows() -> list[Theme]:
    """Every theme row, by code (the secretariat's list shows both labels)."""
    return db.session.scalars(select(Theme).order_by(Theme.code)).all()


def theme_labels() -> dict[str, str]:
    return {t["code"]: t["label"] for t in themes()}


def theme_label(code: str | None) -> str | None:
    if not code:
        return None
    theme = db.session.get(Theme, code)
    return label(theme) if theme else code


def exists(code: str) -> bool:
    return db.session.get(Theme, code) is not None


def fresh_since():
    """Validated at or after this instant: not stale (stale is more than 365 days ago)."""
    return now() - STALE_AFTER


def is_stale(validated_at) -> bool:
    return validated_at is None or validated_at < fresh_since()


def validated_iso(value) -> str | None:
    """ISO 8601 in Jakarta time (as the API gives every time), or None."""
    return local(value, "Asia/Jakarta").isoformat() if value else None


def profile_of(entry_id: int) -> dict:
    profile = db.session.get(InnovationProfile, entry_id)
    if profile is None:
        return {
            "entry_id": entry_id,
            "status": None,
            "impact": None,
            "links": [],
            "version": 0,
            "validated_at": None,
            "stale": True,
        }
    return {
        "entry_id": entry_id,
        "status": profile.status,
        "impact": profile.impact,
        "links": list(profile.links or []),
        "version": profile.version,
        "validated_at": profile.validated_at,
        "stale": is_stale(profile.validated_at),
    }


def history(entry_id: int) -> list[InnovationProfileVersion]:
    """Every validation of the profile, newest first."""
    return db.session.scalars(
        select(InnovationProfileVersion)
        .where(InnovationProfileVersion.entry_id == entry_id)
        .order_by(InnovationProfileVersion.version.desc())
    ).all()
