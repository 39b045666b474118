"""Published selections for the public tests, built as the publication feature leaves them.

`public_world(make)` builds, in a competition in stage `shortlist` (year 2026):
- a finalised shortlist of three entries of three agencies, published with the objection window
  open for five more days; one entry's title and one agency's name carry HTML, one title starts
  like a spreadsheet formula;
- a finalised final tier of the same competition that is NOT published (nothing of it may show);
- a competition in stage `draft` (invisible everywhere);
- a second competition (2025, awarded) whose published shortlist is fixed by a decree with its
  signed PDF stored.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from kipp.clock import now
from kipp.extensions import db
from kipp.models import Selection, SelectionEntry
from kipp.publication import services
from tests.helpers import pdf_bytes
from tests.services.judging_fixtures import set_stage

HTML_TITLE = '<script>alert("x")</script> Layanan <b>Cepat</b>'
HTML_AGENCY = 'Kota <i>Jaya</i> & "Sentosa"'
FORMULA_TITLE = '=HYPERLINK("http://evil")'
STATEMENT = "Inovasi ini sudah berhenti berjalan sejak 2024 dan datanya tidak benar menurut warga."


def finalised(comp, entries, chair, tier: str = "shortlist") -> Selection:
    """A finalised selection of `tier` holding `entries` in this order (written directly)."""
    sel = Selection(
        competition_id=comp.id,
        tier=tier,
        status="final",
        size=len(entries),
        created_by_id=chair.id,
        snapshot={},
        snapshot_sha256="0" * 64,
        finalized_at=now(),
    )
    sel.entries = [
        SelectionEntry(entry_id=e.id, place=i + 1, rank=i + 1, score=Decimal("87.5"))
        for i, e in enumerate(entries)
    ]
    db.session.add(sel)
    db.session.commit()
    return sel


def publish(sel: Selection, admin, closes_in: timedelta = timedelta(days=5)) -> Selection:
    """Publish `sel` through the service, its objection window closing `closes_in` from now."""
    services.publish(admin, sel, now().replace(microsecond=0) + closes_in)
    db.session.commit()
    return sel


def close_window(sel: Selection, ago: timedelta = timedelta(days=1)) -> Selection:
    """The window ended `ago` (time passing, written directly: the service only takes a future
    end)."""
    sel.objection_closes_at = now().replace(microsecond=0) - ago
    db.session.commit()
    return sel


def fix_by_decree(sel: Selection, admin, with_file: bool = True) -> Selection:
    """Close the window, then record the decree and (optionally) attach its signed PDF through
    the services."""
    close_window(sel)
    services.record_decree(admin, sel, "123/KEP/M.PANRB/2025", date(2025, 9, 1))
    if with_file:
        services.attach_decree_file(admin, sel, pdf_bytes(), 10 * 2**20)
    db.session.commit()
    return sel


def public_world(make) -> SimpleNamespace:
    admin, chair = make.admin(), make.user("chair")
    jateng = make.user("agency", agency=make.agency("Kabupaten Kudus", "kabupaten", "Jawa Tengah"))
    papua = make.user("agency", agency=make.agency(HTML_AGENCY, "kota", "Papua", is_3t=True))
    bumn = make.user("agency", agency=make.agency("PT Pos Indonesia", "bumn", "DKI Jakarta"))
    comp = make.competition(stage="evaluation", name="KIPP 2026", year=2026)
    first = make.entry(comp, jateng, status="eligible", title="Mal Pelayanan Publik Kudus")
    second = make.entry(comp, papua, status="eligible", title=HTML_TITLE, group="replikasi")
    third = make.entry(comp, bumn, status="eligible", title=FORMULA_TITLE)
    set_stage(comp, "shortlist")
    shortlist = publish(finalised(comp, [first, second, third], chair), admin)
    final = finalised(comp, [third], chair, tier="final")

    draft = make.competition(stage="draft", name="KIPP Draft", year=2028)

    old = make.competition(stage="evaluation", name="KIPP 2025", year=2025)
    old_entry = make.entry(old, jateng, status="eligible", title="Sistem Antrean Daring")
    set_stage(old, "awarded")
    fixed = fix_by_decree(publish(finalised(old, [old_entry], chair), admin), admin)
    return SimpleNamespace(
        admin=admin,
        chair=chair,
        agency=jateng,
        comp=comp,
        entries=[first, second, third],
        shortlist=shortlist,
        unpublished=final,
        draft=draft,
        old=old,
        old_entry=old_entry,
        fixed=fixed,
    )
