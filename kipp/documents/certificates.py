"""Award certificates: who gets one, serials and check codes, issuing, revoking, verifying.

Guarantees
- Subjects: every entry of a finalised selection of the competition, once per award it holds
  (`kipp.documents.held_awards`: its highest built-in tier, `final` beating `shortlist`, and
  each extra award), printed with the award's label. A job's item is an entry and issues all
  of that entry's certificates.
- Serials and public codes: `kipp.documents.codes`. An entry belongs to one competition and
  gets at most one certificate per award, so serials are unique and known before anything is
  written. One row per (competition, entry, award): the schema's unique constraint decides
  when two workers race, and the loser keeps the winner's row.
- Issuing is idempotent: the first call renders and stores the PDF, then writes the row;
  later calls return the row untouched (same serial, same bytes, no re-render). Only when the
  row's file is missing (storage lost or restored from an older copy) is the PDF rendered
  again — byte-identical, since rendering is deterministic and everything printed comes from
  the row, the entry and the configuration. Issuing is not audited (it
  creates no decision; the audited job that asked for it is); revoking is.
- Certificates are issued only in stage `awarded`.
- Revoking needs a reason, is audited on the competition's chain (`certificate.revoke`) and
  happens once: revoking a revoked certificate raises Locked (409) and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from babel.dates import format_date
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kipp.audit.chain import record
from kipp.clock import local, now
from kipp.documents import render, storage
from kipp.documents.codes import (  # format_serial: the built-in tier's serial, re-exported
    SERIAL,
    format_serial,  # noqa: F401
    parse_code,
    public_code,
    qr_svg,
    verify_url,
)
from kipp.documents.held_awards import Held, award_serial, certificate_labels, held_awards
from kipp.errors import InvalidStage, Locked, NotFound, ValidationFailed
from kipp.extensions import db
from kipp.models import Certificate, Competition, Entry, User
from kipp.models.awards import BUILTIN_TIERS
from kipp.permissions import can_download_certificate

log = logging.getLogger(__name__)

DEFAULT_ISSUER = (
    "KEMENTERIAN PENDAYAGUNAAN APARATUR NEGARA DAN REFORMASI BIROKRASI REPUBLIK INDONESIA"
)
DEFAULT_SIGNATORY_TITLE = (
    "Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Republik Indonesia"
)
DEFAULT_SIGNATORY_NAME = "Kementerian PANRB"


# ----------------------------------------------------------------- who gets what
def certificate_subjects(competition_id: int) -> list[tuple[int, str]]:
    """(entry_id, award) for every award held by an entry of a finalised selection, by entry id
    (built-in tier first), except entries disqualified after an upheld objection."""
    held = held_awards(db.session.get(Competition, competition_id))
    out = set(
        db.session.scalars(
            select(Entry.id).where(
                Entry.competition_id == competition_id, Entry.status == "disqualified"
            )
        )
    )
    return [(e, h.award) for e in sorted(held) if e not in out for h in held[e]]


def certificate_entry_ids(competition_id: int) -> list[int]:
    """The entries a certificate job renders: those of `certificate_subjects`."""
    return sorted({entry_id for entry_id, _award in certificate_subjects(competition_id)})


def find(serial: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.serial == serial))


def for_entry(entry: Entry, award: str | None = None) -> Certificate | None:
    """The entry's certificate for `award`; without `award` its main one (the built-in tier's,
    else its first extra award's)."""
    certs = entry_certificates(entry)
    if award is not None:
        return next((c for c in certs if c.award == award), None)
    return certs[0] if certs else None


def entry_certificates(entry: Entry) -> list[Certificate]:
    """Every certificate row of the entry: the built-in tier's first, then by id."""
    rows = db.session.scalars(
        select(Certificate)
        .where(Certificate.competition_id == entry.competition_id, Certificate.entry_id == entry.id)
        .order_by(Certificate.id)
    )
    return sorted(rows, key=lambda c: c.award not in BUILTIN_TIERS)


# ----------------------------------------------------------------- issuing
def dates(value: datetime, tz: str) -> tuple[str, str]:
    """The local date in Indonesian and English: ("5 Desember 2026", "5 December 2026")."""
    day = local(value, tz).date()
    return format_date(day, "d MMMM y", locale="id"), format_date(day, "d MMMM y", locale="en")


def certificate_context(cert: Certificate, size: int | None = None) -> dict:
    """Everything the certificate prints, from the row, its entry and the configuration
    (`size`: the tier's size, when the caller already knows it)."""
    entry = cert.entry
    comp = entry.competition
    config = current_app.config
    label_id, label_en = certificate_labels(cert, comp, size)
    date_id, date_en = dates(cert.issued_at, comp.timezone)
    code = public_code(cert.serial)
    url = verify_url(code)
    return {
        "serial": cert.serial,
        "code": code,
        "verify_url": url,
        "qr_svg": Markup(qr_svg(url)),
        "award": cert.award,
        "award_label": label_id,
        "award_label_en": label_en,
        "agency": entry.agency.name,
        "title": entry.title,
        "competition": comp.name,
        "year": comp.year,
        "date_id": date_id,
        "date_en": date_en,
        "issuer": config.get("KIPP_ISSUER", DEFAULT_ISSUER),
        "signatory_title": config.get("KIPP_SIGNATORY_TITLE", DEFAULT_SIGNATORY_TITLE),
        "signatory_name": config.get("KIPP_SIGNATORY_NAME", DEFAULT_SIGNATORY_NAME),
    }


def render_certificate(cert: Certificate, size: int | None = None) -> bytes:
    return render.render_pdf("certificate.html", c=certificate_context(cert, size))


def _insert(cert: Certificate) -> Certificate:
    """Insert a new certificate row; when another worker inserted one for the same entry
    meanwhile, keep theirs (same serial, same bytes) and drop our file."""
    try:
        with db.session.begin_nested():
            db.session.add(cert)
            db.session.flush()
        return cert
    except IntegrityError:
        existing = db.session.scalar(
            select(Certificate).where(
                Certificate.competition_id == cert.competition_id,
                Certificate.entry_id == cert.entry_id,
                Certificate.award == cert.award,
            )
        )
        if existing is None:
            raise
        storage.remove(cert.stored_name)
        return existing


def issue_certificate(entry_id: int) -> Certificate:
    """Every certificate of the entry (one per award held), each created and rendered on the
    first call (see the module guarantees); returns the main one (`for_entry`). Raises NotFound
    for an unknown entry and InvalidStage outside stage `awarded` or for an entry in no
    finalised selection."""
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        raise NotFound(_("Not found."))
    comp = entry.competition
    held = held_awards(comp, entry.id).get(entry.id, [])
    issued = {c.award: c for c in entry_certificates(entry)}
    if not held and not issued:
        if comp.stage != "awarded":
            raise InvalidStage(_("Certificates are issued in stage awarded only."))
        raise InvalidStage(_("This entry is in no finalised selection."))
    out = [_issue_one(entry, h, issued.pop(h.award, None)) for h in held]
    out += [_issue_one(entry, None, c) for c in issued.values()]  # issued, file to restore
    return out[0]


def _issue_one(entry: Entry, held: Held | None, cert: Certificate | None) -> Certificate:
    """One certificate of the entry, for `held` (or the existing row `cert`).

    The PDF is rendered and stored before the row is written, so no write lock is held while
    rendering; the row is flushed and the caller commits. A crash before the commit leaves an
    orphan file and no row (nothing was issued); a row whose file is gone is rendered again."""
    if cert is not None and storage.exists(cert.stored_name):
        return cert
    size = None
    if cert is None:
        comp = entry.competition
        if comp.stage != "awarded":
            raise InvalidStage(_("Certificates are issued in stage awarded only."))
        size = held.size
        cert = Certificate(
            competition_id=comp.id,
            entry_id=entry.id,
            serial=award_serial(comp.year, entry.id, held.award),
            award=held.award,
            label=held.label,
            issued_at=now().replace(microsecond=0),
        )
        cert.entry = entry
    pdf = render_certificate(cert, size)
    name, digest = storage.store(pdf)
    storage.discard_unless_committed(name)  # a rollback leaves no orphan file
    if cert.sha256 and cert.sha256 != digest:
        log.warning("certificate %s re-rendered with different bytes", cert.serial)
    if cert.id is not None:  # re-rendered because its file was lost: drop any leftover
        storage.remove_after_commit(cert.stored_name)
    cert.stored_name, cert.sha256, cert.size = name, digest, len(pdf)
    if cert.id is None:
        from kipp.mail.notices import certificate_ready

        issued = _insert(cert)
        certificate_ready(issued)  # once per certificate and account, whoever inserted it
        return issued
    db.session.flush()
    return cert


# ----------------------------------------------------------------- revoking and verifying
def revoke(actor: User, serial: str, reason: str | None) -> Certificate:
    """Revoke the certificate `serial` (see the module guarantees). NotFound, ValidationFailed
    (no reason) or Locked (already revoked); nothing changes on any of them."""
    cert = find(serial) if isinstance(serial, str) and SERIAL.fullmatch(serial) else None
    if cert is None:
        raise NotFound(_("Not found."))
    reason = (reason or "").strip()
    if not reason:
        msg = _("Write why the certificate is revoked.")
        raise ValidationFailed(msg, errors={"reason": [msg]})
    if cert.revoked_at is not None:
        raise Locked(_("This certificate is already revoked."))
    cert.revoked_at, cert.revoked_reason, cert.revoked_by_id = now(), reason, actor.id
    db.session.flush()
    record(
        actor,
        "certificate.revoke",
        f"certificate:{cert.serial}",
        competition_id=cert.competition_id,
        before={"revoked": False},
        after={"revoked": True, "reason": reason, "entry_id": cert.entry_id},
    )
    return cert


def verify_code(code: str) -> dict | None:
    """What the public may know about the certificate of `code`, or None for an unknown,
    malformed or altered code (the caller answers 404 and reveals nothing more)."""
    serial = parse_code(code)
    cert = find(serial) if serial else None
    if cert is None:
        return None
    entry, comp = cert.entry, cert.entry.competition
    label, label_en = certificate_labels(cert, comp)
    revoked = cert.revoked_at is not None
    return {
        "valid": not revoked,
        "revoked": revoked,
        "reason": cert.revoked_reason if revoked else None,
        "revoked_at": local(cert.revoked_at, comp.timezone).isoformat() if revoked else None,
        "serial": cert.serial,
        "code": public_code(cert.serial),
        "entry_title": entry.title,
        "agency": entry.agency.name,
        "award": cert.award,
        "award_label": label,
        "award_label_en": label_en,
        "issued_at": local(cert.issued_at, comp.timezone).isoformat(),
        "issued_on": dates(cert.issued_at, comp.timezone),
    }


def certificate_code_for(entry: Entry, user: User | None) -> str | None:
    """The public code of the entry's issued certificate, for those who may download it."""
    cert = for_entry(entry)
    return public_code(cert.serial) if cert and can_download_certificate(user, cert) else None
