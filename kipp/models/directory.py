"""The public innovation directory: what it needs beyond the entries themselves.

`innovation_search` is a narrow copy of what the directory filters, counts and ranks on, one row
per entry, kept current by database triggers (migrations 0011 and 0020) whatever code changes
an entry, its agency, its competition or a published selection — so no code path can forget
it. Besides the entry's own `status` and `public` it holds the two other facts the visibility
rule reads: `tier_rank` (the best tier among the published selections listing the entry: 2
final, 1 shortlist, 0 another award; NULL when none lists it) and `awarded` (its competition's
stage is `awarded`); `kipp.directory.visibility.visible` states the rule on `entries`, the source
of truth. On PostgreSQL `innovation_documents` holds the tsvectors `heading` (title and agency,
weighted A and B, for ranking) and `document` (title, agency, summary, for matching, under a GIN
index), under the `kipp_id` and `kipp_en` configurations, so scans that do not search stay
narrow; beside them, copies of the row's facet cell and visibility (migration 0021). On
SQLite `innovation_documents` stays empty and the FTS5 table `innovation_fts` holds the text.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
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
    tier_rank: Mapped[int | None] = mapped_column(SmallInteger)
    awarded: Mapped[bool] = mapped_column(Boolean, server_default=false())
    cell: Mapped[int | None]  # PostgreSQL: its `DirectoryCell` (migration 0021)


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
    heading: Mapped[str | None] = mapped_column(SEARCH_VECTOR)
    # Copies of the search row's cell and visibility (`visible_copy`), kept by a trigger on
    # `innovation_search` (migration 0021), so a text search reads only this table.
    cell: Mapped[int | None]
    visible: Mapped[bool] = mapped_column(Boolean, server_default=false())


class DirectoryCell(db.Model):
    """One combination of the seven facet dimensions (PostgreSQL; migration 0021): the
    directory's facets count rows per cell, then sum the cells per dimension. `tier` is the
    facet's: 2 final, 1 shortlist, 0 none. Written by the search table's trigger when a row
    first has the combination; never deleted."""

    __tablename__ = "directory_cells"
    __table_args__ = (
        UniqueConstraint(
            "year",
            "tier",
            "island",
            "province",
            "kind",
            "group",
            "is_3t",
            name="uq_directory_cells_dimensions",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    tier: Mapped[int] = mapped_column(SmallInteger)
    island: Mapped[str] = mapped_column(String(30))
    province: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    group: Mapped[str] = mapped_column(String(30))
    is_3t: Mapped[bool] = mapped_column(Boolean)
