"""Objections (sanggahan) from the public against a published selection, and their decisions.

Guarantees
- `submit` accepts an objection only while the selection's window is open (`public_status` is
  `objection_open`, the closing second included): otherwise ObjectionWindowClosed (409). An
  unpublished selection is not found (404). The entry must be listed in the selection (not
  disqualified), the name 1–200 characters, the e-mail a valid address, the statement 50–5,000
  characters: every failing field is reported at once (422). Only then is the address's rate
  limit checked: more than 5 objections per IP address per hour → RateLimited (429). A refused
  objection stores nothing (no row, no counted hit, no mail).
- An accepted objection gets a unique reference ("SGH-2027-7K3Q9W"), status `received`, is
  audited (without the objector's personal data) and the objector is mailed the reference.
- `decide` (uphold or dismiss) needs an answer of at least 20 characters
  (JustificationRequired) and happens once (Locked). It is audited and the objector is mailed.
  Upholding disqualifies the entry (`kipp.publication.disqualify`).
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from kipp.audit.chain import record
from kipp.clock import now
from kipp.errors import Locked, NotFound, ObjectionWindowClosed, RateLimited, ValidationFailed
from kipp.extensions import db
from kipp.judging.errors import JustificationRequired
from kipp.limits import EMAIL_MAX, NAME_MAX
from kipp.models import Competition, Selection, User
from kipp.models.publication import Objection
from kipp.publication import mail
from kipp.publication.disqualify import disqualify
from kipp.publication.queries import listed_ids, public_status
from kipp.ratelimit import allow

STATEMENT_MIN, STATEMENT_MAX = 50, 5_000
ANSWER_MIN, ANSWER_MAX = 20, 5_000
RATE_LIMIT, RATE_WINDOW = 5, timedelta(hours=1)
DECISIONS = {"uphold": "upheld", "dismiss": "dismissed"}
# No 0/O, 1/I/L: a reference read out on the telephone is not misheard.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def new_reference(year: int) -> str:
    """ "SGH-<year>-<6 random characters>", not yet used."""
    while True:
        ref = f"SGH-{year}-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))
        if db.session.scalar(select(Objection.id).where(Objection.reference == ref)) is None:
            return ref


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _validate(sel: Selection, entry_id, name: str, email: str, statement: str) -> dict:
    errors: dict[str, list[str]] = {}
    if not isinstance(entry_id, int) or entry_id not in set(listed_ids(sel)):
        errors["entry_id"] = [_("Choose an innovation listed in this selection.")]
    if not name:
        errors["name"] = [_("Write your name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("Your name may have at most %(n)d characters.", n=NAME_MAX)]
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        errors["email"] = [_("Enter a valid e-mail address (we send the reference to it).")]
    if not STATEMENT_MIN <= len(statement) <= STATEMENT_MAX:
        errors["statement"] = [
            _(
                "Write your objection in %(min)d to %(max)d characters (%(n)d written).",
                min=STATEMENT_MIN,
                max=STATEMENT_MAX,
                n=len(statement),
            )
        ]
    return errors


def submit(selection: Selection, *, entry_id, name, email, statement, ip: str | None) -> Objection:
    """Record an objection to `selection` (see the module guarantees for every refusal)."""
    if selection.published_at is None:
        raise NotFound(_("Not found."))
    if public_status(selection) != "objection_open":
        raise ObjectionWindowClosed(_("The objection period for this list is closed."))
    name, email, statement = _text(name), _text(email).lower(), _text(statement)
    errors = _validate(selection, entry_id, name, email, statement)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, errors=errors)
    if not allow("objection", ip or "-", RATE_LIMIT, RATE_WINDOW):
        raise RateLimited(
            _("Too many objections from your address; try again in an hour."),
        )
    comp = db.session.get(Competition, selection.competition_id)
    obj = Objection(
        reference=new_reference(comp.year),
        selection_id=selection.id,
        entry_id=entry_id,
        name=name,
        email=email,
        statement=statement,
        status="received",
        created_at=now(),
        ip=(ip or "")[:64] or None,
        language=str(get_locale() or "id")[:2],
    )
    db.session.add(obj)
    db.session.flush()
    record(
        None,
        "objection.submit",
        f"objection:{obj.reference}",
        competition_id=comp.id,
        after={"selection_id": selection.id, "entry_id": entry_id, "status": "received"},
    )
    mail.objection_received(obj)
    return obj


def decide(actor: User, objection: Objection, decision: str, answer) -> Objection:
    """Uphold or dismiss `objection` with a public `answer` (see the module guarantees)."""
    if decision not in DECISIONS:
        msg = _("Choose uphold or dismiss.")
        raise ValidationFailed(msg, errors={"decision": [msg]})
    if objection.status != "received":
        raise Locked(_("This objection is already decided."))
    answer = _text(answer)
    if len(answer) < ANSWER_MIN or len(answer) > ANSWER_MAX:
        msg = _(
            "Write the answer the objector and the public will read (%(min)d to %(max)d "
            "characters).",
            min=ANSWER_MIN,
            max=ANSWER_MAX,
        )
        raise JustificationRequired(msg, errors={"answer": [msg]})
    sel = db.session.get(Selection, objection.selection_id)
    # Decided once, also when two admins race: only the first update finds it `received`.
    done = db.session.execute(
        update(Objection)
        .where(Objection.id == objection.id, Objection.status == "received")
        .values(status=DECISIONS[decision], answer=answer, decided_at=now(), decided_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise Locked(_("This objection is already decided."))
    db.session.refresh(objection)
    record(
        actor,
        "objection.decide",
        f"objection:{objection.reference}",
        competition_id=sel.competition_id,
        before={"status": "received"},
        after={"status": objection.status, "answer": answer, "entry_id": objection.entry_id},
    )
    if objection.status == "upheld":
        disqualify(actor, objection.entry, answer)
    mail.objection_decided(objection)
    return objection
