"""Who works on check-in (administrators always pass role_required): organizers and check-in staff see the pages,
enrol and revoke devices and print posters; only organizers change the lists. Each view also checks that the
festival day is in the user's scope (festival.program.common.festival_in_scope)."""

from __future__ import annotations

from festival.accounts.auth import role_required
from festival.accounts.models import Role

checkin_staff = role_required(Role.ORGANIZER, Role.CHECKIN_STAFF)
organizers = role_required(Role.ORGANIZER)
