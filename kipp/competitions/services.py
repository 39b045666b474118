"""Create and change competitions.

Guarantees: weights of each round are non-negative integers summing to 100 with unique codes;
criteria change only in stage `draft`; `blind_review` changes only before stage `evaluation`
(InvalidStage); a stale `version` raises StaleVersion; nothing is written when a rule fails.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from kipp.audit.chain import record
from kipp.clock import as_utc
from kipp.competitions import group_rules
from kipp.competitions.awards import apply_awards, check_awards
from kipp.competitions.criteria import CODE_RE, check_criteria, criterion_fields
from kipp.competitions.defaults import DEFAULT_GROUPS, PANEL_CRITERIA
from kipp.errors import InvalidStage, StaleVersion, ValidationFailed
from kipp.extensions import db
from kipp.models import Competition, CompetitionGroup, Criterion, Stage, User


def snapshot(c: Competition) -> dict:
    return {
        "name": c.name,
        "year": c.year,
        "timezone": c.timezone,
        "stage": c.stage,
        "submission_opens_at": c.submission_opens_at.isoformat(),
        "submission_closes_at": c.submission_closes_at.isoformat(),
        "shortlist_size": c.shortlist_size,
        "final_size": c.final_size,
        "evaluators_per_entry": c.evaluators_per_entry,
        "blind_review": c.blind_review,
        "groups": {g.code: group_rules.group_out(g) for g in c.groups},
        "criteria": [
            {"round": k.round, "code": k.code, "weight": k.weight, "word_limit": k.word_limit}
            for k in c.criteria
        ],
    }


def _check_dates(tz: str, opens: datetime | None, closes: datetime | None, errors: dict):
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = [_("Unknown timezone.")]
        return None, None
    opens_utc = as_utc(opens, tz) if opens else None
    closes_utc = as_utc(closes, tz) if closes else None
    if opens_utc and closes_utc and opens_utc >= closes_utc:
        errors["submission_closes_at"] = [_("The closing time must be after the opening time.")]
    return opens_utc, closes_utc


def _check_sizes(data: dict, errors: dict) -> None:
    for key in ("shortlist_size", "final_size", "evaluators_per_entry"):
        if key in data and (data[key] is None or data[key] < 1):
            errors[key] = [_("Must be at least 1.")]
    shortlist = data.get("shortlist_size")
    final = data.get("final_size")
    if shortlist and final and final > shortlist:
        errors["final_size"] = [_("The final tier cannot be larger than the shortlist.")]


def _criteria_rows(items: list[dict], round_: str) -> list[Criterion]:
    return [Criterion(round=round_, **criterion_fields(i, n)) for n, i in enumerate(items)]


def create_competition(actor: User, data: dict) -> Competition:
    errors: dict = {}
    tz = data.get("timezone") or "Asia/Jakarta"
    if not (data.get("name") or "").strip():
        errors["name"] = [_("Enter the competition's name.")]
    opens, closes = _check_dates(
        tz, data.get("submission_opens_at"), data.get("submission_closes_at"), errors
    )
    _check_sizes(data, errors)
    groups = data.get("groups") or DEFAULT_GROUPS
    for code, g in groups.items():
        if (
            not CODE_RE.match(code)
            or g.get("quota", -1) < 0
            or g.get("min_implementation_years", -1) < 0
        ):
            errors.setdefault("groups", []).append(
                _("Group %(code)s needs a quota and minimum years of 0 or more.", code=code)
            )
    criteria = data.get("criteria") or []
    panel = data.get("panel_criteria") if data.get("panel_criteria") is not None else PANEL_CRITERIA
    check_criteria(criteria, "criteria", errors)
    check_criteria(panel, "panel_criteria", errors)
    # --- group-rules: check (create)
    group_rules.check_groups(groups, errors)
    # --- awards: check (create)
    check_awards(None, data, errors)
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    comp = Competition(
        name=data["name"].strip(),
        year=data["year"],
        timezone=tz,
        submission_opens_at=opens,
        submission_closes_at=closes,
        shortlist_size=data.get("shortlist_size") or 99,
        final_size=data.get("final_size") or 45,
        evaluators_per_entry=data.get("evaluators_per_entry") or 2,
        blind_review=bool(data.get("blind_review", False)),
        stage="draft",
    )
    comp.groups = [
        CompetitionGroup(
            code=code, quota=g["quota"], min_implementation_years=g["min_implementation_years"]
        )
        for code, g in groups.items()
    ]
    comp.criteria = _criteria_rows(criteria, "evaluation") + _criteria_rows(panel, "panel")
    # --- group-rules: apply (create)
    group_rules.apply_groups(comp, groups)
    # --- awards: apply (create)
    apply_awards(None, comp, data)
    db.session.add(comp)
    db.session.flush()
    record(
        actor,
        "competition.create",
        f"competition:{comp.id}",
        competition_id=comp.id,
        after=snapshot(comp),
    )
    return comp


def check_version(obj, version: int | None) -> None:
    if version is not None and version != obj.version:
        raise StaleVersion(
            _("Someone else changed this in the meantime. Reload and try again."),
            current_version=obj.version,
        )


def update_competition(actor: User, comp: Competition, data: dict) -> Competition:
    """Change name, dates and sizes any time; criteria and groups only in `draft`;
    `blind_review` until stage `evaluation` (sending the current value is no change)."""
    check_version(comp, data.get("version"))
    errors: dict = {}
    blind = bool(data.get("blind_review", comp.blind_review))
    if blind != comp.blind_review and comp.reached(Stage.EVALUATION):
        raise InvalidStage(
            _("Blind review can only be switched on or off before the evaluation stage.")
        )
    if ("criteria" in data or "panel_criteria" in data or "groups" in data) and (
        comp.stage != Stage.DRAFT
    ):
        raise InvalidStage(
            _("Criteria and groups can only change while the competition is a draft.")
        )
    tz = data.get("timezone") or comp.timezone
    opens, closes = _check_dates(
        tz,
        data.get("submission_opens_at") or comp.submission_opens_at,
        data.get("submission_closes_at") or comp.submission_closes_at,
        errors,
    )
    sizes = {
        k: data.get(k, getattr(comp, k))
        for k in ("shortlist_size", "final_size", "evaluators_per_entry")
    }
    _check_sizes(sizes, errors)
    if "name" in data and not (data["name"] or "").strip():
        errors["name"] = [_("Enter the competition's name.")]
    for key in ("criteria", "panel_criteria"):
        if key in data:
            check_criteria(data[key], key, errors)
    # --- group-rules: check (update)
    if "groups" in data:
        group_rules.check_groups(data["groups"], errors)
    # --- awards: check (update)
    check_awards(comp, data, errors)
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    before = snapshot(comp)
    comp.name = (data.get("name") or comp.name).strip()
    comp.year = data.get("year", comp.year)
    comp.timezone, comp.submission_opens_at, comp.submission_closes_at = tz, opens, closes
    for key, value in sizes.items():
        setattr(comp, key, value)
    comp.blind_review = blind
    if "groups" in data:
        comp.groups = []
        db.session.flush()  # delete before insert: (competition, code) is unique
        comp.groups = [
            CompetitionGroup(
                code=c, quota=g["quota"], min_implementation_years=g["min_implementation_years"]
            )
            for c, g in data["groups"].items()
        ]
    if "criteria" in data or "panel_criteria" in data:
        rounds = {"evaluation": data.get("criteria"), "panel": data.get("panel_criteria")}
        for round_, items in rounds.items():
            if items is None:
                rounds[round_] = [k.definition() for k in comp.round_criteria(round_)]
        comp.criteria = []
        db.session.flush()
        comp.criteria = _criteria_rows(rounds["evaluation"], "evaluation") + _criteria_rows(
            rounds["panel"], "panel"
        )
    # --- group-rules: apply (update)
    if "groups" in data:
        group_rules.apply_groups(comp, data["groups"])
    # --- awards: apply (update)
    apply_awards(actor, comp, data)
    db.session.flush()
    record(
        actor,
        "competition.update",
        f"competition:{comp.id}",
        competition_id=comp.id,
        before=before,
        after=snapshot(comp),
    )
    return comp
