"""Every model, imported once so that Alembic and the app see the whole schema."""

from festival.accounts.models import Role, User, UserSession
from festival.core.cache import DataVersion
from festival.editions.models import Edition, EditionStatus, FestivalStatus, LocalityFestival, festival_hosts
from festival.localities.models import Locality, LocalityLevel
from festival.organizations.models import Organization, OrganizationKind, Venue

__all__ = [
    "DataVersion",
    "Edition",
    "EditionStatus",
    "FestivalStatus",
    "Locality",
    "LocalityFestival",
    "LocalityLevel",
    "Organization",
    "OrganizationKind",
    "Role",
    "User",
    "UserSession",
    "Venue",
    "festival_hosts",
]
