"""A blind-reviewed competition in stage `evaluation`: two agencies with names, provinces and
kinds found nowhere else, their eligible entries with one attachment of every kind, an
evaluator assigned to both, and a panelist and a chair (who read the entries through a
finalised shortlist)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kipp.entries.services import add_attachment
from kipp.extensions import db
from kipp.models import ATTACHMENT_KINDS, Agency, Assignment, Attachment, Entry, Selection
from tests.helpers import pdf_bytes
from tests.services.judging_fixtures import assign, finalised_shortlist, set_stage

AGENCIES = (
    ("Dinas Kominfo Ternate Qx", "kota", "Maluku Utara", True),
    ("Badan Pengelola Sungai Zarvo", "bumd", "Kalimantan Selatan", False),
)


@dataclass
class BlindWorld:
    comp: object
    admin: object
    owners: list
    entries: list[Entry]
    attachments: list[Attachment]
    evaluator: object
    other_evaluator: object
    assignments: list[Assignment]
    panelist: object
    chair: object
    shortlist: Selection

    def agencies(self) -> list[Agency]:
        return [db.session.get(Agency, o.agency_id) for o in self.owners]

    def hidden(self) -> list[Attachment]:
        return [a for a in self.attachments if a.kind in ("decree", "replication_statement")]

    def shown(self) -> list[Attachment]:
        return [a for a in self.attachments if a not in self.hidden()]


def build(make, blind: bool = True) -> BlindWorld:
    comp = make.competition(stage="submission", blind_review=blind)
    admin = make.admin()
    owners, entries, attachments = [], [], []
    for n, (name, kind, province, is_3t) in enumerate(AGENCIES):
        name = name if blind else f"{name} Terbuka"  # unique beside a blind world
        owner = make.user("agency", agency=make.agency(name, kind, province, is_3t))
        entry = make.entry(comp, owner, title=f"Layanan Terpadu Nomor {n + 1}")
        for kind_ in ATTACHMENT_KINDS:
            attachments.append(
                add_attachment(owner, entry, kind_, f"{kind_}-{n}.pdf", pdf_bytes(), 2**20)
            )
        entry.status = "eligible"
        owners.append(owner)
        entries.append(entry)
    db.session.commit()
    set_stage(comp, "evaluation")
    evaluator = make.user("evaluator")
    other = make.user("evaluator")
    assignments = [assign(comp, e, evaluator) for e in entries]
    panelist, chair = make.user("panelist"), make.user("chair")
    shortlist = finalised_shortlist(comp, entries, chair)
    return BlindWorld(
        comp,
        admin,
        owners,
        entries,
        attachments,
        evaluator,
        other,
        assignments,
        panelist,
        chair,
        shortlist,
    )


@pytest.fixture
def world(make):
    return build(make)


@pytest.fixture
def web_login(web_login):
    """Log in and read the pages in English."""

    def login(user):
        client = web_login(user)
        client.get("/login?lang=en")
        return client

    return login
