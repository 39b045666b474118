"""Bulk seed for benchmarks/public.py: `n` directory innovations over ten awarded years.

Texts follow Zipf's law as real text does: a vocabulary of the domain words below plus
`FILLER` made-up words, word k drawn with weight 1/k, the domain words spread over the first
ranks (so "pelayanan" or "kesehatan" are common, as in real entries, and others rarer). Titles
take two domain words and two more words; summaries 40 to 80 words.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import insert, select

from kipp.extensions import db
from kipp.judging.distribution import PROVINCES
from kipp.models import (
    AGENCY_KINDS,
    Agency,
    Competition,
    CompetitionGroup,
    Entry,
    Selection,
    SelectionEntry,
    User,
)

_VOCABULARY = (
    "pelayanan kesehatan keliling antrean daring puskesmas sampah berkah desa digital "
    "perizinan terpadu sekolah ramah anak posyandu stunting air bersih irigasi pertanian "
    "nelayan pasar layanan kependudukan akta kelahiran jemput bola mobil klinik bidan lansia "
    "disabilitas transportasi publik pajak daerah aplikasi pengaduan warga bank sampah energi "
    "surya hutan mangrove wisata halal umkm koperasi gizi ibu hamil bencana banjir gempa "
)
WORDS = _VOCABULARY.split()
PROVINCE_LIST = [p for ps in PROVINCES.values() for p in ps]
FILLER = 4000
SYLLABLES = ("ka", "ra", "tu", "mi", "lo", "sa", "ne", "pu", "di", "go", "ba", "te", "wi", "jo")


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Words and their Zipf weights; the domain words take every ~10th of the first ranks."""
    filler = {
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(FILLER)
    }
    words = sorted(filler - set(WORDS))
    rng.shuffle(words)
    for i, word in enumerate(WORDS):
        words.insert(i * 10 + rng.randint(0, 9), word)
    return words, [1 / (k + 1) for k in range(len(words))]


def seed(n: int, rng: random.Random) -> int:
    """Returns the id of the newest competition (the results page benchmarked)."""
    now = datetime.now(UTC)
    admin = db.session.scalar(
        insert(User)
        .values(email="bench@kipp.test", name="Bench", role="admin", password_hash="x", active=True)
        .returning(User.id)
    )
    agencies = [
        {
            "name": f"Pemerintah {i}",
            "kind": rng.choice(AGENCY_KINDS),
            "province": rng.choice(PROVINCE_LIST),
            "is_3t": rng.random() < 0.2,
            "created_at": now,
        }
        for i in range(600)
    ]
    db.session.execute(insert(Agency), agencies)
    agency_ids = db.session.scalars(select(Agency.id)).all()
    comp_ids = []
    for year in range(2017, 2027):
        cid = db.session.scalar(
            insert(Competition)
            .values(
                name=f"KIPP {year}",
                year=year,
                submission_opens_at=datetime(year, 1, 1, tzinfo=UTC),
                submission_closes_at=datetime(year, 3, 1, tzinfo=UTC),
                stage="awarded",
                shortlist_size=99,
                final_size=45,
                evaluators_per_entry=2,
                timezone="Asia/Jakarta",
                version=1,
                created_at=now,
            )
            .returning(Competition.id)
        )
        db.session.execute(
            insert(CompetitionGroup),
            [
                {"competition_id": cid, "code": g, "quota": 5, "min_implementation_years": 1}
                for g in ("umum", "replikasi")
            ],
        )
        comp_ids.append(cid)
    rows = []
    words, weights = vocabulary(rng)
    for i in range(n):
        picked = rng.sample(WORDS, 2) + rng.choices(words, weights, k=2)
        title = " ".join(picked).title()
        summary = " ".join(rng.choices(words, weights, k=rng.randint(40, 80)))
        rows.append(
            {
                "competition_id": comp_ids[i % len(comp_ids)],
                "agency_id": rng.choice(agency_ids),
                "title": title,
                "group": "replikasi" if rng.random() < 0.15 else "umum",
                "summary": summary,
                "answers": {"ringkasan": summary},
                "status": "eligible",
                "public": True,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    for start in range(0, n, 2000):
        db.session.execute(insert(Entry), rows[start : start + 2000])
    for cid in comp_ids:
        ids = db.session.scalars(
            select(Entry.id).where(Entry.competition_id == cid).order_by(Entry.id).limit(99)
        ).all()
        for tier, chosen in (("shortlist", ids), ("final", ids[:45])):
            sid = db.session.scalar(
                insert(Selection)
                .values(
                    competition_id=cid,
                    tier=tier,
                    status="final",
                    size=len(chosen),
                    created_by_id=admin,
                    created_at=now,
                    finalized_at=now,
                    published_at=now,
                    version=1,
                )
                .returning(Selection.id)
            )
            db.session.execute(
                insert(SelectionEntry),
                [{"selection_id": sid, "entry_id": e, "place": k} for k, e in enumerate(chosen, 1)],
            )
    db.session.commit()
    return comp_ids[-1]
