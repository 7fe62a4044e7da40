"""The public forms of registration (CSRF from Flask-WTF on each). The rules are the services'; these forms
only bound what is read, so that a form that comes back keeps what the person typed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, StringField, TelField
from wtforms.validators import DataRequired, Length, Optional

from festival.core.forms import BaseForm, Filled

# What a form reads at most; the services give the exact limits with their own messages.
READ_MAX = 400


class RegistrationForm(BaseForm):
    # Phone first: on a phone it is what people type fastest, and it is what finds the ticket again.
    phone = TelField(
        _l("Phone number"),
        validators=[Filled(message=_l("Enter a phone number.")), Length(max=50)],
        description=_l("For example 0912 345 678. One registration per phone number."),
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    full_name = StringField(
        _l("Full name"),
        validators=[Filled(message=_l("Enter the full name.")), Length(max=READ_MAX)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("E-mail (optional)"),
        validators=[Optional(), Length(max=254)],
        description=_l("We send your ticket there, and can send it again if you lose the link."),
        render_kw={"autocomplete": "email"},
    )
    affiliation = StringField(
        _l("Organization or residential area (optional)"),
        validators=[Optional(), Length(max=READ_MAX)],
        description=_l("For example: Thôn Đông, or Trường THCS Sóc Sơn."),
    )
    # Never ticked in advance: consent must be an act of the person (Decree 356/2025/NĐ-CP).
    consent = BooleanField(
        _l("I agree to the processing of my personal data as described above."),
        default=False,
        validators=[
            DataRequired(message=_l("Registration needs your consent to the processing of your personal data."))
        ],
    )


class ResendForm(BaseForm):
    """The offer made to a phone number that is already registered: mail the ticket to the address on file."""

    phone = HiddenField(validators=[DataRequired(), Length(max=50)])


class FindTicketForm(BaseForm):
    contact = StringField(
        _l("Phone number or e-mail"),
        validators=[Filled(message=_l("Enter the phone number or the e-mail you registered with.")), Length(max=254)],
    )


class ConfirmForm(BaseForm):
    """The confirmation step of cancelling, erasing and replacing the link: a CSRF-protected button."""
