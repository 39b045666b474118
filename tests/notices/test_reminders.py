"""`deadline_reminder`: 7 days, 1 day and 3 hours before the deadline, once per threshold."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from kipp.extensions import db
from kipp.mail import reminders
from kipp.mail.reminders import due_threshold, send_due
from tests.notices.mails import BASE, mails, set_locale

CLOSES = datetime(2027, 3, 31, 16, 59, 59, tzinfo=UTC)  # 23:59:59 WIB
D, H, S = timedelta(days=1), timedelta(hours=1), timedelta(seconds=1)


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        (7 * D + S, None),  # not yet
        (7 * D, "7d"),  # the boundary second counts
        (6 * D, "7d"),  # one day late at most
        (6 * D - S, None),
        (2 * D, None),  # the 7-day reminder is not sent late; the 1-day one is not due yet
        (D + S, None),
        (D, "1d"),
        (3 * H + S, "1d"),
        (3 * H, "3h"),
        (S, "3h"),
        (timedelta(0), None),  # the deadline itself: submission is over
        (-S, None),
    ],
)
def test_due_threshold_boundaries(before, expected):
    assert due_threshold(CLOSES, CLOSES - before) == expected


@pytest.fixture
def world(make):
    """At 8 days before CLOSES: a competition in submission whose agency A has two drafts
    (one incomplete) and a submitted entry, with two active accounts (English, default) and a
    disabled one; agency B has only a submitted entry; agency C has a draft in a competition
    that is not in submission."""
    with time_machine.travel(CLOSES - 8 * D, tick=False):
        comp = make.competition(opens=CLOSES - 30 * D, closes=CLOSES)
        other = make.competition(stage="screening", opens=CLOSES - 30 * D, closes=CLOSES)
        a1 = set_locale(make.user("agency"), "en")
        a2 = make.user("agency", agency=a1.agency)
        off = make.user("agency", agency=a1.agency)
        off.active = False
        b = make.user("agency")
        c = make.user("agency")
        ready = make.entry(comp, a1, title="Inovasi Siap")
        todo = make.entry(comp, a1, title="Inovasi Belum", summary="")
        make.entry(comp, a1, status="submitted", title="Inovasi Terkirim")
        make.entry(comp, b, status="submitted")
        make.entry(other, c)
        db.session.commit()
    return {"comp": comp, "a1": a1, "a2": a2, "off": off, "ready": ready, "todo": todo}


def due_at(at: datetime) -> int:
    with time_machine.travel(at, tick=False):
        n = send_due()
        db.session.commit()
    return n


def test_each_threshold_once_to_every_active_account_with_drafts(world):
    comp, a1, a2 = world["comp"], world["a1"], world["a2"]
    assert due_at(CLOSES - 7 * D - S) == 0
    assert due_at(CLOSES - 7 * D) == 2
    assert due_at(CLOSES - 7 * D) == 0  # run twice: nothing more
    assert due_at(CLOSES - 6 * D) == 0  # still the 7-day threshold, already sent
    assert due_at(CLOSES - 2 * D) == 0
    assert due_at(CLOSES - D) == 2
    assert due_at(CLOSES - D + H) == 0
    assert due_at(CLOSES - 3 * H) == 2
    assert due_at(CLOSES - S) == 0
    assert due_at(CLOSES) == 0
    got = mails("deadline_reminder")
    assert sorted((m.user_id, m.key.rsplit(":", 1)[1]) for m in got) == sorted(
        (u.id, t) for u in (a1, a2) for t in ("7d", "1d", "3h")
    )
    assert {m.key for m in got} == {
        f"deadline_reminder:{comp.id}:{u.id}:{t}" for u in (a1, a2) for t in ("7d", "1d", "3h")
    }


def test_reminder_names_each_draft_and_what_blocks_it(world):
    comp, ready, todo = world["comp"], world["ready"], world["todo"]
    due_at(CLOSES - D)
    english = mails("deadline_reminder", to=world["a1"])[0]
    assert (english.to, english.language) == (world["a1"].email, "en")
    assert english.subject == f"KIPP: 1 day 0 hours left to submit to {comp.name}"
    text = english.text_body
    assert "31-03-2027 23:59 WIB" in text
    assert f"Proposal #{todo.id}: Inovasi Belum" in text
    assert "Write the summary." in text
    assert f"Proposal #{ready.id}: Inovasi Siap" in text
    assert "Complete: ready to submit." in text
    assert "No decree (SK) on the innovator attached yet." in text  # fails screening later
    assert "Inovasi Terkirim" not in text  # submitted entries are not drafts
    assert f"{BASE}/agency/entries/{todo.id}/edit" in text
    assert f"{BASE}/agency/#competition-{comp.id}" in text
    assert f'href="{BASE}/agency/entries/{todo.id}/edit"' in english.html_body
    # The other account reads it in the default language, blockers included.
    indonesian = mails("deadline_reminder", to=world["a2"])[0]
    assert indonesian.language == "id"
    assert "Write the summary." not in indonesian.text_body
    assert f"#{todo.id}: Inovasi Belum" in indonesian.text_body


def test_drafters_are_reminded_of_their_own_drafts_only(world, make):
    a1, comp = world["a1"], world["comp"]
    with time_machine.travel(CLOSES - 8 * D, tick=False):
        writer = set_locale(make.user("drafter", agency=a1.agency), "en")
        off = make.user("drafter", agency=a1.agency)
        off.active = False
        done = make.user("drafter", agency=a1.agency)
        mine = make.entry(comp, a1, title="Inovasi Penyusun", drafted_by_id=writer.id)
        make.entry(comp, a1, title="Inovasi Nonaktif", drafted_by_id=off.id)
        make.entry(comp, a1, status="submitted", title="Sudah Terkirim", drafted_by_id=done.id)
        db.session.commit()
    assert due_at(CLOSES - D) == 3  # the agency's two accounts and the one drafter with a draft
    (got,) = mails("deadline_reminder", to=writer)
    text = got.text_body
    assert "You have written 1 draft that is not submitted yet:" in text
    assert "Your agency's account submits them once they are complete." in text
    assert f"Proposal #{mine.id}: Inovasi Penyusun" in text
    assert "Inovasi Siap" not in text and "Inovasi Nonaktif" not in text
    assert f"{BASE}/agency/entries/{mine.id}/edit" in text
    assert "You have written 1 draft" in got.html_body
    assert not mails("deadline_reminder", to=off) and not mails("deadline_reminder", to=done)
    agency = mails("deadline_reminder", to=a1)[0].text_body
    assert "Inovasi Penyusun" in agency and "Inovasi Nonaktif" in agency  # every draft
    assert "You have written" not in agency
    assert due_at(CLOSES - D) == 0


def test_no_reminder_once_drafts_are_submitted_or_stage_moved(world, make):
    world["ready"].status = "submitted"
    world["todo"].status = "submitted"
    db.session.commit()
    assert due_at(CLOSES - D) == 0
    fresh = make.entry(world["comp"], world["a1"])
    assert due_at(CLOSES - D) == 2
    fresh.competition.stage = "screening"
    db.session.commit()
    assert due_at(CLOSES - 3 * H) == 0


def test_cli_send_reminders(app, world):
    with time_machine.travel(CLOSES - 3 * H, tick=False):
        runner = app.test_cli_runner()
        first = runner.invoke(args=["send-reminders"])
        assert first.exit_code == 0, first.output
        assert first.output.strip() == "2 reminder(s) queued"
        again = runner.invoke(args=["send-reminders"])
        assert again.output.strip() == "0 reminder(s) queued"
    assert len(mails("deadline_reminder")) == 2


def test_two_workers_at_once_send_each_reminder_once(app, world, is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL (SQLite serialises writers)")
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def worker(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results[i] = send_due(CLOSES - D)
                db.session.commit()
            except Exception as exc:  # reported below
                results[i] = repr(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 2
    assert len(mails("deadline_reminder")) == 2


def test_worker_pass_runs_send_due_at_most_once_per_interval(app, monkeypatch):
    """Once per interval across every worker: the claim is a database row, not a process's
    memory, so a second worker (here: the same calls) is refused until the interval passed."""
    import workers.celery_app

    assert reminders.reminder_pass in workers.celery_app.PASSES
    calls = []
    monkeypatch.setattr(reminders, "send_due", lambda: calls.append(reminders.now()) or 0)
    app.config["KIPP_REMINDER_SECONDS"] = 600
    start = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    for offset, expected in ((0, 0), (300, None), (599.9, None), (600, 0)):
        with time_machine.travel(start + timedelta(seconds=offset), tick=False):
            assert reminders.reminder_pass() == expected
    assert calls == [start, start + timedelta(seconds=600)]


def test_reminder_interval_defaults_to_ten_minutes(app, monkeypatch):
    app.config.pop("KIPP_REMINDER_SECONDS", None)
    monkeypatch.delenv("KIPP_REMINDER_SECONDS", raising=False)
    assert reminders.interval() == 600
    monkeypatch.setenv("KIPP_REMINDER_SECONDS", "120")
    assert reminders.interval() == 120
