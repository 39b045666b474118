"""`flask --app wsgi storage check`: every recorded file is in the store with its SHA-256.

`check()` reads each row that names a stored file (attachments, certificates, rendered score
sheets and recaps, signed decrees), reads the file back from the configured store and compares
its SHA-256 with the one recorded when it was written. It reports, per file, `missing` or
`altered`, and lists the store's keys that no row names (`unreferenced`: harmless leftovers
of a process killed between writing a file and committing its row). It changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import select

from kipp.extensions import db
from kipp.storage import backend


@dataclass(frozen=True)
class Finding:
    problem: str  # "missing", "altered" or "unreferenced"
    key: str
    what: str  # e.g. "attachment 12"


@dataclass(frozen=True)
class Source:
    label: str
    rows: Callable[[], Iterator[tuple[int, str | None, str | None]]]  # (id, name, sha256)
    key: Callable[[str], str]


def _sources() -> list[Source]:
    from kipp.documents import storage as documents
    from kipp.entries import storage as attachments
    from kipp.models import Attachment, Certificate, RenderedDocument, Selection

    def rows(model, *columns):
        return lambda: iter(db.session.execute(select(model.id, *columns).order_by(model.id)))

    found = [
        Source(
            "attachment",
            rows(Attachment, Attachment.stored_name, Attachment.sha256),
            attachments.key_of,
        ),
        Source(
            "certificate",
            rows(Certificate, Certificate.stored_name, Certificate.sha256),
            documents.key_of,
        ),
        Source(
            "document",
            rows(RenderedDocument, RenderedDocument.stored_name, RenderedDocument.sha256),
            documents.key_of,
        ),
    ]
    if hasattr(Selection, "decree_file"):
        found.append(
            Source(
                "decree",
                rows(Selection, Selection.decree_file, Selection.decree_sha256),
                documents.key_of,
            )
        )
    return found


def check() -> tuple[int, list[Finding]]:
    """(number of recorded files checked, findings); see the module docstring."""
    store, findings, named, checked = backend(), [], set(), 0
    for source in _sources():
        for ident, name, sha in source.rows():
            if not name:
                continue
            key = source.key(name)
            named.add(key)
            checked += 1
            try:
                data = store.read(key)
            except FileNotFoundError:
                findings.append(Finding("missing", key, f"{source.label} {ident}"))
                continue
            if sha and hashlib.sha256(data).hexdigest() != sha:
                findings.append(Finding("altered", key, f"{source.label} {ident}"))
    for area in ("attachments/", "documents/"):
        for key in store.keys(area):
            if key not in named and key.removesuffix(".pdf") + ".pdf" not in named:
                findings.append(Finding("unreferenced", key, "no row"))
    return checked, findings
