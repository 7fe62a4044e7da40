"""Forms of the self check-in page and the poster page (CSRF from festival.core.forms.BaseForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import Length

from festival.core.forms import BaseForm, Filled


class TapForm(BaseForm):
    """The "I am here" button: one tap sends the ticket's code the phone keeps (static/js/checkin-self.js)."""

    code = HiddenField(validators=[Filled(message=_l("This ticket has no code.")), Length(max=200)])


class FindForm(BaseForm):
    """Without the ticket on this phone: the phone number registered and the ticket code's last 4 characters."""

    phone = StringField(
        _l("Phone number"),
        validators=[Filled(message=_l("Enter the phone number you registered with.")), Length(max=50)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    tail = StringField(
        _l("Last 4 characters of the ticket code"),
        description=_l("Shown under the QR code of your ticket: “Ticket code: …XXXX”."),
        validators=[Filled(message=_l("Enter the last 4 characters of the ticket code.")), Length(max=10)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": 10},
    )


class NewPosterForm(BaseForm):
    """Replace the poster code (a CSRF-protected button)."""
