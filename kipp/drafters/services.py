"""An agency account's drafters: inviting them and switching them off and on.

Guarantees: an agency account acts only on drafters of its own agency (the callers answer 404
for any other account, see `drafter_of`); an invited drafter gets an account without a usable
password and an invitation mail through the outbox (`kipp.accounts.links`, 72 h, single use);
a refused request changes nothing (`ValidationFailed`, `DuplicateValue` before any write);
every change is audited on the global chain by `kipp.accounts.services`.
"""

from __future__ import annotations

from flask_babel import gettext as _

from kipp.accounts import services as accounts
from kipp.errors import ValidationFailed
from kipp.extensions import db
from kipp.models import User


def invite_drafter(actor: User, email: str, name: str, locale: str | None = None) -> User:
    """A new `drafter` of `actor`'s agency, mailed an invitation to set its password."""
    if actor.agency_id is None:  # the permission predicate already requires one
        raise ValidationFailed(_("Only an agency account can invite drafters."))
    return accounts.create_user(actor, email, name, "drafter", None, actor.agency_id, locale=locale)


def drafter_of(actor: User, user_id: int) -> User | None:
    """The drafter `user_id` when it belongs to `actor`'s agency; None otherwise (the caller
    answers 404, so other agencies' accounts are never revealed)."""
    user = db.session.get(User, user_id)
    if user is None or user.role != "drafter" or user.agency_id != actor.agency_id:
        return None
    return user


def set_active(actor: User, drafter: User, active: bool) -> User:
    """Disable (every session and token of the drafter dies) or re-enable a drafter. Its
    drafts stay with the agency, which still sees and may submit them."""
    return accounts.update_user(actor, drafter, {"active": bool(active)})
