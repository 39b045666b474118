"""Reads of the audit log, shared by the audit pages and the API."""

from __future__ import annotations

from sqlalchemy import Select, select

from kipp.audit.chain import chain_for
from kipp.models import AuditEvent


def events_query(competition_id: int | None) -> Select:
    """A competition's chain (or the global one for None), in chain order, unexecuted so the
    caller pages it."""
    return (
        select(AuditEvent)
        .where(AuditEvent.chain == chain_for(competition_id))
        .order_by(AuditEvent.seq)
    )
