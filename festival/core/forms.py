"""Helpers shared by the HTML forms: the base form, the day field, service errors next to their field."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from flask import flash, has_request_context
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms import Field, ValidationError
from wtforms.validators import InputRequired, Optional, StopValidation
from wtforms.widgets import TextInput

from festival.core.errors import DomainError
from festival.core.time import local_to_utc

DAY_FORMAT = "%d/%m/%Y"
DAY_PLACEHOLDER = "dd/mm/yyyy"


class BabelTranslations:
    """WTForms' and Flask-WTF's own messages through our Flask-Babel catalogs (they ship no Vietnamese).

    Every message they can show is an msgid of ours (festival/core/wtforms_messages.py lists them).
    Flask-Babel's ngettext() would format the message with `num` itself, which WTForms does after us: the
    plain catalog lookup is used instead.
    """

    def gettext(self, string: str) -> str:
        if not has_request_context():
            return string
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if not has_request_context():
            return singular if n == 1 else plural
        return get_translations().ungettext(singular, plural, n)


translations = BabelTranslations()


class _TranslatedCSRF(_FlaskFormCSRF):
    """Flask-WTF's CSRF check raises English sentences that do not go through gettext: translate them."""

    def validate_csrf_token(self, form, field):
        try:
            super().validate_csrf_token(form, field)
        except ValidationError as error:
            raise ValidationError(translations.gettext(str(error.args[0]))) from error


class BaseForm(FlaskForm):
    """The base of every form of the app (CSRF from Flask-WTF; messages in the reader's language)."""

    class Meta:
        csrf_class = _TranslatedCSRF

        def get_translations(self, form):
            return translations

    def validate(self, extra_validators=None) -> bool:
        """Validate; a filled box whose text could not be read shows only why (e.g. "Not a valid integer
        value."), not what the validators then say about the missing value (DataRequired would replace it with
        "This field is required.", NumberRange would add "Number must be between…")."""
        valid = super().validate(extra_validators)
        for field in self:
            if field.process_errors and _typed(field):
                field.errors = list(field.process_errors)
        return valid


def _typed(field) -> bool:
    raw = field.raw_data
    return bool(raw) and isinstance(raw[0], str) and bool(raw[0].strip())


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's error next to its field, or at the top of the form when it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")


# --- days -------------------------------------------------------------------------------------------------------

# What people type: day first with one separator used twice (19/08/2027, 1/7/2027, 19-08-2027, 19.08.2027), or
# the ISO order (2027-08-19). Spaces around the separators are forgiven; two-digit years are not (19/08/27 is
# ambiguous).
_DAY_FIRST = re.compile(r"(?P<d>[0-9]{1,2})\s*(?P<sep>[/.\-])\s*(?P<m>[0-9]{1,2})\s*(?P=sep)\s*(?P<y>[0-9]{4})")
_ISO = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")

INVALID_DAY = _l("Not a valid date. Type it as dd/mm/yyyy, e.g. 19/08/2027.")


def parse_day(text: str) -> date | None:
    """The day `text` names in one of the accepted forms, or None when it names none (31/02/2027 included)."""
    text = text.strip()
    match = _DAY_FIRST.fullmatch(text) or _ISO.fullmatch(text)
    if match is None:
        return None
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


class DayInput(TextInput):
    """A text box for a day typed dd/mm/yyyy.

    No `inputmode="numeric"`: phones would open a keypad without "/". The default keyboard has the separators.
    """

    def __call__(self, field, **kwargs):
        kwargs.setdefault("placeholder", DAY_PLACEHOLDER)
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("spellcheck", "false")
        return super().__call__(field, **kwargs)


class DayField(Field):
    """A day typed by a person: dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd; shown dd/mm/yyyy.

    A filled box that names no real day says so ("not a valid date", with the expected form), and keeps what
    was typed; "required" is only for an empty box. Use it with Filled() or Optional() (`day_field`
    does), not DataRequired(), which would replace the "not a valid date" message with "required".
    """

    widget = DayInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime(DAY_FORMAT) if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        if not text:
            self.data = None
            return
        self.data = parse_day(text)
        if self.data is None:
            raise ValueError(str(self.invalid_value_message or INVALID_DAY))


class Filled(InputRequired):
    """InputRequired for a typed box: one holding only spaces is empty too. Unlike DataRequired it judges what was
    typed, not the value read from it, so a filled box that could not be read keeps its own message."""

    def __call__(self, form, field):
        raw = field.raw_data
        if raw and isinstance(raw[0], str) and raw[0].strip():
            return
        field.errors[:] = []
        raise StopValidation(self.message or field.gettext("This field is required."))


class WindowMixin:
    """A form with an opening and a closing moment, each a day field and a clock field (`opens_day`,
    `opens_time`, `closes_day`, `closes_time`): a time needs its day, and `moment("opens")` is the UTC instant
    (midnight when only the day is given), None when the day is empty."""

    def validate_opens_time(self, field):
        _time_needs_day(self.opens_day, field)

    def validate_closes_time(self, field):
        _time_needs_day(self.closes_day, field)

    def moment(self, name: str) -> datetime | None:
        day, clock = getattr(self, f"{name}_day"), getattr(self, f"{name}_time")
        if day.data is None:
            return None
        return local_to_utc(day.data, clock.data or time(0, 0))


def _time_needs_day(day, clock) -> None:
    if clock.data and day.data is None and not day.errors:
        raise ValidationError(_l("Enter the day too."))


def day_field(label, required: bool = True, **kwargs) -> DayField:
    """A DayField that is required (empty: "This field is required.") or optional (empty: None)."""
    validators = [Filled() if required else Optional()]
    return DayField(label, validators=validators, **kwargs)


# --- rendering --------------------------------------------------------------------------------------------------


def _visible_fields(form):
    return [f for f in form if getattr(f.widget, "input_type", None) != "hidden"]


def field_autofocus(field, requested: bool = False) -> bool:
    """Whether the `field` macro puts `autofocus` on this field.

    A form that comes back with errors focuses its first field in error; otherwise the field the template asked
    for (e.g. the username of the login form) gets it.
    """
    form = getattr(field, "_form", None)
    if form is None:
        return bool(field.errors) or requested
    in_error = [f for f in _visible_fields(form) if f.errors]
    if in_error:
        return in_error[0] is field
    return requested


def register_form_helpers(app) -> None:
    app.jinja_env.globals["field_autofocus"] = field_autofocus
