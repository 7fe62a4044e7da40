"""The API's query parameters and answers as marshmallow schemas: they parse, serialize and describe."""

from __future__ import annotations

from datetime import date, datetime

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from festival.agenda.models import ItemKind, ItemStatus, Part
from festival.api.openapi import whole_number
from festival.core.time import local_day_bounds, local_zone
from festival.editions.models import FestivalStatus
from festival.localities.models import LocalityLevel
from festival.localities.search import SEARCH_LIMIT_MAX
from festival.organizations.models import OrganizationKind
from festival.organizations.services import ORGANIZATIONS_PER_PAGE_MAX

# A page number past this could never hold a result (50 a page over every unit there could be).
PAGE_MAX = 1_000_000
PER_PAGE_MAX = 50
# Agenda items come 100 a page: a portal or an app keeping a copy of a province's program pages through hundreds.
ITEMS_PER_PAGE_MAX = 100
YEAR_MAX = 9999

fields = ma.fields


def paging(per_page_max: int) -> type[ma.Schema]:
    """`page` (from 1) and `per_page` (1 to `per_page_max`; `limit` is its older name)."""
    return ma.Schema.from_dict(
        {
            "page": whole_number(
                1, PAGE_MAX, _l("page must be a whole number from 1."), load_default=1, description="From 1."
            ),
            "per_page": whole_number(
                1,
                per_page_max,
                _l("%(name)s must be a whole number from 1 to %(max)s.", name="per_page", max=per_page_max),
                description="Items per page (default 20).",
            ),
            "limit": whole_number(
                1,
                per_page_max,
                _l("%(name)s must be a whole number from 1 to %(max)s.", name="limit", max=per_page_max),
                description="The older name of per_page.",
                deprecated=True,
            ),
        },
        name=f"Paging{per_page_max}",
    )


def per_page_of(args: dict) -> int:
    return args.get("per_page") or args.get("limit") or 20


class LocalityQuery(paging(SEARCH_LIMIT_MAX)):
    q = fields.String(
        load_default="",
        metadata={
            "description": "Accent-insensitive prefix search (unit types and everyday names understood).",
            "problem": _l("The search text is not valid."),
        },
    )
    level = fields.String(
        validate=ma.validate.OneOf([level.value for level in LocalityLevel]),
        metadata={"problem": _l("Unknown level.")},
    )
    within = fields.String(metadata={"description": "A unit's code whose subtree to search."})
    parent = fields.String(
        metadata={
            "description": "A unit's code: lists its direct children in official code order (with q or level: "
            "those of them that match; not with within)."
        }
    )


class OrganizationQuery(paging(ORGANIZATIONS_PER_PAGE_MAX)):
    q = fields.String(load_default="", metadata={"description": "Accent-insensitive part of the name."})
    locality = fields.String(metadata={"description": "A unit's code whose subtree to list."})
    kind = fields.String(
        validate=ma.validate.OneOf([kind.value for kind in OrganizationKind]),
        metadata={"problem": _l("Unknown kind of organization.")},
    )


def _year():
    return whole_number(1, YEAR_MAX, _l("year must be a year, such as 2027."), description="The edition's year.")


class FestivalQuery(paging(PER_PAGE_MAX)):
    year = _year()
    locality = fields.String(metadata={"description": "A unit's code: the festival days of it and of its subtree."})


class DayOrMoment(fields.String):
    """A local day (yyyy-mm-dd) or an ISO 8601 date-time (local time when it has no offset); loaded as
    (value, is_day)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text), True
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise self.make_error("invalid") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=local_zone())
        return moment, False


class Moment(fields.String):
    """An ISO 8601 date-time (local time when it has no offset)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if len(text) <= 10:
            raise self.make_error("invalid")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise self.make_error("invalid") from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=local_zone())


def start_bound(value: tuple[date | datetime, bool] | None, end: bool) -> datetime | None:
    """The instant a `from` (end=False) or `to` (end=True) argument stands for: a day means its local start, or
    for `to` the start of the next local day (the day is included)."""
    if value is None:
        return None
    moment, is_day = value
    if is_day:
        return local_day_bounds(moment)[1 if end else 0]
    return moment


class ItemQuery(paging(ITEMS_PER_PAGE_MAX)):
    year = _year()
    locality = fields.String(metadata={"description": "A unit's code: the items of its subtree's festival days."})
    start_from = DayOrMoment(
        data_key="from",
        metadata={
            "description": "Items starting at or after: a local day (yyyy-mm-dd) or an ISO 8601 date-time.",
            "problem": _l("from must be a day (yyyy-mm-dd) or an ISO 8601 date and time."),
        },
    )
    start_to = DayOrMoment(
        data_key="to",
        metadata={
            "description": "Items starting before: a date-time, or up to the end of a local day (yyyy-mm-dd).",
            "problem": _l("to must be a day (yyyy-mm-dd) or an ISO 8601 date and time."),
        },
    )
    part = fields.String(
        validate=ma.validate.OneOf([part.value for part in Part]),
        metadata={"problem": _l("part must be ceremony or festivities.")},
    )
    kind = fields.String(
        validate=ma.validate.OneOf([kind.value for kind in ItemKind]),
        metadata={"problem": _l("kind must be a kind of agenda item, such as flag_salute or arts.")},
    )
    updated_since = Moment(
        metadata={
            "description": "Items changed at or after this ISO 8601 date-time.",
            "problem": _l("updated_since must be an ISO 8601 date and time."),
        }
    )


class EditionQuery(paging(PER_PAGE_MAX)):
    pass


# --- answers ------------------------------------------------------------------------------------------------------


class LocalitySchema(ma.Schema):
    code = fields.String(required=True)
    level = fields.String(required=True, validate=ma.validate.OneOf([level.value for level in LocalityLevel]))
    unit_type = fields.String(required=True)
    name = fields.String(required=True)
    full_name = fields.String(required=True)
    name_en = fields.String(required=True)
    full_name_en = fields.String(required=True)
    parent_code = fields.String(required=True, allow_none=True)
    path = fields.String(required=True)


class OrganizationSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=ma.validate.OneOf([kind.value for kind in OrganizationKind]))
    locality_code = fields.String(required=True)
    locality_name = fields.String(required=True)


class VenueSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    address = fields.String(required=True)


class HostSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)


class ItemOrganizationSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)


class PersonSchema(ma.Schema):
    full_name = fields.String(required=True)
    position = fields.String(required=True)


class AgendaItemSchema(ma.Schema):
    id = fields.Integer(required=True)
    festival_id = fields.Integer(required=True)
    part = fields.String(required=True, validate=ma.validate.OneOf([part.value for part in Part]))
    kind = fields.String(required=True, validate=ma.validate.OneOf([kind.value for kind in ItemKind]))
    title = fields.String(required=True)
    description = fields.String(required=True)
    starts_at = fields.DateTime(required=True, metadata={"description": "ISO 8601 with the +07:00 offset."})
    ends_at = fields.DateTime(required=True)
    venue = fields.Nested(VenueSchema, required=True, allow_none=True)
    capacity = fields.Integer(required=True, allow_none=True)
    takes_registrations = fields.Boolean(required=True)
    status = fields.String(
        required=True,
        validate=ma.validate.OneOf([ItemStatus.PUBLISHED.value, ItemStatus.CANCELLED.value]),
    )
    revision = fields.Integer(required=True, metadata={"description": "Raised by every published change."})
    updated_at = fields.DateTime(required=True)
    organizations = fields.List(fields.Nested(ItemOrganizationSchema), required=True)
    people = fields.List(fields.Nested(PersonSchema), required=True)


class FestivalSchema(ma.Schema):
    id = fields.Integer(required=True)
    edition = fields.Integer(required=True, metadata={"description": "The edition's year."})
    locality_code = fields.String(required=True)
    locality_name = fields.String(required=True)
    starts_at = fields.DateTime(required=True, metadata={"description": "ISO 8601 with the +07:00 offset."})
    ends_at = fields.DateTime(required=True)
    venue = fields.Nested(VenueSchema, required=True, allow_none=True)
    is_practice = fields.Boolean(required=True)
    is_model_site = fields.Boolean(required=True)
    status = fields.String(required=True, validate=ma.validate.OneOf([s.value for s in FestivalStatus]))
    hosts = fields.List(fields.Nested(HostSchema), required=True)
    program_published = fields.Boolean(required=True)
    url = fields.String(
        required=True, metadata={"description": "The public page, on this site.", "format": "uri-reference"}
    )


class FestivalDetailSchema(FestivalSchema):
    program = fields.List(
        fields.Nested(AgendaItemSchema),
        required=True,
        metadata={"description": "The published program in program order (ceremony, then festivities)."},
    )


def page_of(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    return ma.Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True),
        },
        name=name,
    )


class EditionSchema(ma.Schema):
    year = fields.Integer(required=True)
    theme = fields.String(required=True)
    status = fields.String(required=True, validate=ma.validate.OneOf(["published", "archived"]))
    season_start = fields.Date(required=True)
    season_end = fields.Date(required=True)
    main_day = fields.Date(required=True, metadata={"description": "The national festival day."})
    festival_days = fields.Integer(required=True, metadata={"description": "How many festival days it counts."})
    url = fields.String(
        required=True, metadata={"description": "Its festival days, in this API.", "format": "uri-reference"}
    )


class ScopeSchema(ma.Schema):
    code = fields.String(required=True)
    full_name = fields.String(required=True)
    level = fields.String(required=True)


class MeSchema(ma.Schema):
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    role = fields.String(required=True, metadata={"description": "admin, organizer, org_rep or checkin_staff."})
    scope = fields.Nested(
        ScopeSchema, required=True, allow_none=True, metadata={"description": "None: the whole country (admins)."}
    )


class QuotaCountsSchema(ma.Schema):
    quota_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "None until the item's first registration."}
    )
    item_id = fields.Integer(required=True, allow_none=True, metadata={"description": "None: the day as a whole."})
    title = fields.String(required=True)
    capacity = fields.Integer(required=True, allow_none=True, metadata={"description": "None: no limit."})
    taken = fields.Integer(required=True, metadata={"description": "Places taken (what the capacity is held to)."})
    confirmed = fields.Integer(required=True, metadata={"description": "Confirmed registrations taking a place."})
    waiting = fields.Integer(required=True)
    invitations = fields.Integer(required=True, metadata={"description": "Invitations not cancelled."})
    attended = fields.Integer(required=True, metadata={"description": "Marked present at the entrance."})
    accepting = fields.Boolean(required=True)


class QuotaListSchema(ma.Schema):
    festival_id = fields.Integer(required=True)
    items = fields.List(fields.Nested(QuotaCountsSchema), required=True)


LocalityPage = page_of(LocalitySchema, "LocalityPage")
OrganizationPage = page_of(OrganizationSchema, "OrganizationPage")
FestivalPage = page_of(FestivalSchema, "FestivalPage")
AgendaItemPage = page_of(AgendaItemSchema, "AgendaItemPage")
EditionPage = page_of(EditionSchema, "EditionPage")

LINK_HEADER = {
    "Link": {
        "description": "RFC 8288 links to the first, previous, next and last pages.",
        "schema": {"type": "string"},
    }
}
