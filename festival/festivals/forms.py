"""The festival-day form and the bulk forms of the missing festival days. Days are typed dd/mm/yyyy, times HH:MM
on the 24-hour clock, whatever the browser's locale (a text box, not <input type="time">, which shows AM/PM in
some locales)."""

from __future__ import annotations

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, Field, HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import TextInput

from festival.core.forms import BaseForm, Filled, day_field
from festival.editions.models import FestivalStatus
from festival.editions.services import NOTES_MAX

DAY_HELP = _l("Day/month/year, e.g. 19/08/2027")
CLOCK_HELP = _l("24-hour clock, e.g. 07:30 or 14:00")
INVALID_CLOCK = _l("Not a valid time. Type it as HH:MM on the 24-hour clock, e.g. 14:30.")

_CLOCK = re.compile(r"(?P<h>[0-9]{1,2})\s*[:hH.]\s*(?P<m>[0-9]{2})")


def parse_clock(text: str) -> time | None:
    """A wall-clock time typed as 7:30, 07:30, 07h30 or 07.30 (24-hour clock), or None."""
    match = _CLOCK.fullmatch((text or "").strip())
    if match is None:
        return None
    hour, minute = int(match["h"]), int(match["m"])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class ClockInput(TextInput):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("placeholder", "HH:MM")
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("inputmode", "numeric")
        kwargs.setdefault("size", 5)
        return super().__call__(field, **kwargs)


class ClockField(Field):
    widget = ClockInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        if not text:
            self.data = None
            return
        self.data = parse_clock(text)
        if self.data is None:
            raise ValueError(str(INVALID_CLOCK))


def clock_field(label, required: bool = True) -> ClockField:
    return ClockField(label, validators=[Filled() if required else Optional()], description=CLOCK_HELP)


class FestivalForm(BaseForm):
    """A festival day. The edition and the locality are chosen first (FestivalStartForm) and travel as hidden
    inputs: the venue and host lists depend on the locality."""

    edition = HiddenField(validators=[Length(max=8)])
    locality = HiddenField(validators=[Length(max=20)])
    version = HiddenField(validators=[Optional(), Length(max=12)])
    day = day_field(_l("Date"), description=DAY_HELP)
    start = clock_field(_l("Starts at"))
    end = clock_field(_l("Ends at"))
    venue = SelectField(_l("Venue"), choices=[], default="")
    hosts = SelectMultipleField(
        _l("Host organizations"),
        choices=[],
        description=_l(
            "Organizations of the locality, of the units below it or above it. Hold Ctrl to choose several."
        ),
    )
    is_practice = BooleanField(
        _l("Practice run"), description=_l("A practice run may fall outside the season of the edition.")
    )
    is_model_site = BooleanField(_l("Model site"))
    # Offered: the levels the user may set; any other value is refused by the service (model_site_not_allowed).
    model_site_level = SelectField(_l("Chosen as a model site by"), choices=[], default="", validate_choice=False)
    status = SelectField(_l("Status"), choices=[], default="planned")
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=NOTES_MAX)])

    def __init__(self, *args, venues=(), hosts=(), levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.venue.choices = [("", _l("No venue yet"))] + [(str(v.id), v.name) for v in venues]
        self.hosts.choices = [(str(o.id), f"{o.name} · {o.locality.full_name}") for o in hosts]
        labels = {"nation": _l("the Ministry (national model site)"), "province": _l("the province")}
        self.model_site_level.choices = [("", "—")] + [(level, labels[level]) for level in levels]
        self.status.choices = [(s.value, s.label) for s in FestivalStatus]


class MissingTickForm(BaseForm):
    """The communes ticked on the missing-festivals page, with one date and time for all of them."""

    edition = HiddenField(validators=[Length(max=8)])
    locality = HiddenField(validators=[Length(max=20)])
    codes = SelectMultipleField(_l("Units"), choices=[], validate_choice=False)
    day = day_field(_l("Date"), description=DAY_HELP)
    start = clock_field(_l("Starts at"))
    end = clock_field(_l("Ends at"))


class MissingUploadForm(BaseForm):
    edition = HiddenField(validators=[Length(max=8)])
    locality = HiddenField(validators=[Length(max=20)])
    file = FileField(
        _l("CSV file"),
        description=_l(
            "Columns code,date,start,end,venue (the venue is optional: a venue’s name in that unit). "
            "Dates dd/mm/yyyy or yyyy-mm-dd, times HH:MM. Commas or semicolons (Excel) both work."
        ),
    )
