"""Organizers' pages of the people coming to a festival day: registrations and invitations, quota settings,
attendance, cancelling, exports, invitations one by one or from a CSV file, and the printable invitation card.

Organizers act on the festival days of their subtree, administrators on all; other roles get 403, festivals
outside the subtree 403 (program.common.festival_in_scope), unknown ids 404. Rules live in
festival.attendees.services / invitations / exports; these views parse, authorize, call one service, render.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from festival.attendees import exports, invitations, services
from festival.attendees.forms import (
    ActionForm,
    ImportForm,
    InvitationForm,
    QuotaForm,
    parse_quota_prefix,
    quota_prefix,
)
from festival.core.errors import DomainError
from festival.core.forms import show_error
from festival.core.pagination import paginate, parse_page
from festival.core.time import to_local
from festival.extensions import db
from festival.program.common import festival_in_scope, organizer_only
from festival.registration import services as registration
from festival.registration.models import Registration, RegistrationKind, RegistrationStatus

bp = Blueprint("attendees", __name__, url_prefix="/dashboard")

PER_PAGE = 25


def _registration_in_scope(registration_id: int) -> Registration:
    entry = db.session.get(Registration, registration_id)
    if entry is None:
        abort(404)
    festival_in_scope(entry.festival_id)
    return entry


def _list_url(festival_id: int, **args) -> str:
    return url_for("attendees.index", festival_id=festival_id, **args)


# --- the list ---------------------------------------------------------------------------------------------------


@bp.get("/festivals/<int:festival_id>/registrations")
@organizer_only
def index(festival_id: int):
    festival = festival_in_scope(festival_id)
    filters = services.Filters.from_args(request.args)
    page = paginate(services.registrations_query(festival, filters), parse_page(request.args.get("page")), PER_PAGE)
    summary = services.summaries(festival)
    return render_template(
        "attendees/index.html",
        festival=festival,
        summary=summary,
        page=page,
        filters=filters,
        titles={line.quota.id: line.title for line in summary if line.saved},
        kinds={k.value: str(k.label) for k in RegistrationKind},
        statuses={s.value: str(s.label) for s in RegistrationStatus},
        action_form=ActionForm(),
        phone=exports.national_phone,
    )


@bp.get("/festivals/<int:festival_id>/registrations.csv")
@organizer_only
def export_csv(festival_id: int):
    return _export(festival_id, "csv", "text/csv; charset=utf-8")


@bp.get("/festivals/<int:festival_id>/registrations.xlsx")
@organizer_only
def export_xlsx(festival_id: int):
    return _export(festival_id, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _export(festival_id: int, fmt: str, mimetype: str) -> Response:
    festival = festival_in_scope(festival_id)
    content = exports.export(festival, services.Filters.from_args(request.args), fmt)
    return Response(
        content,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="registrations-{festival.id}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


# --- quotas -----------------------------------------------------------------------------------------------------


@bp.route("/festivals/<int:festival_id>/quotas", methods=["GET", "POST"])
@organizer_only
def quotas(festival_id: int):
    festival = festival_in_scope(festival_id)
    posted, item_id = None, None
    if request.method == "POST":
        valid, item_id = parse_quota_prefix(request.form.get("form"))
        if not valid:
            abort(400)
        posted = QuotaForm(prefix=quota_prefix(item_id))
        if posted.validate():
            try:
                quota = services.quota_of(festival, item_id)
                promoted = services.update_quota(quota, posted.settings())
            except DomainError as error:
                db.session.rollback()
                show_error(posted, error)
            else:
                flash(_("Saved."), "success")
                if promoted:
                    flash(_moved_up(len(promoted)), "success")
                return redirect(
                    url_for("attendees.quotas", festival_id=festival.id, _anchor=quota_prefix(item_id) + "-section")
                )
    forms = []
    for line in services.summaries(festival):
        if posted is not None and line.quota.item_id == item_id:
            forms.append((line, posted))
            continue
        form = QuotaForm(formdata=None, prefix=quota_prefix(line.quota.item_id))
        form.fill(line.quota)
        forms.append((line, form))
    day_form = None
    if all(line.quota.item_id is not None for line, _form in forms):
        day_form = posted if posted is not None and item_id is None else QuotaForm(formdata=None, prefix="quota-day")
        if day_form is not posted:
            day_form.accepting.data, day_form.waiting_list.data = True, True
    status = 422 if posted is not None else 200
    return render_template("attendees/quotas.html", festival=festival, forms=forms, day_form=day_form), status


def _moved_up(count: int) -> str:
    return ngettext(
        "%(num)d person moved up from the waiting list.", "%(num)d people moved up from the waiting list.", count
    )


# --- actions ----------------------------------------------------------------------------------------------------


def _back(entry: Registration):
    target = request.form.get("next", "")
    if target.startswith("/dashboard/") and "//" not in target and "\\" not in target:
        return redirect(target)
    return redirect(_list_url(entry.festival_id))


@bp.post("/registrations/<int:registration_id>/attendance")
@organizer_only
def attendance(registration_id: int):
    entry = _registration_in_scope(registration_id)
    form = ActionForm()
    if not form.validate():
        abort(400)
    try:
        services.set_attendance(entry, form.present.data != "0", current_user)
    except DomainError as error:
        flash(str(error.message), "error")
    return _back(entry)


@bp.post("/registrations/<int:registration_id>/cancel")
@organizer_only
def cancel(registration_id: int):
    entry = _registration_in_scope(registration_id)
    if not ActionForm().validate():
        abort(400)
    services.cancel(entry)
    flash(_("Cancelled. The waiting list has moved up where a place was freed."), "success")
    return _back(entry)


# --- invitations ------------------------------------------------------------------------------------------------


def _item_choices(festival) -> list[tuple[str, str]]:
    choices = [("", _("The festival day as a whole"))]
    for item in services.registrable_items(festival):
        choices.append((str(item.id), f"{to_local(item.starts_at):%H:%M} · {item.title}"))
    return choices


@bp.route("/festivals/<int:festival_id>/invitations/new", methods=["GET", "POST"])
@organizer_only
def invitation_new(festival_id: int):
    festival = festival_in_scope(festival_id)
    form = InvitationForm()
    form.item.choices = _item_choices(festival)
    if request.method == "GET" and request.args.get("item") in {v for v, _label in form.item.choices}:
        form.item.data = request.args["item"]
    if form.validate_on_submit():
        try:
            entry = invitations.issue(
                festival, form.item_id(), form.data_for_service(), takes_place=form.takes_place(), user=current_user
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The invitation is issued. Give the ticket link or print the card."), "success")
            return redirect(url_for("attendees.invitation_card", registration_id=entry.id))
    status = 422 if request.method == "POST" else 200
    return render_template("attendees/invitation_form.html", festival=festival, form=form), status


@bp.route("/festivals/<int:festival_id>/invitations/import", methods=["GET", "POST"])
@organizer_only
def invitation_import(festival_id: int):
    festival = festival_in_scope(festival_id)
    form = ImportForm()
    lines = []
    if form.validate_on_submit():
        try:
            content = form.file.data.read(invitations.IMPORT_MAX_BYTES + 1)
            created = invitations.import_csv(festival, content, user=current_user)
        except invitations.ImportRefused as error:
            show_error(form, error)
            lines = error.lines
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(ngettext("%(num)d invitation issued.", "%(num)d invitations issued.", len(created)), "success")
            return redirect(_list_url(festival.id, kind=RegistrationKind.INVITATION.value))
    status = 422 if request.method == "POST" else 200
    return render_template("attendees/import.html", festival=festival, form=form, lines=lines), status


@bp.get("/registrations/<int:registration_id>/invitation")
@organizer_only
def invitation_card(registration_id: int):
    entry = _registration_in_scope(registration_id)
    card = invitations.card(entry)
    url = registration.ticket_url(entry)
    with force_locale("vi"):  # a formal document: Vietnamese, whatever the page's language
        cards = Markup(render_template("attendees/_card.html", cards=[card]))
    return render_template("attendees/card.html", festival=entry.festival, entry=entry, cards=cards, url=url)


@bp.get("/festivals/<int:festival_id>/invitations/print")
@organizer_only
def invitations_print(festival_id: int):
    festival = festival_in_scope(festival_id)
    filters = services.Filters(kind=RegistrationKind.INVITATION.value, status=RegistrationStatus.CONFIRMED.value)
    stmt = services.registrations_query(festival, filters).limit(exports.EXPORT_MAX_ROWS)
    entries = list(reversed(db.session.scalars(stmt).unique().all()))
    with force_locale("vi"):
        cards = Markup(render_template("attendees/_card.html", cards=[invitations.card(e) for e in entries]))
    return render_template("attendees/card.html", festival=festival, entry=None, cards=cards, count=len(entries))
