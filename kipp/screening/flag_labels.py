"""Labels of the multi-year eligibility flags (codes in kipp/screening/flags.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FLAG_LABELS = {
    "previous_winner": _l("Previous winner"),
    "twice_shortlisted": _l("Shortlisted twice before"),
    "duplicate_title": _l("Similar title this year"),
}
FLAG_FILTER_CHOICES = [("", _l("Any or no flag")), *FLAG_LABELS.items()]
