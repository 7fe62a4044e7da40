"""Forms of the organizers' registration pages. Moments are typed as a day (dd/mm/yyyy) and a 24-hour time, in
local time (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from festival.attendees.services import CAPACITY_MAX, QuotaSettings
from festival.core.forms import BaseForm, Filled, WindowMixin, day_field
from festival.core.params import parse_id
from festival.core.time import to_local
from festival.program.forms import ClockField
from festival.registration import services as registration


class ActionForm(BaseForm):
    """A button that posts (cancel, mark present): the CSRF token and what to do."""

    present = HiddenField()


def quota_prefix(item_id: int | None) -> str:
    """Each quota's form on the page has its own field names and ids: quota-day-…, quota-<item id>-…"""
    return f"quota-{item_id or 'day'}"


def parse_quota_prefix(value: str | None) -> tuple[bool, int | None]:
    """(valid, item id) of a posted prefix."""
    match = _PREFIX.fullmatch(value or "")
    if match is None:
        return False, None
    return True, (parse_id(match["item"]) if match["item"] != "day" else None)


_PREFIX = re.compile(r"quota-(?P<item>day|[0-9]{1,10})")


class QuotaForm(WindowMixin, BaseForm):
    """One quota's settings (prefixed: quota_prefix)."""

    capacity = IntegerField(
        _l("Places"),
        validators=[Optional(), NumberRange(min=1, max=CAPACITY_MAX)],
        description=_l("Leave empty for no limit."),
    )
    opens_day = day_field(_l("Registration opens on"), required=False)
    opens_time = ClockField(_l("Opening time"))
    closes_day = day_field(_l("Registration closes on"), required=False)
    closes_time = ClockField(_l("Closing time"))
    accepting = BooleanField(_l("Accepting registrations"))
    waiting_list = BooleanField(_l("Keep a waiting list when full"))
    count_invitations = BooleanField(_l("Invitations take places of the capacity"))

    def fill(self, quota) -> None:
        """Show a saved (or default) quota's settings."""
        self.capacity.data = quota.capacity
        for name in ("opens", "closes"):
            local = to_local(getattr(quota, f"{name}_at"))
            getattr(self, f"{name}_day").data = local.date() if local else None
            getattr(self, f"{name}_time").data = local.time() if local else None
        self.accepting.data = quota.accepting
        self.waiting_list.data = quota.waiting_list
        self.count_invitations.data = quota.count_invitations

    def settings(self) -> QuotaSettings:
        return QuotaSettings(
            opens_at=self.moment("opens"),
            closes_at=self.moment("closes"),
            accepting=self.accepting.data,
            waiting_list=self.waiting_list.data,
            count_invitations=self.count_invitations.data,
            capacity=self.capacity.data,
        )


COUNTS_CHOICES = [("default", _l("As the quota says")), ("yes", _l("Yes")), ("no", _l("No"))]


class InvitationForm(BaseForm):
    full_name = StringField(_l("Full name"), validators=[Filled(), Length(max=registration.NAME_MAX)])
    position_title = StringField(_l("Position"), validators=[Optional(), Length(max=registration.POSITION_MAX)])
    affiliation = StringField(_l("Organization"), validators=[Optional(), Length(max=registration.AFFILIATION_MAX)])
    seat = StringField(_l("Seat or section"), validators=[Optional(), Length(max=registration.SEAT_MAX)])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=50)])
    email = StringField(_l("E-mail (optional)"), validators=[Optional(), Length(max=254)])
    item = SelectField(_l("Invited to"), choices=[], validate_choice=True)
    counts = SelectField(
        _l("Takes a place of the capacity"),
        choices=COUNTS_CHOICES,
        default="default",
        description=_l("By default, as the quota's setting says."),
    )

    def data_for_service(self) -> registration.InvitationData:
        return registration.InvitationData(
            full_name=self.full_name.data or "",
            position_title=self.position_title.data or "",
            affiliation=self.affiliation.data or "",
            seat=self.seat.data or "",
            phone=self.phone.data or "",
            email=self.email.data or "",
        )

    def takes_place(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.counts.data)

    def item_id(self) -> int | None:
        return int(self.item.data) if self.item.data else None


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"), description=_l("UTF-8, separated by commas or semicolons."))

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Choose a file."))
