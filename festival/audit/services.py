"""Reading the audit log: who changed what and when, in the reader's scope."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.auth import in_scope, scope_locality
from festival.accounts.models import User
from festival.audit.models import AuditEntry
from festival.core.errors import DomainError, Forbidden
from festival.core.pagination import Page, paginate
from festival.localities import services as localities
from festival.localities.models import Locality
from festival.localities.services import subtree_clause

ENTITIES = {
    "festival": _l("Festival day"),
    "agenda_item": _l("Program item"),
    "organization": _l("Organization"),
    "venue": _l("Venue"),
    "commendation": _l("Commendation"),
    "signing": _l("Signing"),
}
ACTIONS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "merge": _l("Merged"),
    # Noted by hand, on the festival day, without personal data (festival/attendees, festival/mail).
    "quota": _l("Registration settings changed"),
    "invite": _l("Invitation issued"),
    "import_invites": _l("Invitations imported"),
    "export": _l("Registrations exported"),
    "attended": _l("Marked present"),
    "unattended": _l("Presence unmarked"),
    "cancel_registration": _l("Registration cancelled by the organizers"),
    "mail_retry": _l("E-mail sent again"),
}
PER_PAGE = 50


@dataclass
class AuditFilter:
    entity: str | None = None
    locality: Locality | None = None


def read_filter(user: User, entity: str | None, code: str | None) -> AuditFilter:
    """The filter of the log page: an entity among ENTITIES, and a unit of the user's scope (its subtree)."""
    chosen = AuditFilter()
    if entity:
        if entity not in ENTITIES:
            raise DomainError(_l("Unknown kind of record."), "entity_unknown", field="entity")
        chosen.entity = entity
    if code:
        locality = localities.get_by_code(code)
        if not in_scope(user, locality):
            raise Forbidden(
                _l("%(name)s is outside your scope: there is nothing to show.", name=locality.full_name),
                "locality_outside_scope",
                field="locality",
            )
        chosen.locality = locality
    return chosen


def entries_in_scope(user: User, chosen: AuditFilter, page: int = 1) -> Page:
    """The entries of the user's subtree (administrators: all), newest first: one COUNT and one page query.

    An entry belongs to the subtree of the locality its record belonged to when it was written.
    """
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if not user.is_admin:
        root = scope_locality(user)
        if root is None:
            return Page(items=[], page=1, per_page=PER_PAGE, total=0)
        stmt = stmt.where(subtree_clause(AuditEntry.locality_path, root.path))
    if chosen.locality is not None:
        stmt = stmt.where(subtree_clause(AuditEntry.locality_path, chosen.locality.path))
    if chosen.entity is not None:
        stmt = stmt.where(AuditEntry.entity == chosen.entity)
    return paginate(stmt, page, PER_PAGE)
