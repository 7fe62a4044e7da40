"""The messages WTForms and Flask-WTF show by themselves, as msgids of our catalogs.

WTForms ships no Vietnamese catalog, so `festival.core.forms.BaseForm` looks these up in ours. Nothing imports
this module: it exists so that `pybabel extract` (`make messages`) finds the strings. tests/core/test_forms.py
reads the installed WTForms and Flask-WTF and fails when they define a message that is not listed here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


def ngettext(singular: str, plural: str, n: int = 1) -> tuple[str, str]:
    """Marks a message with a plural form for extraction (the real lookup is BabelTranslations.ngettext)."""
    return singular, plural


MESSAGES = (
    # wtforms.validators
    _l("This field is required."),
    _l("Field must be equal to %(other_name)s."),
    _l("Invalid field name '%s'."),
    ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long."),
    ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters."),
    ngettext("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid IP address."),
    _l("Invalid Mac address."),
    _l("Invalid URL."),
    _l("Invalid UUID."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    # wtforms.fields
    _l("Not a valid choice."),
    ngettext("'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Choices cannot be None."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    # wtforms.csrf
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
    # flask_wtf.csrf (raised without gettext; BaseForm's CSRF class translates them)
    _l("The CSRF token is missing."),
    _l("The CSRF session token is missing."),
    _l("The CSRF token has expired."),
    _l("The CSRF token is invalid."),
    _l("The CSRF tokens do not match."),
    # flask_wtf.file
    _l("File does not have an approved extension."),
    _l("File does not have an approved extension: {extensions}"),
)
