"""Every model, imported once so that Alembic and the app see the whole schema."""

from festival.accounts.api_tokens import ApiToken
from festival.accounts.models import Role, User, UserSession
from festival.agenda.models import (
    AgendaChange,
    AgendaItem,
    AgendaParticipant,
    AgendaPerson,
    Commendation,
    Signing,
    SigningParty,
)
from festival.audit import recorder as _audit_recorder  # noqa: F401  (registers the audit listener)
from festival.audit.models import AuditEntry
from festival.checkin.models import CheckIn, CheckinList, Device, Enrolment, Scan
from festival.core.cache import DataVersion
from festival.editions.models import Edition, EditionStatus, FestivalStatus, LocalityFestival, festival_hosts
from festival.localities.models import Locality, LocalityLevel
from festival.mail.models import OutgoingMail
from festival.organizations.models import Contact, Organization, OrganizationKind, Venue
from festival.registration.models import Attendance, Registration, RegistrationQuota

__all__ = [
    "CheckIn",
    "CheckinList",
    "Device",
    "Enrolment",
    "Scan",
    "AgendaChange",
    "ApiToken",
    "AgendaItem",
    "AgendaParticipant",
    "AgendaPerson",
    "Attendance",
    "AuditEntry",
    "Commendation",
    "Contact",
    "Signing",
    "SigningParty",
    "DataVersion",
    "Edition",
    "EditionStatus",
    "FestivalStatus",
    "Locality",
    "LocalityFestival",
    "LocalityLevel",
    "Organization",
    "OrganizationKind",
    "OutgoingMail",
    "Registration",
    "RegistrationQuota",
    "Role",
    "User",
    "UserSession",
    "Venue",
    "festival_hosts",
]
