"""`selection_result` on publication: every agency the round ranked hears, on the list or not."""

from __future__ import annotations

from sqlalchemy import select

from kipp.clock import now
from kipp.extensions import db
from kipp.models import Assignment
from kipp.models.mail import Mail
from kipp.publication import services
from tests.publication.fixtures import shortlist_world


def mails_by_user() -> dict[int, Mail]:
    rows = db.session.scalars(select(Mail).where(Mail.kind == "selection_result")).all()
    by_user = {m.user_id: m for m in rows}
    assert len(by_user) == len(rows), "two mails to one account"
    return by_user


def test_each_ranked_agency_hears_once_with_its_entries_on_and_off_the_list(make):
    pw = shortlist_world(make, publish=False)  # Top 3 of six entries, one agency each
    owners, entries = pw.w.owners, pw.entries
    entries[3].agency_id = entries[0].agency_id  # agency 0: one entry on the list, one off it
    entries[5].status = "disqualified"  # off the list and out of the competition: no mail
    sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == entries[4].id))
    sheet.conflicted, sheet.conflicted_at = True, now()  # its only sheet left the ranking
    db.session.commit()
    services.publish(pw.admin, pw.sel)
    db.session.commit()
    mails = mails_by_user()
    assert set(mails) == {owners[0].id, owners[1].id, owners[2].id}
    text = mails[owners[0].id].text_body
    on_list, off_list = text.split("Inovasi Anda yang tidak masuk daftar:")
    assert entries[0].title in on_list and entries[3].title in off_list
    assert entries[3].title not in on_list
    assert "masuk Top 3" in mails[owners[0].id].subject  # it has an entry on the list
    assert "Lembar penilaian setiap inovasi, tanpa nama penilai" in text
    assert f"/agency/#competition-{pw.comp.id}" in text


def test_an_agency_left_out_entirely_gets_the_published_subject(make):
    pw = shortlist_world(make)
    mails = mails_by_user()
    left_out = mails[pw.w.owners[4].id]
    assert left_out.subject == f"KIPP: Top 3 inovasi {pw.comp.name} telah diumumkan"
    assert "Inovasi Anda yang masuk daftar:" not in left_out.text_body
    assert pw.entries[4].title in left_out.text_body
