"""WTForms' own messages ("This field is required.") in the app's catalogue.

WTForms ships no Indonesian translation, so Flask-WTF is pointed at the app's gettext
catalogue instead, and the messages WTForms uses are listed here for extraction.
"""

from __future__ import annotations

import flask_wtf.form
from flask_babel import get_translations, lazy_ngettext
from flask_babel import lazy_gettext as _l


class _AppCatalogue:
    """The gettext/ngettext pair WTForms calls; formatting stays with WTForms."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


def install() -> None:
    # FlaskForm.Meta.get_translations returns this module-level object when WTF_I18N_ENABLED.
    flask_wtf.form.translations = _AppCatalogue()


MESSAGES = (
    _l("This field is required."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid email address."),
    _l("Invalid URL."),
    _l("Invalid input."),
    _l("Field must be equal to %(other_name)s."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    lazy_ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    ),
    lazy_ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
)
