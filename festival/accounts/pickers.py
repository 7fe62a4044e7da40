"""Pickers by name: what a person typed in a scope or organization box, resolved to one record.

The page's script fills a hidden input with the chosen code or id; without it (no JavaScript, or text typed and
never chosen), the typed text is resolved here: an exact code or id, else the one accent-insensitive match.
Several matches give a field error naming up to five candidates; none gives a field error too.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.core.errors import DomainError
from festival.core.params import parse_id
from festival.core.text import has_control_characters, nfc, search_key
from festival.core.text import printable as shown
from festival.extensions import db
from festival.localities import services as localities
from festival.localities.models import Locality
from festival.organizations.models import Organization
from festival.organizations.services import search_organizations

# What a person types into a picker: a unit's full name is at most 255 characters, an organization's too.
PICKER_TEXT_MAX = 255
CANDIDATES_SHOWN = 5
# The most of a wrong code repeated in a message (a unit's code has at most 20 characters).
CODE_MAX = 20


def _candidates(items, describe) -> str:
    return "; ".join(describe(item) for item in items[:CANDIDATES_SHOWN])


def _describe_locality(locality: Locality) -> str:
    parent = locality.parent
    if parent is not None and parent.depth > 0:
        return f"{locality.full_name}, {parent.full_name} ({locality.code})"
    return f"{locality.full_name} ({locality.code})"


def resolve_locality(code: str, text: str, field: str = "scope_code") -> Locality:
    """The unit a picker names: its code when the script filled it in, else what was typed (a code, or a name
    that matches one unit, accents, case and spacing aside)."""
    code = nfc(code)
    text = nfc(text)
    if code:
        found = localities.find_by_code(code)  # None too for what cannot be a code (any length, any character)
        if found is None:
            raise DomainError(
                _l("No administrative unit has the code %(code)s.", code=shown(code, CODE_MAX)),
                "locality_not_found",
                field=field,
            )
        return found
    if not text:
        raise DomainError(_l("Choose the locality this account works in."), "scope_required", field=field)
    not_found = DomainError(
        _l("No administrative unit is called “%(name)s”.", name=shown(text, 80)), "locality_not_found", field=field
    )
    if len(text) > PICKER_TEXT_MAX or has_control_characters(text):
        raise not_found
    by_code = localities.find_by_code(text)
    if by_code is not None:
        return by_code
    if localities.is_code(text) and text.isdigit():  # units' codes are digits: this was meant as one
        raise DomainError(
            _l("No administrative unit has the code %(code)s.", code=text), "locality_not_found", field=field
        )
    results = localities.search(text, limit=CANDIDATES_SHOWN + 1)
    key = search_key(text)
    exact = [loc for loc in results if key in (loc.search_name, loc.search_full)]
    return _the_one(
        results,
        exact,
        not_found,
        lambda several: DomainError(
            _l(
                "Several units match “%(name)s”: %(candidates)s. Choose one from the list or type its code.",
                name=shown(text, 80),
                candidates=_candidates(several, _describe_locality),
            ),
            "locality_ambiguous",
            field=field,
        ),
    )


def _the_one(results: list, exact: list, not_found: DomainError, ambiguous):
    """What a picker's typed text names: its one exact match, else its only match; none or several is an error
    (`ambiguous` makes it from the candidates: the exact matches when there are some, else all)."""
    if len(exact) == 1:
        return exact[0]
    if len(results) == 1:
        return results[0]
    if not results:
        raise not_found
    raise ambiguous(exact or results)


def _describe_organization(organization: Organization) -> str:
    return f"{organization.name}, {organization.locality.full_name} (#{organization.id})"


def resolve_organization(raw_id, text: str, field: str = "organization_id") -> Organization:
    """The organization a picker names: its id when the script filled it in, else what was typed (an id, or a
    name that matches one organization, accents and case aside)."""
    if raw_id not in (None, ""):
        ident = parse_id(raw_id)
        organization = db.session.get(Organization, ident) if ident is not None else None
        if organization is None:
            raise DomainError(
                _l("This organization does not exist. Choose one from the list."), "organization_not_found", field=field
            )
        return organization
    text = nfc(text)
    if not text:
        raise DomainError(_l("Choose the organization this account speaks for."), "organization_required", field=field)
    not_found = DomainError(
        _l("No organization is called “%(name)s”.", name=shown(text, 80)), "organization_not_found", field=field
    )
    if len(text) > PICKER_TEXT_MAX or has_control_characters(text):
        raise not_found
    typed_id = parse_id(text.lstrip("#"))
    if typed_id is not None:
        organization = db.session.get(Organization, typed_id)
        if organization is not None:
            return organization
    results = search_organizations(text, limit=CANDIDATES_SHOWN + 1)
    key = search_key(text)
    exact = [org for org in results if org.search_name == key]
    return _the_one(
        results,
        exact,
        not_found,
        lambda several: DomainError(
            _l(
                "Several organizations match “%(name)s”: %(candidates)s. Choose one from the list or type its number.",
                name=shown(text, 80),
                candidates=_candidates(several, _describe_organization),
            ),
            "organization_ambiguous",
            field=field,
        ),
    )
