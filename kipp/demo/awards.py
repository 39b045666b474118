"""The demo's extra award: "Top 5 Replikasi" of KIPP 2025, played through the services.

`kipp.demo.finished` calls these while it replays KIPP 2025:
- `define_award` when the year is created (a draft): the award `top5_replikasi`, five places
  drawn from the replikasi group's evaluation ranking (`kipp.competitions.services`);
- `play_award` in stage `final`, after the final tier's decree: the chair proposes the top
  five as ranked and finalises them, the secretariat publishes the list (objection window to
  the fifth day), and after the window the decree is recorded with its signed PDF;
- `award_certificates` once the year is awarded: every holder's certificates are issued
  (`issue_certificate` issues one per award held), each naming its award.
Guarantees: deterministic dates in October 2025 (after the final tier's, before the
certificates'), every decision on the competition's audit chain; flushes, never commits.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app

from kipp.competitions.services import update_competition
from kipp.demo.decree_pdf import text_pdf
from kipp.demo.replay import Replay
from kipp.documents.certificates import certificate_subjects, issue_certificate
from kipp.extensions import db
from kipp.judging import selections
from kipp.models import Competition, Entry, Selection, User
from kipp.publication import services
from kipp.publication.queries import listed_ids

CODE, LABEL, GROUP, SIZE = "top5_replikasi", "Top 5 Replikasi", "replikasi", 5
DECREE = ("611/KEP/M.PANRB/2025", date(2025, 10, 30))
# Proposed and finalised at 09:00 WIB, published at 10:00, decreed after the window.
PROPOSE = datetime.fromisoformat("2025-10-22T09:00:00+07:00")
PUBLISH = datetime.fromisoformat("2025-10-22T10:00:00+07:00")
FIX = datetime.fromisoformat("2025-10-31T10:00:00+07:00")


def define_award(admin: User, comp: Competition) -> None:
    """Give the draft year its extra award (see the module docstring)."""
    award = {"code": CODE, "label": LABEL, "group": GROUP, "size": SIZE}
    update_competition(admin, comp, {"extra_awards": [award]})


def play_award(clock: Replay, admin: User, chair: User, comp: Competition) -> Selection:
    """Select, publish and decree the award (see the module docstring)."""
    clock.set(PROPOSE)
    sel = selections.propose(chair, comp, CODE)
    sel.created_at = clock()
    selections.finalize(chair, sel)
    clock.set(PUBLISH)
    services.publish(admin, sel)
    clock.set(FIX)
    number, signed_on = DECREE
    services.record_decree(admin, sel, number, signed_on)
    limit = current_app.config["KIPP_MAX_UPLOAD_BYTES"]
    services.attach_decree_file(admin, sel, _decree_pdf(sel), limit)
    return sel


def award_certificates(comp: Competition) -> int:
    """Issue the certificates of every holder of the award; how many entries hold it."""
    holders = [e for e, award in certificate_subjects(comp.id) if award == CODE]
    for entry_id in holders:
        issue_certificate(entry_id)
    return len(holders)


def _decree_pdf(sel: Selection) -> bytes:
    number, signed_on = DECREE
    titles = [db.session.get(Entry, e).title for e in listed_ids(sel)]
    return text_pdf(
        [
            "KEPUTUSAN MENTERI PENDAYAGUNAAN APARATUR NEGARA",
            "DAN REFORMASI BIROKRASI REPUBLIK INDONESIA",
            f"NOMOR {number}",
            f"TENTANG {LABEL.upper()} INOVASI PELAYANAN PUBLIK TAHUN 2025",
            "",
            *(f"{n}. {t}" for n, t in enumerate(titles, 1)),
            "",
            f"Ditetapkan di Jakarta pada tanggal {signed_on:%d-%m-%Y}.",
            "(Dokumen demo KIPP, bukan keputusan yang sebenarnya.)",
        ]
    )
