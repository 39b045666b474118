"""The demo's open year has groups with their own rules and invited former winners."""

from __future__ import annotations

from sqlalchemy import select

from kipp.demo import seed
from kipp.demo.group_rules import REPLIKASI_CRITERIA
from kipp.demo.people import DEMO_AGENCY
from kipp.extensions import db
from kipp.models import Agency, Competition
from kipp.models.group_rules import Invitation
from kipp.models.mail import Mail
from tests.helpers import count


def test_demo_open_year_has_group_rules_and_invitations(app):
    first = seed()
    db.session.commit()
    assert "invited into the khusus group of KIPP 2027" in first
    comp = db.session.scalar(select(Competition).where(Competition.name == "KIPP 2027"))
    assert comp.stage == "submission"
    assert comp.group("khusus").invitation_only
    assert [c.code for c in comp.group("replikasi").criteria] == [
        c["code"] for c in REPLIKASI_CRITERIA
    ]
    assert sum(c.weight for c in comp.group("replikasi").criteria) == 100
    invited = set(
        db.session.scalars(
            select(Agency.name)
            .join(Invitation, Invitation.agency_id == Agency.id)
            .where(Invitation.competition_id == comp.id)
        )
    )
    assert DEMO_AGENCY in invited and len(invited) >= 3
    # Mailed to the invited agencies' accounts (the demo agency's; former winners have none).
    assert count(Mail, Mail.kind == "group_invitation", Mail.to == "agency@kipp.demo") == 1
    before = count(Invitation)
    again = seed()
    db.session.commit()
    assert "khusus" not in again
    assert count(Invitation) == before
