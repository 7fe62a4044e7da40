"""The dashboard's filter: which edition, and which unit's festivals (within the user's scope)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from festival.accounts.auth import scope_locality
from festival.accounts.models import User
from festival.core.errors import DomainError, NotFound
from festival.core.params import parse_int
from festival.core.text import search_key
from festival.editions import services as editions
from festival.editions.models import Edition
from festival.localities import services as localities
from festival.localities.models import Locality


def chosen_edition(value: str | None, all_editions: list[Edition]) -> Edition:
    """The edition asked for by year (`?edition=`): NotFound for anything but the year of an edition."""
    year = parse_int(value, editions.FIRST_YEAR, editions.LAST_YEAR)
    if year is None:
        raise NotFound(_l("There is no such edition."), "edition_not_found")
    found = next((e for e in all_editions if e.year == year), None)
    if found is None:
        raise NotFound(_l("There is no %(year)s edition.", year=year), "edition_not_found")
    return found


@dataclass
class LocalityFilter:
    """The unit whose subtree the dashboard shows (None: the whole scope) and the free text it filters by."""

    locality: Locality | None
    query: str


def locality_filter(user: User, code: str | None, query: str | None, query_sent: bool) -> LocalityFilter:
    """Read the dashboard's filter.

    `code` is the unit chosen in the suggestions (the hidden `locality` input); `query` is the visible text, a free
    text filter without JavaScript. Choosing a suggestion puts the unit's full name into the text: the text then
    only labels the choice. A text that differs from that name is a new search (the choice is dropped), and so is a
    form sent with the text emptied (`query_sent`); a link with the code alone (no text) filters by the unit.

    A unit outside the user's scope raises DomainError "locality_outside_scope" (the page shows nothing of it);
    a unit above the scope keeps the whole scope.
    """
    query = (query or "").strip()
    if not code:
        return LocalityFilter(None, query)
    locality = localities.get_by_code(code)
    if query_sent and search_key(query) != search_key(locality.full_name):
        return LocalityFilter(None, query)
    if not user.is_admin:
        scope = scope_locality(user)
        if scope is None or not (locality.path.startswith(scope.path) or scope.path.startswith(locality.path)):
            raise DomainError(
                _l("%(name)s is outside your scope: there is nothing to show.", name=locality.full_name),
                "locality_outside_scope",
                field="locality",
                status=403,
            )
    return LocalityFilter(locality, "")
