"""Organizations and venues for organizers and administrators (within their scope), and an organization's own page
for its representative."""

from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.accounts.auth import role_required, scope_locality
from festival.accounts.models import Role, User
from festival.agenda.models import CommendationLevel, SigningKind
from festival.core.errors import DomainError
from festival.core.forms import show_error
from festival.core.pagination import parse_page
from festival.core.params import parse_id
from festival.localities.models import Locality
from festival.organizations import merge as merging
from festival.organizations import participations, services
from festival.organizations.forms import MergeForm, OrganizationForm, ProfileForm, VenueForm
from festival.organizations.models import KIND_LABELS, Organization, Venue

bp = Blueprint("organizations", __name__)

STAFF = (Role.ORGANIZER,)  # and administrators, who pass every role check


def _me() -> User:
    return current_user._get_current_object()


_CONTACT_FIELD = re.compile(r"contacts-(\d+)-(\w+)")


def _show_error(form, error: DomainError) -> None:
    """A service's error next to its field, a contact row's field included (`contacts-<n>-<field>`)."""
    match = _CONTACT_FIELD.fullmatch(error.field or "")
    if match:
        index, name = int(match[1]), match[2]
        if index < len(form.contacts.entries) and name in form.contacts.entries[index].form:
            subfield = form.contacts.entries[index].form[name]
            subfield.errors = [*subfield.errors, str(error.message)]
            return
    show_error(form, error)


def _contacts(form) -> list[services.ContactData]:
    return [
        services.ContactData(
            full_name=row.full_name.data or "",
            position_title=row.position_title.data or "",
            phone=row.phone.data or "",
            email=row.email.data or "",
        )
        for row in form.contact_rows()
    ]


def _filter_locality(errors: list[str]) -> Locality | None:
    """The unit whose subtree a list shows (`?locality=` code, or `?locality_name=` typed without the script)."""
    code, text = request.args.get("locality", ""), request.args.get("locality_name", "")
    if not code and not text:
        return None
    try:
        return services.resolve_locality(code, text)
    except DomainError as error:
        errors.append(str(error.message))
        return None


def _form_status(error: DomainError | None) -> int:
    if request.method != "POST":
        return 200
    # A stale version (409) and a locality outside the user's scope (403) keep their own status; every other
    # refusal of a form is a 400.
    return error.status if error is not None and error.status in (403, 409) else 400


# --- organizations ----------------------------------------------------------------------------------------------


@bp.get("/dashboard/organizations")
@role_required(*STAFF)
def index():
    errors: list[str] = []
    within = _filter_locality(errors)
    q = request.args.get("q", "")[:200]
    kind = request.args.get("kind", "")
    try:
        page = services.organizations_in_scope(
            _me(), q, kind=kind or None, within=within, page=parse_page(request.args.get("page"))
        )
    except DomainError as error:
        errors.append(str(error.message))
        page = None
    return (
        render_template(
            "organizations/index.html",
            page=page,
            q=q,
            kind=kind,
            kinds=KIND_LABELS,
            within=within,
            errors=errors,
            scope=scope_locality(_me()),
        ),
        400 if errors else 200,
    )


def _organization_data(form: OrganizationForm) -> services.OrganizationData:
    return services.OrganizationData(
        locality=services.resolve_locality(form.locality_code.data, form.locality_name.data),
        name=form.name.data or "",
        kind=form.kind.data or "",
        phone=form.phone.data or "",
        email=form.email.data or "",
        description=form.description.data or "",
        contacts=_contacts(form),
        version=form.version.data,
    )


def _save_organization(form: OrganizationForm, organization: Organization | None):
    error = None
    if form.validate_on_submit():
        try:
            saved = services.save_organization(_organization_data(form), organization, user=_me())
        except DomainError as caught:
            error = caught
            _show_error(form, error)
            if error.code == "stale_version" and organization is not None:
                form.version.data = str(organization.version)  # saving again means: over what is shown
        else:
            flash(_("%(name)s is saved.", name=saved.name), "success")
            return redirect(url_for("organizations.edit", organization_id=saved.id))
    stale = organization if error is not None and error.code == "stale_version" else None
    return (
        render_template("organizations/form.html", form=form, organization=organization, stale=stale),
        _form_status(error),
    )


@bp.route("/dashboard/organizations/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():
    form = OrganizationForm()
    if request.method == "GET":
        scope = scope_locality(_me())
        if scope is not None:
            form.locality_name.data, form.locality_code.data = scope.full_name, scope.code
    return _save_organization(form, None)


@bp.route("/dashboard/organizations/<int:organization_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(organization_id: int):
    organization = services.get_organization(_me(), organization_id)
    form = OrganizationForm(obj=organization)
    if request.method == "GET":
        form.locality_name.data = organization.locality.full_name
        form.locality_code.data = organization.locality.code
        form.version.data = str(organization.version)
        form.add_empty_contact_rows()
    return _save_organization(form, organization)


@bp.route("/dashboard/organizations/<int:organization_id>/merge", methods=["GET", "POST"])
@role_required(*STAFF)
def merge(organization_id: int):
    duplicate = services.get_organization(_me(), organization_id)
    return _merge_page("organization", duplicate)


# --- venues -----------------------------------------------------------------------------------------------------


@bp.get("/dashboard/venues")
@role_required(*STAFF)
def venues():
    errors: list[str] = []
    within = _filter_locality(errors)
    q = request.args.get("q", "")[:200]
    page = services.venues_in_scope(_me(), q, within=within, page=parse_page(request.args.get("page")))
    return (
        render_template("venues/index.html", page=page, q=q, within=within, errors=errors, scope=scope_locality(_me())),
        400 if errors else 200,
    )


def _venue_data(form: VenueForm) -> services.VenueData:
    return services.VenueData(
        locality=services.resolve_locality(form.locality_code.data, form.locality_name.data),
        name=form.name.data or "",
        address=form.address.data or "",
        capacity=form.capacity.data,
        latitude=form.latitude.data,
        longitude=form.longitude.data,
        contacts=_contacts(form),
        version=form.version.data,
    )


def _save_venue(form: VenueForm, venue: Venue | None):
    error = None
    if form.validate_on_submit():
        try:
            saved = services.save_venue(_venue_data(form), venue, user=_me())
        except DomainError as caught:
            error = caught
            _show_error(form, error)
            if error.code == "stale_version" and venue is not None:
                form.version.data = str(venue.version)
        else:
            flash(_("%(name)s is saved.", name=saved.name), "success")
            return redirect(url_for("organizations.venue_edit", venue_id=saved.id))
    stale = venue if error is not None and error.code == "stale_version" else None
    return render_template("venues/form.html", form=form, venue=venue, stale=stale), _form_status(error)


@bp.route("/dashboard/venues/new", methods=["GET", "POST"])
@role_required(*STAFF)
def venue_new():
    form = VenueForm()
    if request.method == "GET":
        scope = scope_locality(_me())
        if scope is not None:
            form.locality_name.data, form.locality_code.data = scope.full_name, scope.code
    return _save_venue(form, None)


@bp.route("/dashboard/venues/<int:venue_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def venue_edit(venue_id: int):
    venue = services.get_venue(_me(), venue_id)
    form = VenueForm(obj=venue)
    if request.method == "GET":
        form.locality_name.data = venue.locality.full_name
        form.locality_code.data = venue.locality.code
        form.version.data = str(venue.version)
        form.add_empty_contact_rows()
    return _save_venue(form, venue)


@bp.route("/dashboard/venues/<int:venue_id>/merge", methods=["GET", "POST"])
@role_required(*STAFF)
def venue_merge(venue_id: int):
    duplicate = services.get_venue(_me(), venue_id)
    return _merge_page("venue", duplicate)


# --- merging ----------------------------------------------------------------------------------------------------

_MERGE = {
    "organization": {
        "get": services.get_organization,
        "preview": merging.organization_merge_preview,
        "merge": merging.merge_organizations,
        "search": lambda user, q, page: services.organizations_in_scope(user, q, page=page),
        "edit": lambda record: url_for("organizations.edit", organization_id=record.id),
    },
    "venue": {
        "get": services.get_venue,
        "preview": merging.venue_merge_preview,
        "merge": merging.merge_venues,
        "search": lambda user, q, page: services.venues_in_scope(user, q, page=page),
        "edit": lambda record: url_for("organizations.venue_edit", venue_id=record.id),
    },
}


def _keep(rules, me: User, raw):
    """The record chosen to keep: one of the user's scope (else a field error, not a 404: the page exists)."""
    ident = parse_id(raw)
    try:
        return rules["get"](me, ident) if ident is not None else None
    except DomainError:
        return None


def _merge_page(kind: str, duplicate):
    """Choose the record to keep (a search among the scope's records), see what would move, confirm."""
    rules = _MERGE[kind]
    me = _me()
    form = MergeForm()
    posted = request.method == "POST"
    raw_keep = form.keep.data if posted else request.args.get("keep")
    keep = counts = error = None
    if raw_keep or posted:
        try:
            keep = _keep(rules, me, raw_keep)
            counts = rules["preview"](me, duplicate, keep)
        except DomainError as caught:
            error, keep = caught, None
    if posted and error is None:
        name = duplicate.name
        try:
            moved = rules["merge"](me, duplicate, keep, form.duplicate_version.data, form.keep_version.data)
        except DomainError as caught:
            error = caught
        else:
            count = sum(c.moved for c in moved)
            flash(
                _("%(duplicate)s is merged into %(kept)s: %(count)s references moved.",
                  duplicate=name, kept=keep.name, count=count),
                "success",
            )  # fmt: skip
            return redirect(rules["edit"](keep))
    if error is not None:
        flash(str(error.message), "error")
    if keep is not None:
        # What the confirmation shows; after a stale refusal, the newer versions (confirming again merges them).
        form.keep.data = str(keep.id)
        form.duplicate_version.data = str(duplicate.version)
        form.keep_version.data = str(keep.version)
    q = request.args.get("q", "")[:200]
    candidates = None if keep is not None else rules["search"](me, q, parse_page(request.args.get("page")))
    status = 200 if error is None else (409 if error.status == 409 else 400)
    return (
        render_template(
            "organizations/merge.html",
            kind=kind,
            duplicate=duplicate,
            keep=keep,
            counts=counts,
            candidates=candidates,
            q=q,
            form=form,
            edit_url=rules["edit"],
        ),
        status,
    )


# --- an organization's own page -----------------------------------------------------------------------------------


@bp.route("/dashboard/my-organization", methods=["GET", "POST"])
@login_required
def mine():
    me = _me()
    organization = services.own_organization(me)
    form = ProfileForm(obj=organization)
    error = None
    if request.method == "GET":
        form.version.data = str(organization.version)
        form.add_empty_contact_rows()
    elif form.validate_on_submit():
        data = services.ProfileData(
            name=form.name.data or "",
            phone=form.phone.data or "",
            email=form.email.data or "",
            description=form.description.data or "",
            contacts=_contacts(form),
            version=form.version.data,
        )
        try:
            services.save_profile(me, data)
        except DomainError as caught:
            error = caught
            _show_error(form, error)
            if error.code == "stale_version":
                form.version.data = str(organization.version)
        else:
            flash(_("The profile of %(name)s is saved.", name=organization.name), "success")
            return redirect(url_for("organizations.mine"))
    return (
        render_template(
            "organizations/mine.html",
            form=form,
            organization=organization,
            stale=organization if error is not None and error.code == "stale_version" else None,
            items=participations.agenda_participations(organization, parse_page(request.args.get("items"))),
            commendations=participations.commendations_received(
                organization, parse_page(request.args.get("commendations"))
            ),
            signings=participations.signings_party_to(organization, parse_page(request.args.get("signings"))),
            levels={level.value: level.label for level in CommendationLevel},
            signing_kinds={kind.value: kind.label for kind in SigningKind},
        ),
        _form_status(error),
    )
