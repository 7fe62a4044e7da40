"""Forms of organizations and venues (CSRF from BaseForm on each; contact rows are sub-forms without one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from festival.core.forms import BaseForm, Filled, translations
from festival.organizations.models import KIND_LABELS
from festival.organizations.services import ADDRESS_MAX, CONTACT_TEXT_MAX, CONTACTS_MAX, DESCRIPTION_MAX, NAME_MAX

# Empty rows shown under the saved contact persons, so that a page without JavaScript can add some.
EMPTY_CONTACT_ROWS = 2


class ContactForm(Form):
    """One contact person: a row of the repeatable list (`contacts-<n>-full_name` …). An empty row is ignored."""

    class Meta:
        def get_translations(self, form):
            return translations

    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=CONTACT_TEXT_MAX)])
    position_title = StringField(_l("Position"), validators=[Optional(), Length(max=CONTACT_TEXT_MAX)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])


def _contacts():
    return FieldList(FormField(ContactForm), min_entries=EMPTY_CONTACT_ROWS, max_entries=CONTACTS_MAX + 10)


class _WithContacts(BaseForm):
    def add_empty_contact_rows(self) -> None:
        """Two empty rows after the saved ones (a page that first shows a record)."""
        saved = sum(1 for entry in self.contacts.entries if entry.form.full_name.data)
        while len(self.contacts.entries) < min(saved + EMPTY_CONTACT_ROWS, self.contacts.max_entries):
            self.contacts.append_entry()

    def contact_rows(self):
        return [entry.form for entry in self.contacts.entries]


_LOCALITY_HELP = _l("Type a name (accents are optional) and choose from the list, or type the unit’s code.")


class OrganizationForm(_WithContacts):
    name = StringField(_l("Name"), validators=[Length(max=NAME_MAX)])
    kind = SelectField(_l("Kind"), choices=[], default="", validators=[Filled(message=_l("Choose a kind."))])
    locality_name = StringField(_l("Locality"), validators=[Optional(), Length(max=255)], description=_LOCALITY_HELP)
    locality_code = HiddenField(validators=[Optional(), Length(max=20)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    contacts = _contacts()
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("Choose a kind…"))] + [(kind.value, label) for kind, label in KIND_LABELS.items()]


class ProfileForm(_WithContacts):
    """What an organization's representative edits: not its locality nor its kind."""

    name = StringField(_l("Name"), validators=[Length(max=NAME_MAX)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    contacts = _contacts()
    version = HiddenField()


class VenueForm(_WithContacts):
    name = StringField(_l("Name"), validators=[Length(max=NAME_MAX)])
    locality_name = StringField(_l("Locality"), validators=[Optional(), Length(max=255)], description=_LOCALITY_HELP)
    locality_code = HiddenField(validators=[Optional(), Length(max=20)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=ADDRESS_MAX)])
    capacity = IntegerField(
        _l("Capacity"), validators=[Optional()], description=_l("How many people it holds; leave empty if unknown.")
    )
    latitude = FloatField(_l("Latitude"), validators=[Optional()], description=_l("Decimal degrees, e.g. 21.2567."))
    longitude = FloatField(
        _l("Longitude"),
        validators=[Optional()],
        description=_l("Decimal degrees, e.g. 105.8421. Give both or neither."),
    )
    contacts = _contacts()
    version = HiddenField()


class MergeForm(BaseForm):
    """Confirms a merge: the record kept, and the versions of both records the page showed."""

    keep = HiddenField()
    duplicate_version = HiddenField()
    keep_version = HiddenField()
