"""A competition's extra awards and pass mark: checking and applying the settings.

Guarantees
- `extra_awards` is a list of at most `AWARDS_MAX` awards `{"code","label","group","size"}`:
  codes are lowercase letters, digits and _ (starting with a letter, at most 15 characters),
  unique, and never a built-in tier (`shortlist`, `final`); the label is non-blank text of at
  most 200 characters; the group is one of the competition's groups (those given in the same
  request, else the current ones); the size is a whole number 1..SIZE_MAX. Errors name the
  field: `extra_awards.<index>.<field>`.
- The awards change only before stage `final`, where they are selected (InvalidStage); sending
  the current awards is no change.
- `pass_mark` is null or a number 0..100 with at most 2 decimals; it changes only before stage
  `shortlist`, where the evaluation ranking is first selected from (InvalidStage).
- A change is audited (`competition.awards`, before/after) on the competition's chain. Every
  check runs before anything is written: the caller raises once with all the errors.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from kipp.audit.chain import record
from kipp.errors import InvalidStage
from kipp.extensions import db
from kipp.limits import SIZE_MAX
from kipp.models import Competition, Stage, User
from kipp.models.awards import AWARD_CODE_MAX, AWARD_LABEL_MAX, BUILTIN_TIERS, ExtraAward

AWARDS_MAX = 20
AWARD_CODE_RE = re.compile(rf"^[a-z][a-z0-9_]{{0,{AWARD_CODE_MAX - 1}}}$")
_ABSENT = object()


def awards_state(comp: Competition) -> dict:
    """The settings this module owns, as the audit records them."""
    return {
        "pass_mark": str(comp.pass_mark) if comp.pass_mark is not None else None,
        "extra_awards": [a.definition() for a in comp.extra_awards],
    }


def _check_award(i: int, item: dict, groups: set[str], seen: set[str], errors: dict) -> None:
    field = f"extra_awards.{i}"
    code = item.get("code")
    if not isinstance(code, str) or not AWARD_CODE_RE.match(code):
        errors[f"{field}.code"] = [
            _(
                "Codes use lowercase letters, digits and _, start with a letter and have at "
                "most %(n)d characters.",
                n=AWARD_CODE_MAX,
            )
        ]
    elif code in BUILTIN_TIERS:
        errors[f"{field}.code"] = [_("The codes shortlist and final belong to the built-in tiers.")]
    elif code in seen:
        errors[f"{field}.code"] = [_("Award codes must be unique.")]
    else:
        seen.add(code)
    label = item.get("label")
    if not isinstance(label, str) or not label.strip() or len(label.strip()) > AWARD_LABEL_MAX:
        errors[f"{field}.label"] = [
            _("Give the award's label (at most %(n)d characters).", n=AWARD_LABEL_MAX)
        ]
    if item.get("group") not in groups:
        errors[f"{field}.group"] = [
            _(
                "No such group in this competition; choose one of: %(groups)s.",
                groups=", ".join(sorted(groups)) or "-",
            )
        ]
    size = item.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= SIZE_MAX:
        errors[f"{field}.size"] = [_("A whole number from 1 to %(n)d.", n=SIZE_MAX)]


def parse_pass_mark(value) -> Decimal | None:
    """The pass mark as a Decimal (None for none); ValueError when out of range or too precise."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    try:
        mark = Decimal(str(value))
    except InvalidOperation:
        raise ValueError from None
    if not mark.is_finite() or not 0 <= mark <= 100 or mark != mark.quantize(Decimal("0.01")):
        raise ValueError
    return mark.quantize(Decimal("0.01"))


def check_awards(comp: Competition | None, data: dict, errors: dict) -> None:
    """Add the errors of `extra_awards` and `pass_mark` in `data` to `errors`; raise
    InvalidStage when a change comes too late (`comp` None: a competition being created)."""
    if "pass_mark" in data:
        try:
            mark = parse_pass_mark(data["pass_mark"])
        except ValueError:
            errors["pass_mark"] = [_("A number from 0 to 100 with at most 2 decimals, or empty.")]
        else:
            if comp is not None and mark != comp.pass_mark and comp.reached(Stage.SHORTLIST):
                raise InvalidStage(_("The pass mark can only change before the shortlist stage."))
    items = data.get("extra_awards", _ABSENT)
    if (items is _ABSENT or items is None) and comp is not None and data.get("groups"):
        items = [a.definition() for a in comp.extra_awards]  # still valid with the new groups?
    if items is _ABSENT or items is None:
        return
    if not isinstance(items, list) or len(items) > AWARDS_MAX:
        errors["extra_awards"] = [_("At most %(n)d extra awards.", n=AWARDS_MAX)]
        return
    if "groups" in data and data["groups"]:
        groups = set(data["groups"])
    elif comp is not None:
        groups = {g.code for g in comp.groups}
    else:
        from kipp.competitions.defaults import DEFAULT_GROUPS

        groups = set(DEFAULT_GROUPS)
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errors[f"extra_awards.{i}"] = [_("Each award is an object.")]
            continue
        _check_award(i, item, groups, seen, errors)
    if comp is not None and not errors and comp.reached(Stage.FINAL):
        current = [a.definition() for a in comp.extra_awards]
        if _definitions(items) != current:
            raise InvalidStage(_("Extra awards can only change before the final stage."))


def _definitions(items: list[dict]) -> list[dict]:
    return [
        {"code": i["code"], "label": i["label"].strip(), "group": i["group"], "size": i["size"]}
        for i in items
    ]


def _rows(items: list[dict]) -> list[ExtraAward]:
    return [ExtraAward(position=n, **d) for n, d in enumerate(_definitions(items))]


def apply_awards(actor: User | None, comp: Competition, data: dict) -> None:
    """Write the checked `extra_awards` and `pass_mark` of `data` onto `comp`; audit a change
    when `actor` is given (an update; a new competition's creation event covers it)."""
    before = awards_state(comp) if comp.id is not None else None
    if "pass_mark" in data:
        comp.pass_mark = parse_pass_mark(data["pass_mark"])
    items = data.get("extra_awards")
    if items is not None and _definitions(items) != [a.definition() for a in comp.extra_awards]:
        if comp.extra_awards:
            comp.extra_awards = []
            db.session.flush()  # delete before insert: (competition, code) is unique
        comp.extra_awards = _rows(items)
    if actor is not None and before is not None:
        after = awards_state(comp)
        if after != before:
            db.session.flush()
            record(
                actor,
                "competition.awards",
                f"competition:{comp.id}",
                competition_id=comp.id,
                before=before,
                after=after,
            )
