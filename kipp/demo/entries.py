"""Demo entries: a screened-in-progress KIPP 2026 and a few open drafts for KIPP 2027.

Guarantees for KIPP 2026 (`build_closed_year`): deterministic for a given seed; every status
is present; submitted, eligible and ineligible entries respect the per-agency group quotas;
submissions fall inside the window (bunched before the deadline, as in real years); screened
entries carry screened_at/by, and ineligible ones at least one known reason code with a note
that matches what is wrong with the entry (too-young start date, careless answers, ...).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from kipp.clock import local, now
from kipp.demo import texts
from kipp.demo.catalog import BASES, ORIGINS, Titles, bases_for
from kipp.demo.people import DEMO_AGENCY
from kipp.entries.rules import years_before
from kipp.models import REPLICATION_TYPES, Agency, Competition, Entry, User

TOTALS = {"draft": 22, "submitted": 24, "eligible": 50, "ineligible": 24}
KIND_WEIGHT = {
    "kabupaten": 4, "kota": 4, "provinsi": 3, "kementerian": 3, "lembaga": 2, "bumn": 2, "bumd": 2,
}  # fmt: skip
# Entries every demo agency account should see: (agency, status, group, rejection index).
FIXED = [
    (DEMO_AGENCY, "draft", "umum", None),
    (DEMO_AGENCY, "draft", "replikasi", None),
    (DEMO_AGENCY, "submitted", "umum", None),
    (DEMO_AGENCY, "submitted", "replikasi", None),
    (DEMO_AGENCY, "eligible", "umum", None),
    (DEMO_AGENCY, "eligible", "umum", None),
    (DEMO_AGENCY, "eligible", "replikasi", None),
    (DEMO_AGENCY, "ineligible", "umum", 0),
    (DEMO_AGENCY, "ineligible", "umum", 2),
    ("Kota Makassar", "eligible", "umum", None),
    ("Kota Makassar", "draft", "umum", None),
    ("Kota Makassar", "ineligible", "replikasi", 1),
    ("Kabupaten Kepulauan Aru", "eligible", "umum", None),
    ("Kabupaten Kepulauan Aru", "submitted", "replikasi", None),
    ("Kementerian Kesehatan", "eligible", "umum", None),
    ("Kementerian Kesehatan", "draft", "umum", None),
]
REJECTIONS = [
    ["implementation_too_young"],
    ["incomplete_answers"],
    ["missing_documents"],
    ["duplicate_title"],
    ["previous_winner"],
    ["off_theme"],
    ["incomplete_answers", "missing_documents"],
    ["implementation_too_young", "missing_documents"],
]


def _day(rng, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


class ClosedYear:
    """Builds the KIPP 2026 entries in memory; the caller adds and flushes them."""

    def __init__(self, rng, comp: Competition, agencies: list[Agency], admin: User):
        self.rng, self.comp, self.admin = rng, comp, admin
        self.agencies = agencies
        self.by_name = {a.name: a for a in agencies}
        self.titles = Titles()
        self.used: Counter = Counter()  # (agency id, group) → entries counting against quota
        self.closing = local(comp.submission_closes_at, comp.timezone).date()
        self.criteria = [(c.code, c.word_limit) for c in comp.round_criteria("evaluation")]
        self.names = {c.code: c.name for c in comp.round_criteria("evaluation")}
        self.groups = {g.code: g for g in comp.groups}

    # ------------------------------------------------------------------ planning
    def plan(self) -> list[tuple[Agency, str, str, int | None]]:
        rng, rows = self.rng, []
        left = Counter(TOTALS)
        for name, status, group, rejection in FIXED:
            rows.append(self._take(self.by_name[name], status, group, rejection))
            left[status] -= 1
        statuses = [s for s, n in left.items() for _ in range(n)]
        rng.shuffle(statuses)
        weights = [KIND_WEIGHT[a.kind] for a in self.agencies]
        n_rejected = 0
        for status in statuses:
            group = "replikasi" if rng.random() < 0.25 else "umum"
            while True:
                agency = rng.choices(self.agencies, weights)[0]
                if status == "draft" or self._room(agency, group):
                    break
            rejection = None
            if status == "ineligible":
                rejection, n_rejected = n_rejected % len(REJECTIONS), n_rejected + 1
            rows.append(self._take(agency, status, group, rejection))
        return rows

    def _room(self, agency: Agency, group: str) -> bool:
        return self.used[(agency.id, group)] < self.groups[group].quota

    def _take(self, agency, status, group, rejection):
        if status != "draft":
            if not self._room(agency, group):  # only FIXED could get here: a data error
                raise ValueError(f"demo plan overruns the {group} quota of {agency.name}")
            self.used[(agency.id, group)] += 1
        return agency, status, group, rejection

    # ------------------------------------------------------------------ rows
    def build(self) -> list[Entry]:
        rows = [self._entry(*planned) for planned in self.plan()]
        self._duplicate_titles(rows)
        return rows

    def _started(self, group: str, status: str) -> date | None:
        rng, years = self.rng, self.groups[group].min_implementation_years
        latest = years_before(self.closing, years)
        if status == "draft" and rng.random() < 0.3:
            return None
        first = date(2016, 1, 1) if group == "umum" else date(2022, 1, 1)
        return _day(rng, first, latest - timedelta(days=30))

    def _entry(self, agency: Agency, status: str, group: str, rejection: int | None) -> Entry:
        rng, comp = self.rng, self.comp
        base = rng.choice(bases_for(agency.kind, agency.name))
        title = self.titles.take(rng, base)
        started = self._started(group, status)
        ctx = texts.context(rng, base, agency.name, agency.kind, agency.province, started)
        entry = Entry(
            competition_id=comp.id,
            agency_id=agency.id,
            title=title,
            group=group,
            category=base.category,
            summary=texts.summary(ctx),
            answers=texts.answers(rng, title, ctx, self.criteria),
            started_on=started,
            video_url=f"https://youtu.be/{rng.randbytes(8).hex()[:11]}",
            status=status,
        )
        if group == "replikasi":
            origin, tier = rng.choice(ORIGINS)
            entry.replicates = f"{base.acronym}: {base.phrase} — {origin} ({tier})"
            entry.replication_type = rng.choice(REPLICATION_TYPES)
        if status == "draft":
            self._unfinished(entry)
        else:
            self._submitted(entry)
        if rejection is not None:
            self._reject(entry, REJECTIONS[rejection])
        return entry

    def _unfinished(self, entry: Entry) -> None:
        """Drafts stop somewhere: missing answers, no video, sometimes no summary."""
        rng, comp = self.rng, self.comp
        if rng.random() < 0.6:
            for code in rng.sample(sorted(entry.answers), rng.randint(1, 5)):
                del entry.answers[code]
        if rng.random() < 0.5:
            entry.video_url = None
        if rng.random() < 0.2:
            entry.summary = ""
        span = comp.submission_closes_at - comp.submission_opens_at
        entry.created_at = (comp.submission_opens_at + span * rng.random()).replace(microsecond=0)
        entry.updated_at = min(
            entry.created_at + timedelta(days=rng.randint(0, 20)), comp.submission_closes_at
        )

    def _submitted(self, entry: Entry) -> None:
        rng, comp = self.rng, self.comp
        opens, closes = comp.submission_opens_at, comp.submission_closes_at
        if rng.random() < 0.5:  # the rush of the last three days
            at = closes - timedelta(seconds=rng.randint(0, 3 * 86400))
        else:
            at = opens + (closes - opens) * rng.random()
        at = at.replace(microsecond=0)
        entry.submitted_at = at
        entry.created_at = max(opens, at - timedelta(days=rng.randint(1, 40)))
        entry.updated_at = at
        if entry.status in ("eligible", "ineligible"):
            entry.screening_reasons, entry.screening_note = [], None
            entry.screened_by_id = self.admin.id
            later = closes + timedelta(minutes=rng.randint(20 * 60, 240 * 60))
            entry.screened_at = min(now(), later)

    def _reject(self, entry: Entry, codes: list[str]) -> None:
        rng, notes = self.rng, []
        entry.screening_reasons = list(codes)
        if "implementation_too_young" in codes:
            years = self.groups[entry.group].min_implementation_years
            limit = years_before(self.closing, years)
            opening = local(self.comp.submission_opens_at, self.comp.timezone).date()
            last = min(limit + timedelta(days=300), opening - timedelta(days=30))
            entry.started_on = _day(rng, limit + timedelta(days=30), last)
            notes.append(
                f"Inovasi mulai diterapkan {entry.started_on:%d-%m-%Y}; pada tanggal penutupan "
                f"usianya belum {years} tahun."
            )
        if "incomplete_answers" in codes:
            careless = rng.sample([c for c in self.names if c != "ringkasan"], 3)
            for code in careless:
                entry.answers[code] = rng.choice(texts.CARELESS)
            names = ", ".join(self.names[c] for c in careless)
            notes.append(f"Jawaban kriteria {names} tidak diisi dengan sungguh-sungguh.")
        if "missing_documents" in codes:
            entry.video_url = None
            notes.append("SK penetapan inovator tidak diunggah dan tautan video tidak ada.")
        if "duplicate_title" in codes:
            notes.append("Judul sama persis dengan proposal lain dalam kompetisi ini.")
        if "previous_winner" in codes:
            notes.append(f"Inovasi ini telah masuk Top 45 KIPP {rng.choice([2019, 2021, 2023])}.")
        if "off_theme" in codes:
            notes.append(
                "Proposal menguraikan pembangunan fisik gedung kantor, bukan inovasi pelayanan "
                "publik."
            )
        entry.screening_note = " ".join(notes)

    def _duplicate_titles(self, rows: list[Entry]) -> None:
        """Give each duplicate_title rejection the title of another entry, same agency first."""
        for entry in rows:
            if "duplicate_title" not in (entry.screening_reasons or []):
                continue
            others = [r for r in rows if r is not entry and r.status != "draft"]
            same = [r for r in others if r.agency_id == entry.agency_id]
            entry.title = self.rng.choice(same or others).title


def open_year_drafts(comp: Competition, today: date) -> list[dict]:
    """Three drafts for the demo agency in the open competition: ready, unfinished, too young."""
    rng = random.Random(2027)
    criteria = [(c.code, c.word_limit) for c in comp.round_criteria("evaluation")]
    chosen = {b.acronym: b for b in BASES}
    out = []
    specs = [
        ("PERAHU SEHAT", "umum", date(2021, 8, 17), "all"),
        ("GURU KUNJUNG", "umum", None, "some"),
        ("Posyandu Digital", "replikasi", today - timedelta(days=150), "all"),
    ]
    for acronym, group, started, fill in specs:
        base = chosen[acronym]
        title = f"{base.acronym}: {base.phrase}"
        ctx = texts.context(rng, base, DEMO_AGENCY, "kabupaten", "Jawa Timur", started)
        answers = texts.answers(rng, title, ctx, criteria)
        if fill == "some":
            answers = {k: v for k, v in answers.items() if k in ("ringkasan", "latar_belakang")}
        data = {
            "title": title,
            "group": group,
            "category": base.category,
            "summary": texts.summary(ctx),
            "answers": answers,
            "started_on": started,
        }
        if group == "replikasi":
            data["replicates"] = f"{base.acronym}: {base.phrase} — Kota Surabaya (Top 45 KIPP 2023)"
            data["replication_type"] = "adaptasi"
        out.append(data)
    return out
