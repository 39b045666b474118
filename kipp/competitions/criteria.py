"""A competition's weighted criteria, as the secretariat sends them: the rule they must meet
(unique codes, names, whole weights summing to 100, word limits of 1 or more) and the columns
of their rows. Shared by the competition's own criteria and a group's
(kipp.competitions.group_rules).
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def check_criteria(items: list[dict], field: str, errors: dict) -> None:
    if not items:
        errors[field] = [_("Give at least one criterion.")]
        return
    codes = [i.get("code", "") for i in items]
    problems = []
    if len(set(codes)) != len(codes):
        problems.append(_("Criterion codes must be unique."))
    if any(not CODE_RE.match(code or "") for code in codes):
        problems.append(_("Codes use lowercase letters, digits and _ and start with a letter."))
    if any(not (i.get("name") or "").strip() for i in items):
        problems.append(_("Every criterion needs a name."))
    weights = [i.get("weight") for i in items]
    if any(not isinstance(w, int) or isinstance(w, bool) or w < 0 for w in weights):
        problems.append(_("Weights are whole numbers of 0 or more."))
    elif sum(weights) != 100:
        problems.append(_("Weights must add up to 100 (now %(sum)d).", sum=sum(weights)))
    if any(i.get("word_limit") is not None and i["word_limit"] < 1 for i in items):
        problems.append(_("A word limit must be at least 1."))
    if problems:
        errors[field] = problems


def criterion_fields(item: dict, position: int) -> dict:
    """A checked criterion item as the columns of its row (competition or group criteria)."""
    return {
        "code": item["code"],
        "name": item["name"].strip(),
        "weight": item["weight"],
        "word_limit": item.get("word_limit"),
        "guidance": item.get("guidance"),
        "position": position,
    }
