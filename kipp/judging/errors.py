"""Judging DomainErrors shared by the assignment, scoring and selection services.

Each class carries the contract's HTTP status and machine code; the app's error handler turns
them into problem+json (API) or an error page (web) and rolls the session back.
"""

from __future__ import annotations

from kipp.errors import DomainError


class CapacityInsufficientError(DomainError):
    """Reviewers × max_load (after conflicts) cannot cover entries × per_entry."""

    status = 409
    code = "capacity_insufficient"


class Incomplete(DomainError):
    """A score sheet cannot be submitted while criteria are missing."""

    status = 422
    code = "incomplete"


class TieAtCut(DomainError):
    """A selection cut splits a tie and the chair has not chosen among the tied entries."""

    status = 409
    code = "tie_at_cut"


class JustificationRequired(DomainError):
    """Taking an entry over a higher-ranked one needs a written justification."""

    status = 422
    code = "justification_required"


class NotSubmitted(DomainError):
    """Reopening a score sheet that is not submitted."""

    status = 409
    code = "conflict"


__all__ = [
    "CapacityInsufficientError",
    "Incomplete",
    "JustificationRequired",
    "NotSubmitted",
    "TieAtCut",
]
