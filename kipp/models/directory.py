"""The public innovation directory: what it needs beyond the entries themselves.

`innovation_search` is a narrow copy of what the directory filters, counts and ranks on, one row
per entry, kept current by database triggers (migration 0011) whatever code changes an entry,
its agency or its competition's year — so no code path can forget it. It holds no visibility
decision: the stage of the competition and the publication of selections are read live
(`kipp.directory.queries.visible`). On PostgreSQL `heading` (title and agency, weighted A and
B, for ranking) and `document` (title, agency, summary, for matching) are tsvectors under the
`kipp_id` and `kipp_en` configurations; `document` lives in `innovation_documents` under a GIN
index, so scans that do
not search stay narrow. On SQLite `heading` is NULL, `innovation_documents` stays empty and the
FTS5 table `innovation_fts` holds the text.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from kipp.extensions import db

SEARCH_VECTOR = Text().with_variant(TSVECTOR(), "postgresql")


class InnovationSearch(db.Model):
    __tablename__ = "innovation_search"
    __table_args__ = (Index("ix_innovation_search_year", "year"),)

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    competition_id: Mapped[int]
    agency_id: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    public: Mapped[bool] = mapped_column(Boolean)
    year: Mapped[int]
    group: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))
    province: Mapped[str] = mapped_column(String(80))
    island: Mapped[str] = mapped_column(String(30))
    is_3t: Mapped[bool] = mapped_column(Boolean)
    title: Mapped[str] = mapped_column(String(300))
    heading: Mapped[str | None] = mapped_column(SEARCH_VECTOR)


class InnovationDocument(db.Model):
    """The full-text document of an entry (PostgreSQL), apart from `innovation_search` so that
    listing and counting without `q` never read it."""

    __tablename__ = "innovation_documents"
    __table_args__ = (
        Index("ix_innovation_documents_document", "document", postgresql_using="gin"),
    )

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    document: Mapped[str | None] = mapped_column(SEARCH_VECTOR)
