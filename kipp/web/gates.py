"""The one way pages are closed to people who may not use them.

Each area of the site is guarded by a predicate of `kipp.permissions` applied to the caller:
- anonymous visitors are sent to the login page (and back afterwards);
- a logged-in person the predicate refuses gets 403 (the area exists, it is not theirs);
- objects inside an area that the person may not see are the views' business: 404, through
  the object-level predicates (`can_read_entry`, `can_score`, …).

`requires(predicate)` guards one view; `guard_blueprint(bp, predicate)` every view of a
blueprint. Both answer the same way, so a page behaves alike whichever guards it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, current_app
from flask_login import current_user

Predicate = Callable[..., bool]


def refusal(predicate: Predicate):
    """None when the caller passes `predicate`; otherwise the login redirect (anonymous) or
    403 (raised)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not predicate(current_user):
        abort(403)
    return None


def requires(predicate: Predicate):
    """Decorate a view so that only callers passing `predicate` reach it."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            refused = refusal(predicate)
            return refused if refused is not None else view(*args, **kwargs)

        return guarded

    return decorate


def guard_blueprint(bp: Blueprint, predicate: Predicate) -> None:
    """Only callers passing `predicate` reach any view of `bp`."""
    bp.before_request(lambda: refusal(predicate))
