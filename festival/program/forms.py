"""Forms of the program pages. Times are typed HH:MM on the 24-hour clock, in local time (Asia/Ho_Chi_Minh);
people and organizations are repeatable rows that work without JavaScript (empty rows are ignored)."""

from __future__ import annotations

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from festival.agenda.models import (
    CEREMONY_KINDS,
    CommendationLevel,
    ItemKind,
    Part,
    ParticipantRole,
    RecipientKind,
    SigningKind,
)
from festival.core.forms import BaseForm, Filled, translations

TITLE_MAX = 300
NAME_MAX = 200
CAPACITY_MAX = 1_000_000
# Rows a form may send: more are ignored (a page never shows that many).
ROWS_MAX = 50
EMPTY_ROWS = 3

_CLOCK = re.compile(r"(?P<h>[0-9]{1,2})\s*[:hH.]\s*(?P<m>[0-9]{2})")
INVALID_TIME = _l("Not a valid time. Type it as HH:MM on the 24-hour clock, e.g. 07:30 or 14:00.")


def parse_clock(text: str) -> time | None:
    """A wall-clock time typed as 7:30, 07:30, 07.30 or 7h30 (24-hour), or None."""
    match = _CLOCK.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    hours, minutes = int(match["h"]), int(match["m"])
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


class ClockInput(TextInput):
    """A time box: the browser's own 24-hour time picker where it has one, HH:MM typed otherwise."""

    input_type = "time"

    def __call__(self, field, **kwargs):
        kwargs.setdefault("step", "300")
        kwargs.setdefault("placeholder", "HH:MM")
        return super().__call__(field, **kwargs)


class ClockField(Field):
    """A local time typed HH:MM; a filled box that names no time says so and keeps what was typed."""

    widget = ClockInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0]
        if not text.strip():
            self.data = None
            return
        self.data = parse_clock(text)
        if self.data is None:
            raise ValueError(str(INVALID_TIME))


class RowForm(Form):
    """A repeated row (no CSRF token of its own: the page's form has one); messages in the reader's language."""

    class Meta:
        def get_translations(self, form):
            return translations


class PersonRow(RowForm):
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=NAME_MAX)])
    position_title = StringField(_l("Position"), validators=[Optional(), Length(max=NAME_MAX)])


class ParticipantRow(RowForm):
    """An organization and its role; a row without an organization is an empty row, whatever its role says."""

    organization = SelectField(_l("Organization"), choices=[], validate_choice=False)
    role = SelectField(_l("Role"), choices=[], validate_choice=False)

    def validate_organization(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(field.gettext("Not a valid choice."))

    def validate_role(self, field):
        if self.organization.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(field.gettext("Not a valid choice."))


def kind_choices() -> dict:
    """The kinds grouped by part, ceremony kinds in their customary order."""
    ceremony = [(k.value, k.label) for k in CEREMONY_KINDS]
    festivities = [(k.value, k.label) for k in ItemKind if k not in CEREMONY_KINDS]
    return {str(Part.CEREMONY.label): ceremony, str(Part.FESTIVITIES.label): festivities}


class ItemForm(BaseForm):
    part = SelectField(_l("Part"), choices=[])
    kind = SelectField(_l("Kind"), choices=[])
    title = StringField(
        _l("Title"),
        validators=[Optional(), Length(max=TITLE_MAX)],
        description=_l("Left empty, the kind’s name is the title."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    start = ClockField(_l("Starts at"), validators=[Filled()], description=_l("HH:MM, 24-hour clock"))
    end = ClockField(_l("Ends at"), validators=[Filled()], description=_l("HH:MM, 24-hour clock"))
    venue = SelectField(_l("Venue"), choices=[])
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=1, max=CAPACITY_MAX)],
        description=_l("Leave empty when there is no limit."),
    )
    takes_registrations = BooleanField(_l("Takes registrations"))
    people = FieldList(FormField(PersonRow), min_entries=EMPTY_ROWS, max_entries=ROWS_MAX)
    participants = FieldList(FormField(ParticipantRow), min_entries=EMPTY_ROWS, max_entries=ROWS_MAX)
    cancelled = BooleanField(_l("Cancelled"), description=_l("A cancelled item stays in the program, marked as such."))
    version = HiddenField()

    def __init__(self, *args, venues=(), organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.part.choices = [(p.value, p.label) for p in Part]
        self.kind.choices = kind_choices()
        self.venue.choices = [("", _l("— No venue —"))] + [(str(v.id), v.name) for v in venues]
        organization_choices = [("", _l("— Choose —"))] + [(str(o.id), o.name) for o in organizations]
        role_choices = [(r.value, r.label) for r in ParticipantRole]
        for row in self.participants:
            row.form.organization.choices = organization_choices
            row.form.role.choices = role_choices
        self._organization_choices = organization_choices
        self._role_choices = role_choices

    def pad_rows(self) -> None:
        """Empty rows to type more people and organizations in, after those already there (no JavaScript)."""
        for rows, blank in ((self.people, _blank_person), (self.participants, _blank_participant)):
            empty = sum(1 for row in rows if blank(row.form))
            while empty < EMPTY_ROWS and len(rows) < ROWS_MAX:
                rows.append_entry()
                empty += 1
        for row in self.participants:
            row.form.organization.choices = self._organization_choices
            row.form.role.choices = self._role_choices


def _blank_person(row: PersonRow) -> bool:
    return not (row.full_name.data or "").strip() and not (row.position_title.data or "").strip()


def _blank_participant(row: ParticipantRow) -> bool:
    return not row.organization.data


def filled_people(form: ItemForm) -> list[tuple[str, str]]:
    return [
        ((row.form.full_name.data or "").strip(), (row.form.position_title.data or "").strip())
        for row in form.people
        if not _blank_person(row.form)
    ]


def filled_participants(form: ItemForm) -> list[tuple[str, str]]:
    return [(row.form.organization.data, row.form.role.data) for row in form.participants if row.form.organization.data]


class TimesForm(BaseForm):
    """The timetable's in-place edit of an item's times."""

    start = ClockField(_l("Starts at"), validators=[Filled()])
    end = ClockField(_l("Ends at"), validators=[Filled()])
    version = HiddenField()


class ConfirmForm(BaseForm):
    """A button that posts (publish, delete, template): the CSRF token and, where it matters, the version."""

    version = HiddenField()


class CloneForm(BaseForm):
    source = SelectField(_l("Clone the program of"), choices=[])

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.source.choices = [(str(f.id), label) for f, label in sources]


class CommendationForm(BaseForm):
    item = SelectField(_l("Announced at"), choices=[])
    level = SelectField(_l("Level"), choices=[])
    recipient_kind = SelectField(_l("Recipient"), choices=[])
    organization = SelectField(_l("Organization"), choices=[])
    locality = SelectField(_l("Residential area"), choices=[])
    person_name = StringField(_l("Full name"), validators=[Optional(), Length(max=NAME_MAX)])
    person_position = StringField(_l("Position"), validators=[Optional(), Length(max=NAME_MAX)])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()

    def __init__(self, *args, items=(), organizations=(), areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.item.choices = [(str(i.id), i.title) for i in items]
        self.level.choices = [(c.value, c.label) for c in CommendationLevel]
        self.recipient_kind.choices = [(r.value, r.label) for r in RecipientKind]
        self.organization.choices = [("", _l("— Choose —"))] + [(str(o.id), o.name) for o in organizations]
        self.locality.choices = [("", _l("— Choose —"))] + [(str(a.id), a.full_name) for a in areas]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes: usable on a phone, unlike a multiple select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SigningForm(BaseForm):
    item = SelectField(_l("Signed at"), choices=[])
    kind = SelectField(_l("Kind"), choices=[])
    title = StringField(_l("Title"), validators=[Filled(), Length(max=TITLE_MAX)])
    parties = MultiCheckboxField(_l("Parties"), choices=[])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()

    def __init__(self, *args, items=(), organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.item.choices = [(str(i.id), i.title) for i in items]
        self.kind.choices = [(k.value, k.label) for k in SigningKind]
        self.parties.choices = [(str(o.id), o.name) for o in organizations]
