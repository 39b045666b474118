"""Builders for judging tests: an evaluation-stage competition with eligible entries and
reviewers, assignments, submitted sheets and a finalised shortlist.

Everything goes through the services where one exists (so audit events exist as in real
use); stage jumps and the finalised shortlist are written directly, as `make.competition`
does, because their own rules are tested elsewhere. Names here are imported by other test
modules: keep them stable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from kipp.extensions import db
from kipp.judging import assignments as assignment_service
from kipp.judging import scoring
from kipp.models import Assignment, Competition, Entry, Selection, SelectionEntry, User

EVALUATION_CODES = (
    "ringkasan",
    "latar_belakang",
    "kebaruan",
    "implementasi",
    "signifikansi",
    "adaptabilitas",
    "sumber_daya",
    "keberlanjutan",
)
PANEL_CODES = ("substansi", "dampak", "presentasi")


@dataclass
class JudgingWorld:
    comp: Competition
    admin: User
    owners: list[User]  # agency accounts, one per agency
    entries: list[Entry]  # eligible entries, entry i belongs to owners[i % len(owners)]
    reviewers: list[User]  # evaluators without a home agency
    panel: list[User] = field(default_factory=list)  # panelists, chair last

    @property
    def agency_ids(self) -> list[int]:
        return [o.agency_id for o in self.owners]

    @property
    def chair(self) -> User | None:
        return self.panel[-1] if self.panel else None


def evaluation_setup(
    make,
    n_entries: int = 4,
    n_reviewers: int = 3,
    n_agencies: int | None = None,
    n_panelists: int = 0,
    stage: str = "evaluation",
    **competition,
) -> JudgingWorld:
    """A competition in `stage` with `n_entries` eligible entries spread round-robin over
    `n_agencies` agencies (default: one per entry), `n_reviewers` evaluators and, when
    `n_panelists` > 0, that many panelists plus one chair."""
    comp = make.competition(stage=stage, **competition)
    admin = make.admin()
    owners = [make.user("agency") for _ in range(n_agencies or max(n_entries, 1))]
    entries = [
        make.entry(comp, owners[i % len(owners)], status="eligible") for i in range(n_entries)
    ]
    reviewers = [make.user("evaluator") for _ in range(n_reviewers)]
    panel = [make.user("panelist") for _ in range(n_panelists)]
    if n_panelists:
        panel.append(make.user("chair"))
    return JudgingWorld(comp, admin, owners, entries, reviewers, panel)


def set_stage(comp: Competition, stage: str) -> None:
    """Jump the competition to `stage` (the stage rules have their own tests)."""
    db.session.execute(db.update(Competition).where(Competition.id == comp.id).values(stage=stage))
    db.session.commit()
    db.session.refresh(comp)


def assign(world_or_comp, entry: Entry, reviewer: User, round_: str = "evaluation") -> Assignment:
    """Assign through the service (stage, eligibility and conflicts are checked)."""
    comp = getattr(world_or_comp, "comp", world_or_comp)
    a = assignment_service.create_assignment(None, comp, entry, reviewer, round_)
    db.session.commit()
    return a


def full_values(assignment: Assignment, value: object = 80) -> dict:
    """Every criterion of the assignment's round scored `value`."""
    return {code: value for code in scoring.weights(assignment)}


def save_draft(assignment: Assignment, values: dict) -> Assignment:
    scoring.save_sheet(assignment.user, assignment, values)
    db.session.commit()
    return assignment


def submit_sheet(assignment: Assignment, values: dict | object) -> Assignment:
    """Save `values` (a {code: value} map, or one value for every criterion) and submit, as
    the assigned reviewer. The competition must be in the round's stage."""
    if not isinstance(values, dict):
        values = full_values(assignment, values)
    scoring.save_sheet(assignment.user, assignment, values)
    scoring.submit_sheet(assignment.user, assignment)
    db.session.commit()
    return assignment


def selection(comp: Competition, tier: str, entries: list[Entry], chair: User, **columns):
    """A selection of `tier` holding `entries` in the given order (written directly and
    committed): final, sized to the entries, empty snapshot, unless `columns` say otherwise."""
    defaults = {
        "status": "final",
        "size": len(entries),
        "snapshot": {},
        "snapshot_sha256": "0" * 64,
    }
    sel = Selection(
        competition_id=comp.id,
        tier=tier,
        created_by_id=chair.id,
        **(defaults | columns),
    )
    sel.entries = [
        SelectionEntry(entry_id=e.id, place=i + 1, rank=i + 1, score=Decimal("80"))
        for i, e in enumerate(entries)
    ]
    db.session.add(sel)
    db.session.commit()
    return sel


def finalised_shortlist(comp: Competition, entries: list[Entry], chair: User) -> Selection:
    """A finalised shortlist holding `entries` in the given order (written directly)."""
    return selection(comp, "shortlist", entries, chair)


def pairs(comp_id: int, round_: str = "evaluation") -> set[tuple[int, int]]:
    """The (entry id, reviewer id) pairs assigned in the round, read afresh."""
    db.session.expire_all()
    return set(
        db.session.execute(
            select(Assignment.entry_id, Assignment.user_id).where(
                Assignment.competition_id == comp_id, Assignment.round == round_
            )
        ).all()
    )


def reload(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)
