"""The pure account-lock rule of login throttling (kipp.auth.throttle.account_locked)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kipp.auth.throttle import ACCOUNT_LIMIT, IP_LIMIT, WINDOW, account_locked

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def minutes(*offsets: float) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in offsets]


def test_contract_limits():
    assert ACCOUNT_LIMIT == 10
    assert IP_LIMIT == 50
    assert timedelta(minutes=15) == WINDOW


def test_no_failures_never_locks():
    assert account_locked([], T0) is False


def test_nine_failures_do_not_lock():
    failures = minutes(*range(9))
    assert account_locked(failures, failures[-1] + timedelta(seconds=1)) is False


def test_ten_failures_in_a_burst_lock():
    failures = [T0] * 10
    assert account_locked(failures, T0) is True


def test_ten_failures_within_fifteen_minutes_lock():
    failures = minutes(*range(0, 10))  # 0..9 minutes
    assert account_locked(failures, failures[-1] + timedelta(minutes=1)) is True


def test_ten_failures_spanning_exactly_fifteen_minutes_still_lock():
    failures = minutes(0, 1, 2, 3, 4, 5, 6, 7, 8, 15)
    assert account_locked(failures, failures[-1]) is True


def test_ten_failures_spread_over_more_than_fifteen_minutes_do_not_lock():
    failures = minutes(0, 2, 4, 6, 8, 10, 12, 14, 15.5, 16)
    assert account_locked(failures, failures[-1]) is False


@pytest.mark.parametrize(
    ("after", "locked"),
    [
        (timedelta(0), True),
        (timedelta(minutes=14, seconds=59), True),
        (timedelta(minutes=15) - timedelta(microseconds=1), True),
        (timedelta(minutes=15), False),  # 15 minutes after the 10th failure: unlocked
        (timedelta(minutes=30), False),
    ],
)
def test_lock_lasts_fifteen_minutes_from_the_tenth_failure(after, locked):
    failures = minutes(*range(10))
    assert account_locked(failures, failures[-1] + after) is locked


def test_an_eleventh_failure_extends_the_lock():
    failures = minutes(*range(11))  # the 11th (while locked) starts a new run of 10
    assert account_locked(failures, failures[9] + timedelta(minutes=15)) is True
    assert account_locked(failures, failures[10] + timedelta(minutes=15)) is False


def test_an_old_run_does_not_lock_now():
    failures = minutes(*range(10)) + minutes(60)
    assert account_locked(failures, T0 + timedelta(minutes=61)) is False
