"""The data of benchmarks/deadline_surge.py: a competition an hour before its deadline.

`seed(agencies, drafts, shared_hash)` runs inside an app context and goes through the app's services
(create_agency, create_user, create_competition, move_stage, create_entry), so every row is
what production would hold and every change is on an audit chain. It builds KIPP 2027 in stage
`submission`, closing one hour from now, and `agencies` agencies, each with one agency account
and `drafts` complete drafts in group `umum` (quota 10), and commits.

The accounts share `shared_hash`, one Argon2id hash of `PASSWORD` (as the demo loader does):
hashing 200 passwords would cost a minute, and verifying a shared hash costs exactly what
verifying a distinct one does. A login's cost follows the parameters stored in that hash, not
the app's current ones (the app does not rehash on login), so the caller can try others.

`small_pdf(kb)` is the document the agencies upload.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

PASSWORD = "surge-bench-password-2027"
KINDS = ("kabupaten", "kota", "provinsi", "kementerian", "lembaga", "bumn", "bumd")
PROVINCES = ("Jawa Timur", "Aceh", "Bali", "Papua Selatan", "Kalimantan Utara", "Maluku")


def seed(agencies: int, drafts: int, shared_hash: str) -> tuple[int, list[str]]:
    """Build the competition; returns its id and the agency accounts' e-mail addresses."""
    from kipp.accounts.services import create_agency, create_user
    from kipp.clock import now
    from kipp.competitions.defaults import EVALUATION_CRITERIA_2023
    from kipp.competitions.services import create_competition
    from kipp.competitions.stages import move_stage
    from kipp.demo import texts
    from kipp.demo.catalog import BASES
    from kipp.entries.services import create_entry
    from kipp.extensions import db

    rng, at = random.Random(2027), now()
    comp = create_competition(
        None,
        {
            "name": "KIPP 2027 (deadline surge benchmark)",
            "year": 2027,
            "submission_opens_at": at - timedelta(days=60),
            "submission_closes_at": at + timedelta(hours=1),
            "criteria": EVALUATION_CRITERIA_2023,
        },
    )
    move_stage(None, comp, "submission")
    criteria = [(c.code, c.word_limit) for c in comp.round_criteria("evaluation")]
    emails = []
    for i in range(agencies):
        kind, province = KINDS[i % len(KINDS)], PROVINCES[i % len(PROVINCES)]
        agency = create_agency(None, f"Instansi Uji Beban {i:03d}", kind, province)
        email = f"admin.lokal{i:03d}@surge.bench.example"
        user = create_user(
            None, email, f"Admin Lokal {i:03d}", "agency", PASSWORD, agency.id,
            password_hash=shared_hash,
        )  # fmt: skip
        emails.append(email)
        for n in range(drafts):
            base = BASES[(i * drafts + n) % len(BASES)]
            started = date(2019 + n % 4, 1 + i % 12, 1 + n)
            ctx = texts.context(rng, base, agency.name, kind, province, started)
            title = f"{base.acronym}: {base.phrase} ({i:03d}-{n})"
            data = {
                "title": title,
                "group": "umum",
                "category": base.category,
                "summary": texts.summary(ctx),
                "answers": texts.answers(rng, title, ctx, criteria),
                "started_on": started,
            }
            create_entry(user, comp, data)
        if i % 20 == 19:
            db.session.commit()
    db.session.commit()
    return comp.id, emails


def small_pdf(kb: int) -> bytes:
    """A valid one-page PDF of about `kb` KiB (the padding is document metadata)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "Bukti dukung", "/Subject": "lampiran " * (kb * 1024 // 9)})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
