"""Argon2id password hashing and the password policy.

Hashing: Argon2id with m=19 MiB, t=2, p=1 (OWASP's first recommended profile). The
argon2-cffi default (m=64 MiB, t=3, p=4) cost 240-300 ms of CPU per login and made logins
75% of the server's work in `benchmarks/deadline_surge.py`; this profile costs 30-45 ms and
keeps eight simultaneous logins within 160 MiB. A stored hash with other parameters is
re-hashed with these at the next successful login (`needs_rehash`).

Policy (`password_problem`): at least 10 and at most 1,024 characters (long passphrases are
welcome; the bound only keeps hashing cheap), not one of the 19,640 most common passwords
(`common-passwords.txt.gz`, copied unchanged from Django, see `common-passwords.LICENSE`;
compared ignoring case and surrounding spaces), and not containing the user's e-mail address
(its part before the @) or name. Every setter of a password goes through it.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}  # KiB for memory
_hasher = PasswordHasher(**PARAMETERS)  # Argon2id
# Verified against when the e-mail is unknown, so both paths cost the same time.
_DUMMY = _hasher.hash("not-a-real-password")

MIN_LENGTH = 10
MAX_LENGTH = 1024
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")
# A name word this long or longer may not appear in the password ("Sari" may: too common
# as a syllable to refuse; "Wulandari" may not). The whole name and e-mail part never may.
NAME_WORD = 5


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when `password_hash` was made with other parameters than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as f:
        return frozenset(line.strip().lower() for line in f if line.strip())


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def _personal(password: str, email: str | None, name: str | None) -> bool:
    flat = _letters(password)
    pieces = []
    if email:
        pieces.append(_letters(email.split("@", 1)[0]))
    if name:
        pieces.append(_letters(name))
        pieces += [w for w in (_letters(w) for w in name.split()) if len(w) >= NAME_WORD]
    return any(len(p) >= 3 and p in flat for p in pieces)


def password_problem(
    password: str, *, email: str | None = None, name: str | None = None
) -> str | None:
    """A human reason (in the request's language) the password is unacceptable, or None.
    `email` and `name` are the account's, to refuse passwords made of them."""
    from flask_babel import gettext as _

    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    if password.strip().lower() in common_passwords():
        return _("This password is too common. Choose one that is hard to guess.")
    if _personal(password, email, name):
        return _("The password must not contain your name or e-mail address.")
    return None
