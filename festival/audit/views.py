"""The audit log page (/dashboard/audit): organizers see their subtree's entries, administrators all."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import BuildError

from festival.accounts.auth import role_required
from festival.accounts.models import Role
from festival.accounts.pickers import resolve_locality
from festival.audit import services
from festival.core.errors import DomainError
from festival.core.i18n import format_moment
from festival.core.pagination import Page, parse_page

bp = Blueprint("audit", __name__, url_prefix="/dashboard/audit")

# Field names as people read them; a field not listed is shown as it is stored.
FIELD_LABELS = {
    "locality_id": _l("Locality"),
    "edition_id": _l("Edition"),
    "venue_id": _l("Venue"),
    "starts_at": _l("Starts at"),
    "ends_at": _l("Ends at"),
    "is_model_site": _l("Model site"),
    "model_site_level": _l("Chosen as a model site by"),
    "is_practice": _l("Practice run"),
    "status": _l("Status"),
    "notes": _l("Notes"),
    "hosts": _l("Host organizations"),
    "program_published_at": _l("Program published"),
    "name": _l("Name"),
    "kind": _l("Kind"),
    "title": _l("Title"),
    "description": _l("Description"),
    "address": _l("Address"),
    "capacity": _l("Capacity"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "contact_name": _l("Contact person"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "part": _l("Part"),
    "position": _l("Order"),
    "revision": _l("Revision"),
    "reason": _l("Reason"),
    "level": _l("Level"),
    "festival_id": _l("Festival day"),
    "organization_id": _l("Organization"),
    "takes_registrations": _l("Takes registrations"),
    "contacts": _l("Contact persons"),
    "agenda_people": _l("People responsible"),
    "agenda_participants": _l("Participating organizations"),
    "signing_parties": _l("Parties"),
}
# Where an entry's record has a page: entity → (endpoint, its id parameter). Endpoints that do not exist (yet)
# are skipped, so an entity's link appears as soon as its page does.
RECORD_PAGES = {
    "festival": ("festivals.edit", "festival_id"),
    "venue": ("venues.edit", "venue_id"),
    "organization": ("organizations.edit", "organization_id"),
}


def _value_labels() -> dict[tuple[str, str], dict[str, str]]:
    """Stored values shown in words, per (entity, field)."""
    from festival.editions.models import FestivalStatus

    return {
        ("festival", "status"): {s.value: str(s.label) for s in FestivalStatus},
        ("festival", "model_site_level"): {"nation": _("the Ministry"), "province": _("the province")},
    }


def _change(entity: str, name: str, value, labels: dict) -> str:
    words = labels.get((entity, name))
    if words is not None and isinstance(value, str) and value in words:
        return words[value]
    return _value(value)


def _value(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return format_moment(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _link(entry) -> str | None:
    target = RECORD_PAGES.get(entry.entity)
    if target is None or entry.action == "delete":
        return None
    try:
        return url_for(target[0], **{target[1]: entry.entity_id})
    except BuildError:
        return None


@bp.get("")
@role_required(Role.ORGANIZER)
def index():
    me = current_user._get_current_object()
    error = None
    try:
        code = request.args.get("locality", "")
        typed = request.args.get("locality_name", "")
        if not code and typed.strip():
            # Typed without choosing a suggestion (or without JavaScript): the one unit it names.
            code = resolve_locality("", typed, field="locality").code
        chosen = services.read_filter(me, request.args.get("entity"), code)
    except DomainError as exc:
        error, chosen = exc, None
        page = Page(items=[], page=1, per_page=services.PER_PAGE, total=0)
    else:
        page = services.entries_in_scope(me, chosen, parse_page(request.args.get("page")))
    return render_template(
        "audit/index.html",
        page=page,
        chosen=chosen,
        error=error,
        entities=services.ENTITIES,
        actions=services.ACTIONS,
        field_labels=FIELD_LABELS,
        show_change=_change,
        value_labels=_value_labels(),
        link=_link,
        typed=request.args.get("locality_name", ""),
    ), (error.status if error else 200)
