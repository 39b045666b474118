"""Reads behind the document pages: an agency's certificates and a competition's recent jobs.

Guarantees
- `agency_certificates` lists the issued certificates (a rendered PDF exists) of the agency's
  entries, newest competition first, then by id: revoked ones included (the page says so).
- `recent_jobs` lists the competition's latest document jobs, newest first, at most `limit`.
"""

from __future__ import annotations

from sqlalchemy import select

from kipp.extensions import db
from kipp.models import Certificate, Competition, DocumentJob, Entry


def agency_certificates(agency_id: int) -> list[Certificate]:
    query = (
        select(Certificate)
        .join(Entry, Entry.id == Certificate.entry_id)
        .join(Competition, Competition.id == Certificate.competition_id)
        .where(Entry.agency_id == agency_id, Certificate.stored_name.is_not(None))
        .order_by(Competition.year.desc(), Certificate.id)
    )
    return list(db.session.scalars(query))


def recent_jobs(competition_id: int, limit: int) -> list[DocumentJob]:
    query = (
        select(DocumentJob)
        .where(DocumentJob.competition_id == competition_id)
        .order_by(DocumentJob.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
