"""An extra award's certificate serial and public code."""

from __future__ import annotations

import pytest

from kipp.documents import codes
from kipp.documents.held_awards import award_serial


def test_award_serial_extends_the_entry_serial():
    assert award_serial(2025, 123, "final") == "KIPP-2025-000123"
    assert award_serial(2025, 123, "shortlist") == "KIPP-2025-000123"
    assert award_serial(2025, 123, "top5_replikasi") == "KIPP-2025-000123-TOP5_REPLIKASI"


@pytest.mark.parametrize("award", ["shortlist", "top5_replikasi", "oa", "x1_2_3456789012"])
def test_codes_round_trip_and_refuse_alterations(app, award):
    with app.app_context():
        serial = award_serial(2025, 7, award)
        assert codes.SERIAL.fullmatch(serial) and len(serial) <= 32
        code = codes.public_code(serial)
        assert codes.parse_code(code) == serial
        assert codes.parse_code(code.lower()) == serial
        check = code.rsplit("-", 1)[1]
        # The suffix is part of what the check string signs: dropping it is refused.
        base = "KIPP-2025-000007"
        assert codes.parse_code(f"{base}-{check}") == (base if serial == base else None)
        other = award_serial(2025, 7, "top9")
        assert codes.parse_code(f"{other}-{check}") is None  # a check belongs to one serial
