"""The frameworks' own English texts, in the user's language.

Marshmallow (API field errors: "Missing data for required field.", "Must be one of: a, b.")
and Werkzeug (404/405/… descriptions) speak English only. `field_message` turns each such
text into the app's catalogue message, keeping the values it carries (choices, lengths,
bounds); `http_detail` gives a translated detail for a framework HTTP error that has no
description of its own. A text this module does not know is returned unchanged, so an error
is never lost, only left in English.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

_EXACT = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field may not be null."),
    "Invalid value.": _l("Invalid value."),
    "Invalid input.": _l("Invalid value."),
    "Invalid input type.": _l("The request body must be a JSON object."),
    "Unknown field.": _l("Unknown field."),
    "Not a valid integer.": _l("Enter a whole number."),
    "Not a valid number.": _l("Enter a number."),
    "Not a valid string.": _l("Enter text."),
    "Not a valid boolean.": _l("Enter true or false."),
    "Not a valid list.": _l("Enter a list."),
    "Not a valid mapping type.": _l("Enter an object."),
    "Not a valid date.": _l("Enter a date as YYYY-MM-DD."),
    "Not a valid datetime.": _l("Enter a date and time in ISO 8601 with a time zone."),
    "Not a valid aware datetime.": _l("Enter a date and time in ISO 8601 with a time zone."),
    "Not a valid email address.": _l("Enter a valid e-mail address."),
    "Not a valid URL.": _l("Enter a valid URL."),
    "Invalid type.": _l("Invalid type."),
    "Number too large.": _l("The number is too large."),
}

_PATTERNS = [
    (re.compile(r"Must be one of: (?P<choices>.*)\."), _l("Choose one of: %(choices)s.")),
    (re.compile(r"Longer than maximum length (?P<max>\d+)\."), _l("At most %(max)s characters.")),
    (re.compile(r"Shorter than minimum length (?P<min>\d+)\."), _l("At least %(min)s characters.")),
    (
        re.compile(r"Length must be between (?P<min>\d+) and (?P<max>\d+)\."),
        _l("Between %(min)s and %(max)s characters."),
    ),
    (
        re.compile(
            r"Must be greater than or equal to (?P<min>\S+) "
            r"and less than or equal to (?P<max>\S+)\."
        ),
        _l("Must be between %(min)s and %(max)s."),
    ),
    (
        re.compile(r"Must be greater than or equal to (?P<min>\S+)\."),
        _l("Must be at least %(min)s."),
    ),
    (re.compile(r"Must be less than or equal to (?P<max>\S+)\."), _l("Must be at most %(max)s.")),
]


def field_message(text: str) -> str:
    """One marshmallow message in the user's language (unchanged when unknown)."""
    known = _EXACT.get(text)
    if known is not None:
        return str(known)
    for pattern, message in _PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            return str(message) % m.groupdict()
    return text


def field_messages(errors: Any) -> Any:
    """The same structure of errors (dicts, lists, strings) with every message translated."""
    if isinstance(errors, dict):
        return {key: field_messages(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [field_messages(value) for value in errors]
    return field_message(errors) if isinstance(errors, str) else errors


def _details() -> dict[int, str]:
    return {
        400: _("The request could not be read; check that the body is valid JSON."),
        401: _("Log in first."),
        403: _("You may not do this."),
        404: _("Nothing was found at this address."),
        405: _("This method is not allowed at this address."),
        413: _("The upload is too large."),
        415: _("This type of file or body is not accepted."),
        429: _("Too many attempts. Wait a moment and try again."),
        500: _("Internal error."),
    }


def http_detail(exc: HTTPException) -> str:
    """The exception's own description when it was given one, else a translated text for its
    status (Werkzeug's class default descriptions are English)."""
    status = exc.code or 500
    default = type(exc).description
    if exc.description and exc.description != default:
        return exc.description
    return _details().get(status, exc.description or "")
