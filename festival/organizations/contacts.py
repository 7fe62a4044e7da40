"""Contact persons of organizations and venues, and the phone and e-mail rules they share with their owners."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from festival.core.errors import DomainError
from festival.core.text import nfc
from festival.organizations.models import Contact, Organization, Venue

# Contact persons of one organization or venue: a form shows the saved ones and two empty rows.
CONTACTS_MAX = 20
CONTACT_TEXT_MAX = 200


def normalise_phone(value: str, field: str = "phone") -> str:
    """E.164 form of a Vietnamese (or international) phone number; '' stays ''."""
    value = nfc(value)
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value[:50], "VN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise DomainError(
            _l("“%(phone)s” is not a valid phone number.", phone=value[:50]), "phone_invalid", field=field
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str, field: str = "email") -> str:
    value = nfc(value)
    if not value:
        return ""
    try:
        return validate_email(value[:254], check_deliverability=False).normalized
    except EmailNotValidError:
        raise DomainError(
            _l("“%(email)s” is not a valid e-mail address.", email=value[:254]), "email_invalid", field=field
        ) from None


# --- contact persons --------------------------------------------------------------------------------------------


@dataclass
class ContactData:
    full_name: str = ""
    position_title: str = ""
    phone: str = ""
    email: str = ""

    def is_empty(self) -> bool:
        return not any(nfc(v) for v in (self.full_name, self.position_title, self.phone, self.email))


def clean_contacts(rows: list[ContactData]) -> list[ContactData]:
    """The filled rows, checked: a full name for each, a valid phone and e-mail; errors name the row's field
    (`contacts-<row>-<field>`, the form's own names)."""
    cleaned = []
    for index, row in enumerate(rows):
        if row.is_empty():
            continue
        prefix = f"contacts-{index}-"
        full_name = nfc(row.full_name)
        if not full_name:
            raise DomainError(
                _l("Give the contact person’s full name."), "contact_name_required", field=prefix + "full_name"
            )
        for value, name in ((full_name, "full_name"), (nfc(row.position_title), "position_title")):
            if len(value) > CONTACT_TEXT_MAX:
                raise DomainError(
                    _l("At most %(n)s characters.", n=CONTACT_TEXT_MAX), "text_too_long", field=prefix + name
                )
        cleaned.append(
            ContactData(
                full_name=full_name,
                position_title=nfc(row.position_title),
                phone=normalise_phone(row.phone, prefix + "phone"),
                email=normalise_email(row.email, prefix + "email"),
            )
        )
    if len(cleaned) > CONTACTS_MAX:
        raise DomainError(_l("At most %(n)s contact persons.", n=CONTACTS_MAX), "contacts_too_many", field="contacts")
    return cleaned


def set_contacts(record: Organization | Venue, rows: list[ContactData]) -> None:
    """Rewrite the record's contacts in place (row by row), so that the audit log shows what really changed."""
    existing = list(record.contacts)
    for index, row in enumerate(rows):
        contact = existing[index] if index < len(existing) else Contact()
        contact.full_name = row.full_name
        contact.position_title = row.position_title
        contact.phone = row.phone
        contact.email = row.email
        if index >= len(existing):
            record.contacts.append(contact)
    for contact in existing[len(rows) :]:
        record.contacts.remove(contact)
