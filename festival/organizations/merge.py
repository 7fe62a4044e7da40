"""Merging a duplicate organization or venue into the record kept.

Every reference to the duplicate moves to the kept record in one transaction, then the duplicate is deleted:
organizations are referred to by agenda participants, signing parties, commendations, festival hosts, user
accounts and contact persons; venues by agenda items, festival days and contact persons. Where the kept record
already holds the same place (the same role in the same item, the same signing, the same festival's hosts) the
duplicate's row is dropped instead of moved, so the unique rules hold.

Records whose meaning moves (agenda items, festival days, commendations) get a new version: a form opened on
them before the merge is refused as stale instead of writing the deleted record back.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.orm import aliased

from festival.accounts.auth import in_scope
from festival.accounts.models import User
from festival.agenda.models import AgendaItem, AgendaParticipant, Commendation, SigningParty
from festival.audit.recorder import note
from festival.core.errors import DomainError
from festival.core.params import parse_id
from festival.core.time import utcnow
from festival.editions.models import LocalityFestival, festival_hosts
from festival.extensions import db
from festival.organizations.models import Contact, Organization, Venue
from festival.organizations.services import stale_version


@dataclass
class MergeCount:
    """One kind of reference: how many rows point at the duplicate, and how many of them the kept record
    already has (dropped rather than moved)."""

    key: str
    label: str
    total: int
    dropped: int = 0

    @property
    def moved(self) -> int:
        return self.total - self.dropped


def _check_pair(user: User, duplicate, keep) -> None:
    if keep is None or not in_scope(user, keep.locality):
        raise DomainError(_l("Choose the record to keep among those of your scope."), "merge_keep_unknown",
                          field="keep")  # fmt: skip
    if keep.id == duplicate.id:
        raise DomainError(_l("A record cannot be merged into itself."), "merge_same", field="keep")


def _check_versions(duplicate, keep, duplicate_version, keep_version) -> None:
    if parse_id(duplicate_version) != duplicate.version or parse_id(keep_version) != keep.version:
        raise stale_version()


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


# --- organizations ----------------------------------------------------------------------------------------------


def _participants_clash(dup_id: int, keep_id: int):
    other = aliased(AgendaParticipant)
    return and_(
        AgendaParticipant.organization_id == dup_id,
        exists().where(
            other.organization_id == keep_id,
            other.item_id == AgendaParticipant.item_id,
            other.role == AgendaParticipant.role,
        ),
    )


def _parties_clash(dup_id: int, keep_id: int):
    other = aliased(SigningParty)
    return and_(
        SigningParty.organization_id == dup_id,
        exists().where(other.organization_id == keep_id, other.signing_id == SigningParty.signing_id),
    )


def _hosts_clash(dup_id: int, keep_id: int):
    other = festival_hosts.alias("kept_hosts")
    return and_(
        festival_hosts.c.organization_id == dup_id,
        exists().where(other.c.organization_id == keep_id, other.c.festival_id == festival_hosts.c.festival_id),
    )


def organization_merge_preview(user: User, duplicate: Organization, keep: Organization | None) -> list[MergeCount]:
    """What merging `duplicate` into `keep` would do: per kind of reference, the rows that move (seven counts)."""
    _check_pair(user, duplicate, keep)
    d, k = duplicate.id, keep.id
    return [
        MergeCount(
            "participants",
            _l("Participations in agenda items"),
            _count(select(AgendaParticipant.id).where(AgendaParticipant.organization_id == d)),
            _count(select(AgendaParticipant.id).where(_participants_clash(d, k))),
        ),
        MergeCount(
            "signing_parties",
            _l("Signings as a party"),
            _count(select(SigningParty.id).where(SigningParty.organization_id == d)),
            _count(select(SigningParty.id).where(_parties_clash(d, k))),
        ),
        MergeCount(
            "commendations",
            _l("Commendations received"),
            _count(select(Commendation.id).where(Commendation.organization_id == d)),
        ),
        MergeCount(
            "festival_hosts",
            _l("Festival days hosted"),
            _count(select(festival_hosts.c.festival_id).where(festival_hosts.c.organization_id == d)),
            _count(select(festival_hosts.c.festival_id).where(_hosts_clash(d, k))),
        ),
        MergeCount(
            "users",
            _l("Representatives’ accounts"),
            _count(select(User.id).where(User.organization_id == d)),
        ),
        MergeCount("contacts", _l("Contact persons"), _count(select(Contact.id).where(Contact.organization_id == d))),
    ]


def _note_merge(session, duplicate, keep, counts: list[MergeCount]) -> None:
    """The change log gets one line for the merge: the references moved by bulk statements, which the automatic
    recorder does not see (it records the duplicate's deletion itself)."""
    changes = {"merged_from": (f"{duplicate.name} (#{duplicate.id})", keep.name)}
    changes.update({count.key: (None, count.total) for count in counts if count.total})
    note(session, keep, "merge", changes)


def merge_organizations(
    user: User, duplicate: Organization, keep: Organization | None, duplicate_version=None, keep_version=None
) -> list[MergeCount]:
    """Move every reference of `duplicate` to `keep` and delete `duplicate`, in one transaction. Both versions are
    the ones the confirmation page showed: a record changed meanwhile is a stale version (409)."""
    counts = organization_merge_preview(user, duplicate, keep)
    _check_versions(duplicate, keep, duplicate_version, keep_version)
    d, k = duplicate.id, keep.id
    session = db.session
    now = utcnow()
    try:
        session.execute(delete(AgendaParticipant).where(_participants_clash(d, k)))
        session.execute(
            update(AgendaParticipant).where(AgendaParticipant.organization_id == d).values(organization_id=k)
        )
        session.execute(delete(SigningParty).where(_parties_clash(d, k)))
        session.execute(update(SigningParty).where(SigningParty.organization_id == d).values(organization_id=k))
        session.execute(
            update(Commendation)
            .where(Commendation.organization_id == d)
            .values(organization_id=k, version=Commendation.version + 1)
        )
        session.execute(delete(festival_hosts).where(_hosts_clash(d, k)))
        session.execute(update(festival_hosts).where(festival_hosts.c.organization_id == d).values(organization_id=k))
        session.execute(update(User).where(User.organization_id == d).values(organization_id=k))
        session.execute(update(Contact).where(Contact.organization_id == d).values(organization_id=k))
        _note_merge(session, duplicate, keep, counts)
        # The ORM's copies of what moved are out of date: reload them before the duplicate goes (its contacts,
        # now the kept one's, must not be deleted with it).
        session.expire_all()
        keep.updated_at = now  # the kept record's version moves: a form opened before the merge is stale
        session.delete(duplicate)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return counts


# --- venues -----------------------------------------------------------------------------------------------------


def venue_merge_preview(user: User, duplicate: Venue, keep: Venue | None) -> list[MergeCount]:
    _check_pair(user, duplicate, keep)
    d = duplicate.id
    return [
        MergeCount("agenda_items", _l("Agenda items"), _count(select(AgendaItem.id).where(AgendaItem.venue_id == d))),
        MergeCount(
            "festivals",
            _l("Festival days"),
            _count(select(LocalityFestival.id).where(LocalityFestival.venue_id == d)),
        ),
        MergeCount("contacts", _l("Contact persons"), _count(select(Contact.id).where(Contact.venue_id == d))),
    ]


def merge_venues(user: User, duplicate: Venue, keep: Venue | None, duplicate_version=None, keep_version=None):
    counts = venue_merge_preview(user, duplicate, keep)
    _check_versions(duplicate, keep, duplicate_version, keep_version)
    d, k = duplicate.id, keep.id
    session = db.session
    now = utcnow()
    try:
        session.execute(
            update(AgendaItem)
            .where(AgendaItem.venue_id == d)
            .values(venue_id=k, version=AgendaItem.version + 1, updated_at=now)
        )
        session.execute(
            update(LocalityFestival)
            .where(LocalityFestival.venue_id == d)
            .values(venue_id=k, version=LocalityFestival.version + 1, updated_at=now)
        )
        session.execute(update(Contact).where(Contact.venue_id == d).values(venue_id=k))
        _note_merge(session, duplicate, keep, counts)
        session.expire_all()
        keep.updated_at = now
        session.delete(duplicate)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return counts
