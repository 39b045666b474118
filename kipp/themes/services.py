"""Adding themes and keeping an innovation's profile current.

Guarantees: every rule is checked before anything is written (a refused request changes
nothing); each change is flushed and audited in the same transaction, never committed here.
A theme code is never renamed or deleted. Each profile save is a validation: `validated_at`
becomes now, `version` goes up by one and a history row keeps what was saved; a stale
`version` answers 409 `stale_version`. Saves of one entry are serialised by a lock on the
entry row, so two concurrent saves cannot take the same version.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from kipp.audit.chain import record
from kipp.clock import now
from kipp.directory.visibility import is_visible
from kipp.errors import DuplicateValue, InvalidStage, StaleVersion, ValidationFailed
from kipp.extensions import db
from kipp.limits import SUMMARY_MAX, URL_MAX
from kipp.models import Entry, User
from kipp.models.themes import (
    CODE_MAX,
    LABEL_MAX,
    PROFILE_STATUSES,
    InnovationProfile,
    InnovationProfileVersion,
    Theme,
)

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
URL_RE = re.compile(r"^https?://[^\s]+$", re.I)
LINKS_MAX = 20
IMPACT_MAX = SUMMARY_MAX


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def create_theme(actor: User, data: dict) -> Theme:
    """A new theme; a code already used → 409 `conflict`."""
    code = _text(data.get("code"))
    labels = {k: _text(data.get(k)) for k in ("label_id", "label_en")}
    errors: dict = {}
    if not code or len(code) > CODE_MAX or not CODE_RE.match(code):
        errors["code"] = [
            _(
                "Use 1 to %(n)d lower-case letters, digits or underscores, starting with a letter.",
                n=CODE_MAX,
            )
        ]
    for key, value in labels.items():
        if not value or len(value) > LABEL_MAX or "\x00" in value:
            errors[key] = [_("Enter a label of 1 to %(n)d characters.", n=LABEL_MAX)]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    if db.session.get(Theme, code) is not None:
        raise DuplicateValue(
            _("A theme with the code %(code)s already exists.", code=code),
            errors={"code": [_("This code is already used.")]},
        )
    theme = Theme(code=code, **labels)
    db.session.add(theme)
    db.session.flush()
    record(actor, "theme.create", f"theme:{code}", after={"code": code, **labels})
    return theme


def _links(value) -> list[str]:
    if not isinstance(value, list) or len(value) > LINKS_MAX:
        raise ValueError
    out: list[str] = []
    for link in value:
        link = _text(link)
        if not link or len(link) > URL_MAX or not URL_RE.match(link):
            raise ValueError
        if link not in out:
            out.append(link)
    return out


def _snapshot(profile: InnovationProfile | None) -> dict | None:
    if profile is None:
        return None
    return {
        "status": profile.status,
        "impact": profile.impact,
        "links": list(profile.links or []),
        "version": profile.version,
    }


def save_profile(actor: User, entry: Entry, data: dict) -> InnovationProfile:
    """Validate the profile of a directory innovation (`status` required; `impact` and `links`
    keep their current values when left out; null impact clears it)."""
    db.session.execute(select(Entry.id).where(Entry.id == entry.id).with_for_update())
    if not is_visible(entry.id):
        raise InvalidStage(
            _("The profile can be kept only once the innovation is public in the directory.")
        )
    profile = db.session.get(InnovationProfile, entry.id)
    current = profile.version if profile else 0
    if data.get("version") is not None and data["version"] != current:
        raise StaleVersion(
            _("Someone else changed this in the meantime. Reload and try again."),
            current_version=current,
        )
    errors: dict = {}
    status = data.get("status")
    if status not in PROFILE_STATUSES:
        errors["status"] = [_("Choose running or stopped.")]
    impact = profile.impact if profile else None
    if "impact" in data:
        impact = _text(data["impact"]) or None
        if impact and (len(impact) > IMPACT_MAX or "\x00" in impact):
            errors["impact"] = [_("The impact is at most %(n)d characters.", n=IMPACT_MAX)]
    links = list(profile.links or []) if profile else []
    if "links" in data:
        try:
            links = _links(data["links"] or [])
        except ValueError:
            errors["links"] = [
                _(
                    "Give at most %(n)d links, each starting with http:// or https://.",
                    n=LINKS_MAX,
                )
            ]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    before = _snapshot(profile)
    at, actor_id, entry_id = now(), actor.id, entry.id  # read before any pending row exists
    if profile is None:
        profile = InnovationProfile(entry_id=entry_id)
    profile.status, profile.impact, profile.links = status, impact, links
    profile.version = current + 1
    profile.validated_at, profile.validated_by_id = at, actor_id
    db.session.add(profile)
    db.session.add(
        InnovationProfileVersion(
            entry_id=entry_id,
            version=profile.version,
            status=status,
            impact=impact,
            links=links,
            validated_at=at,
            validated_by_id=actor_id,
        )
    )
    db.session.flush()
    record(
        actor,
        "profile.validate",
        f"entry:{entry.id}",
        competition_id=entry.competition_id,
        before=before,
        after=_snapshot(profile),
    )
    return profile
