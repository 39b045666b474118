"""Which recipient addresses the outbox accepts.

Deliberately plain: one `local@domain`, ASCII only, no whitespace, control characters, quotes,
angle brackets, commas or semicolons (so an address can never smuggle a second recipient or a
header line), at most 254 characters, a local part of at most 64 and a domain made of
letters, digits, hyphens and dots.
"""

from __future__ import annotations

import re

from kipp.models.mail import MAX_ADDRESS

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def normalise(address: str) -> str:
    """The address as stored: surrounding spaces removed, the domain in lower case."""
    local, _, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else address.strip()


def is_valid(address: str) -> bool:
    if not isinstance(address, str) or len(address) > MAX_ADDRESS or address.count("@") != 1:
        return False
    local, domain = address.split("@")
    if not _LOCAL.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        return False
    labels = domain.split(".")
    return len(domain) <= 253 and all(_LABEL.match(label) for label in labels)
