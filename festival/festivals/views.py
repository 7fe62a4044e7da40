"""Organizers create and edit the festival days of their localities (/dashboard/festivals…)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from festival.accounts.auth import in_scope, role_required, scope_locality
from festival.accounts.models import Role, User
from festival.core.errors import DomainError, Forbidden
from festival.core.forms import show_error
from festival.core.pagination import parse_page
from festival.core.params import parse_int
from festival.dashboard.services import chosen_edition
from festival.editions import services as editions
from festival.editions.models import Edition, LocalityFestival
from festival.festivals import bulk, services
from festival.festivals.forms import FestivalForm, MissingTickForm, MissingUploadForm
from festival.localities import services as localities
from festival.localities.models import Locality

bp = Blueprint("festivals", __name__, url_prefix="/dashboard/festivals")


def _me() -> User:
    return current_user._get_current_object()


def _edition(value) -> Edition:
    all_editions = editions.list_editions()
    if value:
        return chosen_edition(value, all_editions)
    current = editions.current_edition(include_drafts=True)
    if current is None:
        raise DomainError(_("There is no edition yet."), "edition_not_found", status=404)
    return current


def _locality_in_scope(code) -> Locality:
    locality = localities.get_by_code(code or "")
    if not in_scope(_me(), locality):
        raise Forbidden(_("%(name)s is outside your scope.", name=locality.full_name), "locality_outside_scope")
    return locality


def _form(locality: Locality, festival: LocalityFestival | None) -> FestivalForm:
    """The form with its lists (on a POST, filled from the request; on a GET, empty)."""
    levels = editions.model_site_levels_for(_me(), locality)
    if festival is not None and festival.model_site_level and festival.model_site_level not in levels:
        levels = [*levels, festival.model_site_level]
    hosts = services.host_choices(locality)
    if festival is not None:
        hosts += [h for h in festival.hosts if h not in hosts]
    return FestivalForm(venues=services.venue_choices(locality), hosts=hosts, levels=levels)


def _fill(form: FestivalForm, festival: LocalityFestival) -> None:
    """The form's boxes as the saved festival day has them."""
    form.edition.data = str(festival.edition.year)
    form.locality.data = festival.locality.code
    form.version.data = str(festival.version)
    form.day.data = festival.local_start.date()
    form.day.raw_data = None
    form.start.data = festival.local_start.time()
    form.start.raw_data = None
    form.end.data = festival.local_end.time()
    form.end.raw_data = None
    form.venue.data = str(festival.venue_id) if festival.venue_id else ""
    form.hosts.data = [str(h.id) for h in festival.hosts]
    form.is_practice.data = festival.is_practice
    form.is_model_site.data = festival.is_model_site
    form.model_site_level.data = festival.model_site_level or ""
    form.status.data = festival.status
    form.notes.data = festival.notes
    for field in form:
        field.raw_data = None


def _data(form: FestivalForm, locality: Locality, festival: LocalityFestival | None) -> editions.FestivalData:
    venues = {str(v.id): v for v in services.venue_choices(locality)}
    hosts = {str(o.id): o for o in services.host_choices(locality)}
    if festival is not None:
        hosts.update({str(h.id): h for h in festival.hosts})
    data = editions.FestivalData(
        locality=locality,
        day=form.day.data,
        start=form.start.data,
        end=form.end.data,
        venue=venues.get(form.venue.data or ""),
        hosts=[hosts[h] for h in form.hosts.data or [] if h in hosts],
        is_practice=bool(form.is_practice.data),
        is_model_site=bool(form.is_model_site.data),
        model_site_level=form.model_site_level.data or None,
        status=form.status.data,
        notes=form.notes.data or "",
    )
    if not editions.model_site_levels_for(_me(), locality) and "is_model_site" not in request.form:
        # The flag is not offered to this user (read-only on the page): it stays as it is.
        data.is_model_site = festival.is_model_site if festival else False
        data.model_site_level = festival.model_site_level if festival else None
    return data


def _page(form, edition, locality, festival, status=200, newer=None):
    return (
        render_template(
            "festivals/form.html",
            form=form,
            edition=edition,
            locality=locality,
            festival=festival,
            may_set_model_site=bool(editions.model_site_levels_for(_me(), locality)),
            newer=newer,
        ),
        status,
    )


def _save(form: FestivalForm, edition: Edition, locality: Locality, festival: LocalityFestival | None):
    if form.validate_on_submit():
        # A version that cannot be read counts as an old one: refused as stale rather than saved over blindly.
        version = (parse_int(form.version.data, 1, 2**31 - 1) or 0) if festival is not None else None
        try:
            saved = editions.save_festival(
                edition, _data(form, locality, festival), festival, user=_me(), expected_version=version
            )
        except DomainError as error:
            if error.code == "stale_version":
                # Show what the other person saved, next to what this one typed (kept in the form).
                flash(str(error.message), "error")
                newer = services.festival_in_scope(_me(), festival.id)
                form.version.data = str(newer.version)
                return _page(form, edition, locality, newer, error.status, newer=newer)
            show_error(form, error)
            return _page(form, edition, locality, festival, error.status)
        flash(_("The festival day of %(name)s is saved.", name=saved.locality.full_name), "success")
        return redirect(url_for("festivals.edit", festival_id=saved.id))
    return _page(form, edition, locality, festival, 400 if request.method == "POST" else 200)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def new():
    """First the edition and the locality (a picker), then the festival day's form for that locality."""
    source = request.form if request.method == "POST" else request.args
    edition = _edition(source.get("edition"))
    if not source.get("locality") and not source.get("locality_name"):
        return render_template(
            "festivals/start.html", editions=editions.list_editions(), edition=edition, scope=scope_locality(_me())
        )
    try:
        locality = _resolve_locality(source)
    except DomainError as error:
        if error.status in (403, 404) and error.code != "locality_not_found":
            raise
        return (
            render_template(
                "festivals/start.html",
                editions=editions.list_editions(),
                edition=edition,
                scope=scope_locality(_me()),
                error=error,
                typed=source.get("locality_name", ""),
            ),
            400 if request.method == "POST" else error.status,
        )
    form = _form(locality, None)
    if request.method == "GET":
        form.edition.data = str(edition.year)
        form.locality.data = locality.code
    return _save(form, edition, locality, None)


def _resolve_locality(source) -> Locality:
    from festival.accounts.pickers import resolve_locality

    locality = resolve_locality(source.get("locality", ""), source.get("locality_name", ""), field="locality")
    if not in_scope(_me(), locality):
        raise Forbidden(_("%(name)s is outside your scope.", name=locality.full_name), "locality_outside_scope")
    return locality


@bp.route("/<int:festival_id>", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def edit(festival_id: int):
    festival = services.festival_in_scope(_me(), festival_id)
    form = _form(festival.locality, festival)
    if request.method == "GET":
        _fill(form, festival)
    return _save(form, festival.edition, festival.locality, festival)


# --- the festival days still missing -----------------------------------------------------------------------------


def _missing_context():
    source = request.form if request.method == "POST" else request.args
    edition = _edition(source.get("edition"))
    scope = scope_locality(_me())
    # By default the user's own unit; administrators start from the whole country (its provinces).
    code = source.get("locality") or (scope.code if scope else localities.NATION_CODE)
    return edition, _locality_in_scope(code)


def _missing_page(edition, parent, tick=None, upload=None, status=200, import_errors=None):
    tick = tick or MissingTickForm(formdata=None)
    upload = upload or MissingUploadForm(formdata=None)
    for form in (tick, upload):
        form.edition.data = str(edition.year)
        form.locality.data = parent.code
    page = bulk.missing_units(edition, parent, parse_page(request.args.get("page")))
    return (
        render_template(
            "festivals/missing.html",
            edition=edition,
            parent=parent,
            page=page,
            tick=tick,
            upload=upload,
            editions=editions.list_editions(),
            import_errors=import_errors,
            max_rows=bulk.MAX_ROWS,
            max_kb=bulk.MAX_BYTES // 1024,
        ),
        status,
    )


@bp.get("/missing")
@role_required(Role.ORGANIZER)
def missing():
    edition, parent = _missing_context()
    return _missing_page(edition, parent)


@bp.post("/missing/create")
@role_required(Role.ORGANIZER)
def missing_create():
    edition, parent = _missing_context()
    form = MissingTickForm()
    if form.validate_on_submit():
        try:
            created = bulk.create_for_units(
                _me(), edition, parent, form.codes.data or [], form.day.data, form.start.data, form.end.data
            )
        except DomainError as error:
            show_error(form, error)
            return _missing_page(edition, parent, tick=form, status=error.status)
        flash(ngettext("%(num)d festival day created.", "%(num)d festival days created.", created), "success")
        return redirect(url_for("festivals.missing", edition=edition.year, locality=parent.code))
    return _missing_page(edition, parent, tick=form, status=400)


@bp.post("/missing/import")
@role_required(Role.ORGANIZER)
def missing_import():
    edition, parent = _missing_context()
    form = MissingUploadForm()
    if form.validate_on_submit():
        try:
            created = bulk.import_csv(_me(), edition, parent, request.files.get("file"))
        except bulk.ImportRejected as rejected:
            return _missing_page(edition, parent, upload=form, status=400, import_errors=rejected.rows)
        except DomainError as error:
            show_error(form, error)
            return _missing_page(edition, parent, upload=form, status=error.status)
        flash(ngettext("%(num)d festival day created.", "%(num)d festival days created.", created), "success")
        return redirect(url_for("festivals.missing", edition=edition.year, locality=parent.code))
    return _missing_page(edition, parent, upload=form, status=400)
