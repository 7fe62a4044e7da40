"""Organizers' check-in pages of a festival day: the hub (lists with their counts, devices), lists created, changed
and deleted, phones enrolled with a one-time QR code and devices revoked, the scans log and the duplicates.

Administrators, organizers and check-in staff, each for the festival days of their locality subtree
(festival_in_scope: 404 unknown, 403 outside it). Check-in staff see everything here and enrol and revoke devices;
only organizers and administrators create, change or delete lists. Rules live in festival.checkin.lists,
devices and admin; these views parse, authorize, call one service, render.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from festival.accounts.models import Role
from festival.checkin import access, admin, devices
from festival.checkin import lists as list_rules
from festival.checkin.forms import FIELD_OF, ActionForm, ListForm
from festival.checkin.models import Result
from festival.core.errors import DomainError
from festival.core.forms import show_error
from festival.core.pagination import parse_page
from festival.core.time import to_local, utcnow
from festival.extensions import db
from festival.program.common import festival_in_scope

bp = Blueprint("checkin_admin", __name__, url_prefix="/dashboard/festivals/<int:festival_id>/checkin")


@bp.context_processor
def _helpers() -> dict:
    return {"clock_offset": clock_offset, "seconds": seconds}


def clock_offset(offset: timedelta) -> str:
    """A device clock's offset in words: "5 h 2 min ahead", "3 min behind" (the server's clock is right)."""
    minutes = round(abs(offset) / timedelta(minutes=1))
    hours, minutes = divmod(minutes, 60)
    amount = _("%(h)d h %(m)d min", h=hours, m=minutes) if hours else _("%(m)d min", m=minutes)
    # clock_offset_ms is the server's time minus the device's: positive when the device is behind.
    return _("%(amount)s behind", amount=amount) if offset > timedelta(0) else _("%(amount)s ahead", amount=amount)


def seconds(moment) -> str:
    """A local time with its seconds (scans a few seconds apart)."""
    local = to_local(moment)
    return local.strftime("%H:%M:%S %d/%m/%Y") if local else ""


def _hub(festival_id: int):
    return redirect(url_for("checkin_admin.hub", festival_id=festival_id))


def _list_of(festival, list_id: int):
    try:
        return list_rules.get_for_festival(list_id, festival.id)
    except DomainError:
        abort(404)


def _device_of(festival, device_id: int):
    device = admin.get_device(festival, device_id)
    if device is None:
        abort(404)
    return device


def _valid_post() -> None:
    if not ActionForm().validate():
        abort(400)


# --- the hub ----------------------------------------------------------------------------------------------------


@bp.get("")
@access.checkin_staff
def hub(festival_id: int):
    festival = festival_in_scope(festival_id)
    return render_template(
        "checkin/admin/hub.html",
        festival=festival,
        lines=admin.list_lines(festival),
        devices=admin.device_lines(festival),
        duplicates=admin.duplicate_count(festival),
        action_form=ActionForm(),
        may_edit=current_user.is_admin or current_user.role == Role.ORGANIZER,
        now=utcnow(),
    )


@bp.post("/entrance")
@access.organizers
def create_entrance(festival_id: int):
    festival = festival_in_scope(festival_id)
    _valid_post()
    list_rules.ensure_day_list(festival)
    flash(_("The entrance list is ready: enrol a phone to start scanning."), "success")
    return _hub(festival.id)


# --- lists ------------------------------------------------------------------------------------------------------


def _list_form(festival, checkin_list=None):
    form = ListForm()
    form.set_items(admin.agenda_items(festival))
    if request.method == "GET" and checkin_list is not None:
        form.fill(checkin_list)
    if form.validate_on_submit():
        try:
            list_rules.save(festival, form.list_data(), checkin_list)
        except DomainError as error:
            db.session.rollback()
            error.field = FIELD_OF.get(error.field, error.field)
            show_error(form, error)
        else:
            flash(_("Saved."), "success")
            return _hub(festival.id)
    status = 422 if request.method == "POST" else 200
    page = render_template("checkin/admin/list_form.html", festival=festival, form=form, checkin_list=checkin_list)
    return page, status


@bp.route("/lists/new", methods=["GET", "POST"])
@access.organizers
def list_new(festival_id: int):
    return _list_form(festival_in_scope(festival_id))


@bp.route("/lists/<int:list_id>/edit", methods=["GET", "POST"])
@access.organizers
def list_edit(festival_id: int, list_id: int):
    festival = festival_in_scope(festival_id)
    return _list_form(festival, _list_of(festival, list_id))


@bp.post("/lists/<int:list_id>/delete")
@access.organizers
def list_delete(festival_id: int, list_id: int):
    festival = festival_in_scope(festival_id)
    checkin_list = _list_of(festival, list_id)
    _valid_post()
    try:
        list_rules.delete(checkin_list)
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The list is deleted."), "success")
    return _hub(festival.id)


# --- devices ----------------------------------------------------------------------------------------------------


@bp.post("/enrol")
@access.checkin_staff
def enrol(festival_id: int):
    """A one-time enrolment code, shown as a QR code (never stored in clear, never in a URL the server sees)."""
    festival = festival_in_scope(festival_id)
    _valid_post()
    new = devices.start_enrolment(festival, current_user)
    url = admin.enrolment_url(new.code)
    minutes = max(1, round((new.enrolment.expires_at - utcnow()) / timedelta(minutes=1)))
    page = render_template(
        "checkin/admin/enrol.html",
        festival=festival,
        qr=Markup(admin.qr_svg(url)),
        url=url,
        minutes=minutes,
        expires_at=new.enrolment.expires_at,
        action_form=ActionForm(),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/devices/<int:device_id>/revoke", methods=["GET", "POST"])
@access.checkin_staff
def device_revoke(festival_id: int, device_id: int):
    festival = festival_in_scope(festival_id)
    device = _device_of(festival, device_id)
    if request.method == "POST":
        _valid_post()
        devices.revoke(device)
        flash(_("The device %(name)s is revoked: it can no longer scan or upload.", name=device.name), "success")
        return _hub(festival.id)
    return render_template("checkin/admin/revoke.html", festival=festival, device=device, action_form=ActionForm())


# --- scans ------------------------------------------------------------------------------------------------------


@bp.get("/scans")
@access.checkin_staff
def scans(festival_id: int):
    festival = festival_in_scope(festival_id)
    filters = admin.ScanFilters.from_args(request.args)
    found = admin.scans_page(festival, filters, parse_page(request.args.get("page")))
    return render_template(
        "checkin/admin/scans.html",
        festival=festival,
        found=found,
        filters=filters,
        results=[(r.value, str(r.label)) for r in Result],
        devices=admin.device_lines(festival),
    )


@bp.get("/duplicates")
@access.checkin_staff
def duplicates(festival_id: int):
    festival = festival_in_scope(festival_id)
    found = admin.duplicates_page(festival, parse_page(request.args.get("page")))
    return render_template("checkin/admin/duplicates.html", festival=festival, found=found)
