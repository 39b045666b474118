"""Certificate serials and the public check codes printed on them (and in their QR code).

Guarantees
- Serial `KIPP-<year>-<6 digits>`: the entry's id, zero-padded (more digits past 999,999);
  an extra award's certificate adds `-<AWARD CODE>` (kipp/documents/held_awards.py).
- Public code `<serial>-<check>`: `check` is HMAC-SHA256 of the serial keyed with the app's
  KIPP_CERTIFICATE_KEY (domain-separated), its first 40 bits in Crockford base32 (digits and
  letters without I, L, O, U), 8 characters. Parsing ignores case and reads O as 0 and I/L as 1
  in the check part; the comparison is constant-time. Changing KIPP_CERTIFICATE_KEY invalidates
  every printed code; rotating SECRET_KEY (sessions) does not. A pinned serial → code pair in
  `tests/workers/test_verify_codes.py` keeps the formula from changing silently.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import segno
from flask import current_app

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CHECK_LENGTH = 8  # 8 × 5 = 40 bits
# An extra award's certificate appends `-<AWARD CODE>` to the entry's serial.
_CODE = re.compile(r"(KIPP-\d{4}-\d{6,12}(?:-[A-Z][A-Z0-9_]{0,14})?)-([0-9A-Z]{8})")
SERIAL = re.compile(r"KIPP-\d{4}-\d{6,12}(?:-[A-Z][A-Z0-9_]{0,14})?")
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def format_serial(year: int, number: int) -> str:
    return f"KIPP-{year:04d}-{number:06d}"


def check_string(serial: str) -> str:
    key = current_app.config["KIPP_CERTIFICATE_KEY"]
    key = key.encode() if isinstance(key, str) else key
    mac = hmac.new(key, b"kipp-certificate-check\x00" + serial.encode(), hashlib.sha256)
    n = int.from_bytes(mac.digest()[:5], "big")
    return "".join(ALPHABET[(n >> (5 * i)) & 31] for i in reversed(range(CHECK_LENGTH)))


def public_code(serial: str) -> str:
    return f"{serial}-{check_string(serial)}"


def parse_code(code: str) -> str | None:
    """The serial of a genuine public code, or None (malformed, altered or forged)."""
    if not isinstance(code, str) or len(code) > 64:
        return None
    match = _CODE.fullmatch(code.strip().upper())
    if match is None:
        return None
    serial, check = match[1], match[2].translate(_READ_AS)
    return serial if hmac.compare_digest(check, check_string(serial)) else None


def verify_url(code: str) -> str:
    return f"{current_app.config['KIPP_PUBLIC_BASE_URL'].rstrip('/')}/verify/{code}"


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG markup (one vector path; error correction M)."""
    qr = segno.make(url, error="m", micro=False, boost_error=False)
    return qr.svg_inline(scale=1, omitsize=True, svgclass="qr", lineclass=None, title=url)
