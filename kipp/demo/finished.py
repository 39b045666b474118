"""KIPP 2025, the demo's finished year, played through the publication services at its dates.

`seed_finished_year(admin, agencies, users)` creates "KIPP 2025" (Top 20 and Top 9, like the
other demo years) and, under the replayed clock of `kipp.demo.replay`, takes it from its
rankings to its certificates the way the secretariat and the chair would:
- the chair proposes and finalises the shortlist (`kipp.judging.selections`); the secretariat
  publishes it (`kipp.publication.services.publish`, window to 23:59:59 WIB on the fifth day);
- three objections arrive (`kipp.publication.objections.submit`); one is upheld, which
  disqualifies its entry, two are dismissed (`decide`); the chair fills the freed place from
  the ranking (`amend`: new snapshot hash, amendment history);
- the decree is recorded with its signed PDF (`record_decree`, `attach_decree_file`), the
  competition moves on (`move_stage`, whose publication guards pass);
- the same for the final tier, with one dismissed objection; then the extra award "Top 5
  Replikasi" (`kipp.demo.awards`: proposed, finalised, published, decreed); the year is
  awarded, the award's holders and the Top 9 finalists get their certificates
  (`issue_certificate`, rendered in-process: ~0.1 s each, so the other Top 20 entries are left
  to the secretariat's certificate job, which the demo can then show).
Guarantees:
- Idempotent: nothing happens when a competition named "KIPP 2025" exists (returns None).
- Deterministic (fixed random seed and dates); every decision is on the competition's audit
  chain, dated in 2025. As for the other demo years, the entries and the reviewers' submitted
  sheets are inserted directly (no service may submit into or score a year that is over) and
  announced by `competition.seed` events; so are the two stage moves out of a judging round
  (whose leave hooks would queue score-sheet documents for a year that is over).
- Flushes but never commits; the caller commits.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app

from kipp.audit.chain import record
from kipp.competitions.stages import move_stage
from kipp.demo.awards import LABEL as AWARD_LABEL
from kipp.demo.awards import award_certificates, define_award, play_award
from kipp.demo.decree_pdf import text_pdf
from kipp.demo.directory import YEARS, eligible_entries, finals_of, new_competition
from kipp.demo.replay import Replay, replayed
from kipp.demo.schedule import seed_schedule
from kipp.documents.certificates import certificate_subjects, issue_certificate
from kipp.extensions import db
from kipp.judging import selections
from kipp.judging.totals import sheet_total
from kipp.models import Agency, Assignment, Competition, Entry, ScoreValue, Selection, User
from kipp.publication import objections, services
from kipp.publication.queries import listed_ids

NAME, YEAR = "KIPP 2025", 2025
WIB = ZoneInfo("Asia/Jakarta")
EVALUATORS = ("evaluator2@kipp.demo", "evaluator4@kipp.demo", "evaluator6@kipp.demo")
PANELISTS = ("panelist1@kipp.demo", "panelist2@kipp.demo", "panelist3@kipp.demo")
DECREES = {
    "shortlist": ("318/KEP/M.PANRB/2025", date(2025, 8, 18)),
    "final": ("527/KEP/M.PANRB/2025", date(2025, 10, 20)),
}

# (tier, place in the list, submitted at, name, e-mail, statement, decision, answer)
OBJECTIONS = (
    (
        "shortlist",
        7,
        (8, 5, 14, 12),
        "Siti Rahmawati",
        "siti.rahmawati@example.org",
        "Inovasi ini sudah tidak berjalan sejak awal 2024: loket daringnya ditutup dan warga "
        "kembali dilayani secara manual. Data capaian di proposal berasal dari tahun 2022.",
        "uphold",
        "Sanggahan diterima. Verifikasi lapangan sekretariat pada 11 Agustus 2025 memastikan "
        "layanan tidak lagi berjalan. Inovasi dinyatakan gugur dan tempatnya diisi oleh "
        "inovasi peringkat berikutnya.",
    ),
    (
        "shortlist",
        3,
        (8, 6, 9, 40),
        "Bagus Prasetyo",
        "bagus.prasetyo@example.org",
        "Aplikasi inovasi ini sangat mirip dengan aplikasi daerah lain, sehingga menurut saya "
        "bukan karya asli instansi pengusul dan tidak layak masuk Top 20.",
        "dismiss",
        "Sanggahan ditolak. Aplikasi dikembangkan sendiri oleh instansi pengusul sejak 2021; "
        "kemiripan tampilan dengan aplikasi lain bukan alasan untuk menggugurkan inovasi.",
    ),
    (
        "shortlist",
        12,
        (8, 8, 19, 5),
        "Maria Ulfa",
        "maria.ulfa@example.org",
        "Jumlah penerima manfaat yang ditulis terlalu besar dibandingkan jumlah penduduk "
        "daerahnya. Mohon angka tersebut diperiksa kembali sebelum daftar ditetapkan.",
        "dismiss",
        "Sanggahan ditolak. Angka penerima manfaat menghitung layanan berulang per tahun dan "
        "sudah dicocokkan dengan laporan dinas yang dilampirkan pada proposal.",
    ),
    (
        "final",
        2,
        (10, 8, 11, 20),
        "Yohanes Kewa",
        "yohanes.kewa@example.org",
        "Saya meragukan dampak inovasi ini bagi warga desa terpencil, karena jaringan internet "
        "di banyak desa di wilayah kami belum stabil sepanjang tahun.",
        "dismiss",
        "Sanggahan ditolak. Layanan menyediakan jalur luring melalui kantor desa bagi wilayah "
        "tanpa jaringan, sebagaimana dipaparkan dan diperiksa pada wawancara panel.",
    ),
)
# When each tier is proposed (= finalised an hour earlier than published), decided, amended
# and decreed: (month, day, hour, minute) in WIB.
TIMELINE = {
    "shortlist": {"publish": (8, 4, 10, 0), "decide": (8, 12, 10, 0), "amend": (8, 13, 9, 0),
                  "decree": (8, 19, 14, 0)},
    "final": {"publish": (10, 6, 10, 0), "decide": (10, 14, 10, 0), "amend": None,
              "decree": (10, 21, 10, 0)},
}  # fmt: skip


def _at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(YEAR, month, day, hour, minute, tzinfo=WIB)


def seed_finished_year(
    admin: User, agencies: Iterable[Agency], users: dict[str, User]
) -> str | None:
    """Play KIPP 2025 (see the module guarantees); a one-line summary, or None if it exists."""
    if db.session.scalar(db.select(Competition.id).where(Competition.name == NAME)):
        return None
    rng = random.Random(YEAR)
    chair = users["chair@kipp.demo"]
    with replayed(_at(2, 10)) as clock:
        comp = new_competition(admin, NAME, YEAR)
        define_award(admin, comp)  # Top 5 Replikasi (kipp.demo.awards)
        clock.set(_at(7, 31))
        entries = eligible_entries(
            rng, comp, list(agencies), 70, [e for y in YEARS for e in finals_of(f"KIPP {y}")]
        )
        n = _sheets(rng, comp, entries, [users[e] for e in EVALUATORS], "evaluation", (7, 20))
        _jump(admin, comp, "shortlist", entries=len(entries), sheets=n)
        shortlist = _tier(clock, admin, chair, comp, "shortlist")
        clock.set(_at(8, 25))
        planned = seed_schedule(admin, users)  # the panel's presentations, 15-16 September
        move_stage(admin, comp, "panel")
        shortlisted = [db.session.get(Entry, e) for e in listed_ids(shortlist)]
        clock.set(_at(9, 30))
        n = _sheets(rng, comp, shortlisted, [users[e] for e in PANELISTS], "panel", (9, 15))
        _jump(admin, comp, "final", sheets=n)
        _tier(clock, admin, chair, comp, "final")
        play_award(clock, admin, chair, comp)
        move_stage(admin, comp, "awarded")
        clock.set(_at(11, 10))
        finalists = [e for e, award in certificate_subjects(comp.id) if award == "final"]
        issued = [issue_certificate(e) for e in finalists]
        holders = award_certificates(comp)
    return (
        f"{NAME} awarded: Top 20 and Top 9 published, {len(OBJECTIONS)} objections answered "
        f"(1 upheld, its place refilled), both decrees recorded, {len(issued)} finalists' "
        f"certificates issued; {AWARD_LABEL} published and decreed, its {holders} "
        f"certificates issued; {planned}"
    )


def _sheets(rng, comp, entries, reviewers, round_, when) -> int:
    """Submitted sheets of every reviewer for every entry, with distinct means per entry."""
    bases = rng.sample(range(6_000, 9_600), len(entries))
    at = _at(*when)
    made = 0
    for entry, base in zip(entries, bases, strict=True):
        weights = {c.code: c.weight for c in comp.criteria_of(entry.group, round_)}
        spread = [Decimal(d) for d in (-150, 0, 150)][: len(reviewers)]
        for user, delta in zip(reviewers, spread, strict=True):
            value = (Decimal(base) + delta) / 100
            values = {code: value for code in weights}
            db.session.add(
                Assignment(
                    competition_id=comp.id, entry_id=entry.id, user_id=user.id, round=round_,
                    status="submitted", total=sheet_total(values, weights), submitted_at=at,
                    created_at=at - timedelta(days=14), updated_at=at,
                    values=[ScoreValue(criterion_code=c, value=v) for c, v in values.items()],
                )
            )  # fmt: skip
            made += 1
    db.session.flush()
    return made


def _jump(admin: User, comp: Competition, stage: str, **counts: int) -> None:
    """Move to `stage` directly, announced with what was inserted (see the guarantees)."""
    before, comp.stage = comp.stage, stage
    db.session.flush()
    record(
        admin,
        "competition.seed",
        f"competition:{comp.id}",
        competition_id=comp.id,
        after={"source": "kipp.demo.finished", "stage": [before, stage], **counts},
    )


def _tier(clock: Replay, admin: User, chair: User, comp: Competition, tier: str) -> Selection:
    """Propose, finalise, publish, take objections, decide, amend and decree one tier."""
    times = TIMELINE[tier]
    clock.set(_at(*times["publish"]) - timedelta(hours=1))
    sel = selections.propose(chair, comp, tier)
    sel.created_at = clock()
    selections.finalize(chair, sel)
    clock.set(_at(*times["publish"]))
    services.publish(admin, sel)
    places = {se.place: se.entry_id for se in sel.entries}
    received = []
    for i, (t, place, when, name, email, statement, decision, answer) in enumerate(OBJECTIONS):
        if t == tier:
            clock.set(_at(*when))
            obj = objections.submit(
                sel, entry_id=places[place], name=name, email=email, statement=statement,
                ip=f"192.0.2.{10 + i}",
            )  # fmt: skip
            received.append((obj, decision, answer))
    clock.set(_at(*times["decide"]))
    for obj, decision, answer in received:
        objections.decide(admin, obj, decision, answer)
    if times["amend"]:
        clock.set(_at(*times["amend"]))
        services.amend(chair, sel)
    clock.set(_at(*times["decree"]))
    number, signed_on = DECREES[tier]
    services.record_decree(admin, sel, number, signed_on)
    limit = current_app.config["KIPP_MAX_UPLOAD_BYTES"]
    services.attach_decree_file(admin, sel, decree_pdf(sel, number, signed_on), limit)
    return sel


def decree_pdf(sel: Selection, number: str, signed_on: date) -> bytes:
    """A one-page stand-in for the signed decree: its number, date and listed innovations."""
    titles = [db.session.get(Entry, e).title for e in listed_ids(sel)]
    label = "Top 20 Inovasi" if sel.tier == "shortlist" else "Top 9 Finalis"
    return text_pdf(
        [
            "KEPUTUSAN MENTERI PENDAYAGUNAAN APARATUR NEGARA",
            "DAN REFORMASI BIROKRASI REPUBLIK INDONESIA",
            f"NOMOR {number}",
            f"TENTANG {label.upper()} PELAYANAN PUBLIK TAHUN {YEAR}",
            "",
            *(f"{n}. {t}" for n, t in enumerate(titles, 1)),
            "",
            f"Ditetapkan di Jakarta pada tanggal {signed_on:%d-%m-%Y}.",
            "(Dokumen demo KIPP, bukan keputusan yang sebenarnya.)",
        ]
    )
