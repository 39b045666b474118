"""Earlier awarded years for the innovation directory (`seed_directory`, `fix_by_decree`).

`seed_directory(admin, agencies)` adds "KIPP 2021" … "KIPP 2024", each awarded, with
`per_year` eligible entries of the given agencies (titles and texts from the demo catalogue), a
published Top 20 and Top 9, about a third of the other entries made public by their agency,
and replication links: from 2022 on, about a fifth of each year's entries are in group
`replikasi` and name an earlier year's Top 9 innovation in `replicates_entry_id`.
(KIPP 2025, the finished year played through the services, is `kipp.demo.finished`.)
`fix_by_decree(admin)` then records each of those selections' decree, so they read `fixed`.
Guarantees:
- Idempotent: a year whose competition ("KIPP <year>") exists is left alone and creates nothing;
  a selection that has its decree gets no other.
- Deterministic for a given `seed`.
- Competitions are created through `create_competition` and decrees through `record_decree`
  (audited); as for the demo's closed year, entries and selections are inserted directly (no
  service may submit into or judge a year that is over) and announced by one
  `competition.seed` event on that competition's chain.
- Flushes but never commits; returns the number of entries (decrees) created.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from kipp.audit.chain import record
from kipp.competitions.defaults import DEFAULT_GROUPS, EVALUATION_CRITERIA_2023, PANEL_CRITERIA
from kipp.competitions.services import create_competition
from kipp.demo import texts
from kipp.demo.catalog import Titles, bases_for
from kipp.extensions import db
from kipp.models import (
    REPLICATION_TYPES,
    Agency,
    Competition,
    Entry,
    Selection,
    SelectionEntry,
    User,
)
from kipp.publication.decree import record_decree

YEARS = range(2021, 2025)
SHORTLIST, FINAL = 20, 9
DECREE_NUMBERS = {"shortlist": 300, "final": 500}
NOTES = (
    "Disesuaikan dengan kondisi geografis dan jumlah penduduk daerah kami.",
    "Alur layanan disederhanakan dan dipadukan dengan aplikasi daerah yang sudah ada.",
    "Diadopsi utuh setelah studi tiru, dengan pelatihan ulang petugas layanan.",
)


def seed_directory(
    admin: User, agencies: Iterable[Agency], years: Iterable[int] = YEARS, per_year: int = 70,
    seed: int = 2021,
) -> int:  # fmt: skip
    rng = random.Random(seed)
    agencies = list(agencies)
    earlier_finals: list[int] = []
    made = 0
    for year in years:
        name = f"KIPP {year}"
        found = db.session.scalar(select(Competition).where(Competition.name == name))
        if found is None:
            made += _year(rng, admin, agencies, name, year, per_year, earlier_finals)
        earlier_finals += finals_of(name)
    return made


def finals_of(name: str) -> list[int]:
    return list(
        db.session.scalars(
            select(SelectionEntry.entry_id)
            .join(Selection, Selection.id == SelectionEntry.selection_id)
            .join(Competition, Competition.id == Selection.competition_id)
            .where(Competition.name == name, Selection.tier == "final")
        )
    )


def new_competition(admin: User, name: str, year: int) -> Competition:
    """A demo-sized year ("KIPP <year>": Top 20 and Top 9) whose window was March–June."""
    return create_competition(
        admin,
        {
            "name": name,
            "year": year,
            "timezone": "Asia/Jakarta",
            "submission_opens_at": datetime(year, 3, 1, 1, 0, tzinfo=UTC),
            "submission_closes_at": _closes(year),
            "shortlist_size": SHORTLIST,
            "final_size": FINAL,
            "groups": DEFAULT_GROUPS,
            "criteria": EVALUATION_CRITERIA_2023,
            "panel_criteria": PANEL_CRITERIA,
        },
    )


def _closes(year: int) -> datetime:
    return datetime(year, 6, 30, 16, 59, 59, tzinfo=UTC)


def eligible_entries(rng, comp: Competition, agencies, per_year: int, earlier_finals) -> list:
    """`per_year` eligible entries of `comp` (added and flushed), agencies taken in turn; about
    a fifth replicate one of `earlier_finals` when there are any."""
    closes = _closes(comp.year)
    criteria = [(c.code, c.word_limit) for c in comp.round_criteria("evaluation")]
    titles = Titles()
    rows = []
    for i in range(per_year):
        agency = agencies[i % len(agencies)]
        base = rng.choice(bases_for(agency.kind, agency.name))
        title = titles.take(rng, base)
        started = date(comp.year - rng.randint(2, 6), rng.randint(1, 12), 1)
        ctx = texts.context(rng, base, agency.name, agency.kind, agency.province, started)
        entry = Entry(
            competition_id=comp.id,
            agency_id=agency.id,
            title=title,
            group="umum",
            category=base.category,
            summary=texts.summary(ctx),
            answers=texts.answers(rng, title, ctx, criteria),
            started_on=started,
            video_url=f"https://youtu.be/{rng.randbytes(8).hex()[:11]}",
            status="eligible",
            submitted_at=closes - timedelta(days=rng.randint(1, 60)),
            public=rng.random() < 0.35,
        )
        if earlier_finals and rng.random() < 0.2:
            entry.group = "replikasi"
            entry.replicates_entry_id = rng.choice(earlier_finals)
            entry.replication_type = rng.choice(REPLICATION_TYPES)
            entry.replication_notes = rng.choice(NOTES)
        rows.append(entry)
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _year(rng, admin, agencies, name, year, per_year, earlier_finals) -> int:
    comp = new_competition(admin, name, year)
    comp.stage = "awarded"  # a year that is over: nothing is judged again here
    rows = eligible_entries(rng, comp, agencies, per_year, earlier_finals)
    ranked = rng.sample(rows, len(rows))
    published = _closes(year) + timedelta(days=90)
    for tier, chosen in (("shortlist", ranked[:SHORTLIST]), ("final", ranked[:FINAL])):
        sel = Selection(
            competition_id=comp.id,
            tier=tier,
            status="final",
            size=len(chosen),
            created_by_id=admin.id,
            finalized_at=published,
            published_at=published,
        )
        db.session.add(sel)
        db.session.flush()
        db.session.add_all(
            SelectionEntry(selection_id=sel.id, entry_id=e.id, place=k)
            for k, e in enumerate(chosen, 1)
        )
    db.session.flush()
    record(
        admin,
        "competition.seed",
        f"competition:{comp.id}",
        competition_id=comp.id,
        after={"source": "kipp.demo.directory", "entries": len(rows)},
    )
    return len(rows)


def fix_by_decree(admin: User, years: Iterable[int] = YEARS) -> int:
    """Record a decree (`kipp.publication.decree.record_decree`, audited) for every published
    selection of the given years that has none, signed two weeks after its publication: their
    public status becomes `fixed`. Returns how many were recorded (0 on a second run)."""
    names = [f"KIPP {year}" for year in years]
    open_ = db.session.scalars(
        select(Selection)
        .join(Competition, Competition.id == Selection.competition_id)
        .where(
            Competition.name.in_(names),
            Selection.published_at.is_not(None),
            Selection.decree_number.is_(None),
        )
        .order_by(Selection.id)
    )
    made = 0
    for sel in list(open_):
        year = db.session.get(Competition, sel.competition_id).year
        number = f"{DECREE_NUMBERS[sel.tier] + year % 100}/KEP/M.PANRB/{year}"
        record_decree(admin, sel, number, sel.published_at.date() + timedelta(days=14))
        made += 1
    return made
