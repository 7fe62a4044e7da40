"""Forms of the organizers' check-in pages. Times are typed as a local day (dd/mm/yyyy) and a 24-hour time, like
every other time of the dashboard; an empty opening or closing time means the default (lists.span)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from festival.checkin import lists as list_rules
from festival.checkin.models import Admits, CheckinList
from festival.core.forms import BaseForm, WindowMixin, day_field
from festival.core.time import to_local
from festival.program.forms import ClockField

# Days outside these years are typing mistakes (and would not convert to UTC at the ends of the calendar).
YEAR_MIN, YEAR_MAX = 2000, 2200


class ActionForm(BaseForm):
    """A button that posts (create the entrance list, delete, revoke, enrol): the CSRF token only."""


def _check_year(field) -> None:
    if isinstance(field.data, date) and not YEAR_MIN <= field.data.year <= YEAR_MAX:
        raise ValidationError(_l("Enter a day between %(first)s and %(last)s.", first=YEAR_MIN, last=YEAR_MAX))


class ListForm(WindowMixin, BaseForm):
    name = StringField(
        _l("Name"),
        validators=[Optional(), Length(max=list_rules.NAME_MAX)],
        description=_l("Leave empty to name it after what it is for."),
    )
    item = SelectField(_l("For"), choices=[], validate_choice=True)
    admits = SelectField(_l("Admits"), choices=[(a.value, a.label) for a in Admits], default=Admits.BOTH.value)
    reentry = BooleanField(_l("Re-entry allowed (a checked-in ticket may enter again)"))
    opens_day = day_field(_l("Check-in opens on"), required=False)
    opens_time = ClockField(_l("Opening time"))
    closes_day = day_field(_l("Check-in closes on"), required=False)
    closes_time = ClockField(_l("Closing time"))

    def validate_opens_day(self, field):
        _check_year(field)

    def validate_closes_day(self, field):
        _check_year(field)

    def set_items(self, items) -> None:
        self.item.choices = [("", str(_l("The festival day as a whole")))] + [
            (str(item.id), f"{to_local(item.starts_at):%H:%M} · {item.title}") for item in items
        ]

    def fill(self, checkin_list: CheckinList) -> None:
        self.name.data = checkin_list.name
        self.item.data = str(checkin_list.item_id) if checkin_list.item_id else ""
        self.admits.data = checkin_list.admits
        self.reentry.data = checkin_list.reentry
        for name in ("opens", "closes"):
            local = to_local(getattr(checkin_list, f"{name}_at"))
            getattr(self, f"{name}_day").data = local.date() if local else None
            getattr(self, f"{name}_time").data = local.time() if local else None

    def list_data(self) -> list_rules.ListData:
        return list_rules.ListData(
            name=self.name.data or "",
            item_id=int(self.item.data) if self.item.data else None,
            admits=self.admits.data,
            reentry=bool(self.reentry.data),
            opens_at=self.moment("opens"),
            closes_at=self.moment("closes"),
        )


# The service's field names (ListData) → the form's, for show_error.
FIELD_OF = {"item_id": "item", "opens_at": "opens_day", "closes_at": "closes_day", "admits": "admits", "name": "name"}
