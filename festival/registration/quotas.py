"""Quotas: what a person registers for (a festival day as a whole, or one agenda item), its window and places.

An item's quota is saved at its first registration (`ensure_quota`); until then `item_quota` and
`public_quotas` show an unsaved one with the defaults. The item's capacity is its quota's (`follow_item_capacity`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from festival.agenda import published
from festival.agenda.models import AgendaItem, ItemStatus
from festival.core.errors import DomainError, NotFound
from festival.core.time import utcnow
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.registration.models import Registration, RegistrationQuota


class WindowState(StrEnum):
    OPEN = "open"
    NOT_YET = "not_yet"
    CLOSED = "closed"
    STOPPED = "stopped"  # the organizer stopped public registration
    UNAVAILABLE = "unavailable"  # not published, or cancelled

    @property
    def message(self):
        return {
            WindowState.OPEN: _l("Registration is open."),
            WindowState.NOT_YET: _l("Registration has not opened yet."),
            WindowState.CLOSED: _l("Registration has closed."),
            WindowState.STOPPED: _l("Registration has been stopped by the organizers."),
            WindowState.UNAVAILABLE: _l("This does not take registrations."),
        }[self]


def quota_for(festival: LocalityFestival, item: AgendaItem | None = None) -> RegistrationQuota | None:
    query = select(RegistrationQuota).where(RegistrationQuota.festival_id == festival.id)
    query = query.where(RegistrationQuota.item_id == item.id if item else RegistrationQuota.item_id.is_(None))
    return db.session.scalar(query)


def ensure_quota(
    festival: LocalityFestival, item: AgendaItem | None = None, *, accepting: bool = True
) -> RegistrationQuota:
    """The quota of the festival day (item None) or of an item, created and committed when missing (an item's
    with the item's capacity; taking public registration or not, as `accepting` says). Two requests creating the
    same quota at once agree on one."""
    quota = quota_for(festival, item)
    if quota is not None:
        return quota
    try:
        quota = RegistrationQuota(
            festival_id=festival.id,
            item_id=item.id if item else None,
            capacity=item.capacity if item else None,
            taken=0,
            accepting=accepting,
            waiting_list=True,
            count_invitations=False,
        )
        db.session.add(quota)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        quota = quota_for(festival, item)
        if quota is None:
            raise
    return quota


def item_quota(item: AgendaItem) -> RegistrationQuota:
    """The quota an item would have: the saved one, else an unsaved one with the defaults (for showing)."""
    return quota_for(item.festival, item) or unsaved_quota(item)


def unsaved_quota(item: AgendaItem) -> RegistrationQuota:
    return RegistrationQuota(
        festival=item.festival,
        item=item,
        capacity=item.capacity,
        taken=0,
        accepting=True,
        waiting_list=True,
        count_invitations=False,
    )


def public_quotas(festival: LocalityFestival) -> list[RegistrationQuota]:
    """What the public can register for on a festival page: the day as a whole (when its organizers opened it)
    first, then the published items that take registrations, in time order. Items nobody registered for yet
    have unsaved quotas with the defaults: `ensure_quota` saves one at the first registration."""
    quotas = {
        quota.item_id: quota
        for quota in db.session.scalars(select(RegistrationQuota).where(RegistrationQuota.festival_id == festival.id))
    }
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.festival_id == festival.id, AgendaItem.takes_registrations.is_(True))
        .where(AgendaItem.status == ItemStatus.PUBLISHED.value)
        .order_by(AgendaItem.starts_at, AgendaItem.id)
    ).all()
    # The day as a whole is offered only while its organizers take public registration: a day quota that holds
    # invitations only (created stopped) is not the public's business.
    day = quotas.get(None)
    result = [day] if day is not None and day.accepting else []
    for item in items:
        result.append(quotas.get(item.id) or unsaved_quota(item))
    return [quota for quota in result if _available(quota)]


def _available(quota: RegistrationQuota) -> bool:
    festival = quota.festival
    if festival.program_published_at is None or festival.status == "cancelled":
        return False
    item = quota.item
    return item is None or (item.status == ItemStatus.PUBLISHED.value and item.takes_registrations)


def registrable(festival_id: int, item_id: int | None) -> RegistrationQuota:
    """What the public may register for, the same for the form and the API: an item of a published festival day
    that takes registrations (its quota may be unsaved yet: `ensure_quota` saves it at the first registration),
    or the day as a whole once its organizers opened it. NotFound otherwise, before anything is saved:
    festival_not_found, item_not_found, registration_not_found."""
    festival = published.get_festival(festival_id, hosts=False)
    if item_id is None:
        quota = quota_for(festival)
        if quota is None or window_state(quota) is WindowState.UNAVAILABLE:
            raise NotFound(_l("This festival day takes no registrations as a whole."), "registration_not_found")
        return quota
    item = db.session.get(AgendaItem, item_id)
    quota = item_quota(item) if item is not None and item.festival_id == festival.id else None
    if quota is None or window_state(quota) is WindowState.UNAVAILABLE:
        raise NotFound(
            _l("This festival day has no agenda item with this number taking registrations."), "item_not_found"
        )
    return quota


def admits_start(quota: RegistrationQuota) -> datetime:
    # `item`, not `item_id`: the unsaved quotas of public_quotas have the relationship only.
    return quota.item.starts_at if quota.item is not None else quota.festival.starts_at


def window_state(quota: RegistrationQuota, now: datetime | None = None) -> WindowState:
    now = now or utcnow()
    if not _available(quota):
        return WindowState.UNAVAILABLE
    if not quota.accepting:
        return WindowState.STOPPED
    if quota.opens_at and now < quota.opens_at:
        return WindowState.NOT_YET
    if now >= (quota.closes_at or admits_start(quota)):
        return WindowState.CLOSED
    return WindowState.OPEN


def title_of(quota: RegistrationQuota) -> str:
    """What a quota admits to, in words: the item's title, or the festival day's locality."""
    if quota.item is not None:  # an unsaved quota (public_quotas) has no item_id yet
        return quota.item.title
    return str(_l("Festival day in %(place)s", place=quota.festival.locality.full_name))


def follow_item_capacity(item: AgendaItem, new_capacity: int | None) -> RegistrationQuota | None:
    """An item's capacity is its quota's: check a new one against the places taken and set it (not committed).
    Returns the quota when places were added, so that the caller promotes the waiting list after its commit."""
    if item.id is None:
        return None
    quota = quota_for(item.festival, item)
    if quota is None or quota.capacity == new_capacity:
        return None
    if new_capacity is not None and new_capacity < quota.taken:
        raise DomainError(
            _l("%(n)s places are already taken: the capacity cannot be lower.", n=quota.taken),
            "capacity_below_taken",
            field="capacity",
        )
    grew = quota.capacity is not None and (new_capacity is None or new_capacity > quota.capacity)
    quota.capacity = new_capacity
    return quota if grew else None


def has_registrations(item: AgendaItem) -> bool:
    return (
        db.session.scalar(
            select(Registration.id).join(RegistrationQuota).where(RegistrationQuota.item_id == item.id).limit(1)
        )
        is not None
    )
