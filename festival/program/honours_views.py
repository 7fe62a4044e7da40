"""Commendations announced at ceremony items and signings, with their printable list."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from festival.agenda import honours, services
from festival.agenda.models import Part, RecipientKind, SigningKind
from festival.core.errors import DomainError
from festival.core.forms import show_error
from festival.extensions import db
from festival.program import queries
from festival.program.common import (
    bp,
    festival_in_scope,
    level_labels,
    organizer_only,
    parse_version,
    program_url,
)
from festival.program.forms import (
    CommendationForm,
    ConfirmForm,
    SigningForm,
)

# --- commendations and signings ---------------------------------------------------------------------------------


def _ceremony_items(festival):
    return [i for i in queries.items_of(festival) if i.part == Part.CEREMONY]


@bp.get("/commendations")
@organizer_only
def commendations(festival_id: int):
    """The printable list of commendations, by item, and of signings."""
    festival = festival_in_scope(festival_id)
    program = services.program(festival)
    return render_template(
        "program/commendations.html",
        festival=festival,
        program=program,
        levels=level_labels(),
        recipient_kinds={kind.value: str(kind.label) for kind in RecipientKind},
        signing_kinds={kind.value: str(kind.label) for kind in SigningKind},
    )


def _saved_or_refused(form, record, save) -> tuple[bool, int]:
    """Call `save`. A refusal puts its message on the form; a stale version also takes the newer version number, so
    that saving again means saving over what is now shown. Returns whether it saved, and the refused form's
    status."""
    try:
        save()
    except DomainError as error:
        db.session.rollback()
        if error.code == "stale_version" and record is not None:
            form.version.data = str(record.version)
            flash(str(error.message), "error")
        else:
            show_error(form, error)
        return False, error.status if error.status in (400, 409) else 400
    return True, 200


def _commendation_form(festival, commendation=None):
    items = _ceremony_items(festival)
    organization_list = queries.organizations_of_province(festival.locality)
    area_list = queries.residential_areas_of(festival.locality)
    choices = {"items": items, "organizations": organization_list, "areas": area_list}
    if request.method == "POST":
        form = CommendationForm(**choices)
    elif commendation is not None:
        form = CommendationForm(
            data={
                "item": str(commendation.item_id),
                "level": commendation.level,
                "recipient_kind": commendation.recipient_kind,
                "organization": str(commendation.organization_id or ""),
                "locality": str(commendation.locality_id or ""),
                "person_name": commendation.person_name,
                "person_position": commendation.person_position,
                "reason": commendation.reason,
                "version": str(commendation.version),
            },
            **choices,
        )
    else:
        form = CommendationForm(data={"item": request.args.get("item", "")}, **choices)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        item = next(i for i in items if str(i.id) == form.item.data)
        data = honours.CommendationData(
            level=form.level.data,
            recipient_kind=form.recipient_kind.data,
            organization=next((o for o in organization_list if str(o.id) == form.organization.data), None),
            locality=next((a for a in area_list if str(a.id) == form.locality.data), None),
            person_name=form.person_name.data or "",
            person_position=form.person_position.data or "",
            reason=form.reason.data or "",
        )
        saved, status = _saved_or_refused(
            form,
            commendation,
            lambda: honours.save_commendation(
                item, data, commendation, expected_version=parse_version(form.version.data)
            ),
        )
        if saved:
            flash(_("The commendation is saved."), "success")
            return redirect(url_for("program.index", festival_id=festival.id, _anchor=f"item-{item.id}"))
    return render_template(
        "program/commendation_form.html", festival=festival, form=form, commendation=commendation, no_items=not items
    ), status


@bp.route("/commendations/new", methods=["GET", "POST"])
@organizer_only
def commendation_new(festival_id: int):
    return _commendation_form(festival_in_scope(festival_id))


@bp.route("/commendations/<int:commendation_id>", methods=["GET", "POST"])
@organizer_only
def commendation_edit(festival_id: int, commendation_id: int):
    festival = festival_in_scope(festival_id)
    commendation = queries.get_commendation(festival, commendation_id)
    if commendation is None:
        abort(404)
    return _commendation_form(festival, commendation)


@bp.post("/commendations/<int:commendation_id>/delete")
@organizer_only
def commendation_delete(festival_id: int, commendation_id: int):
    festival = festival_in_scope(festival_id)
    commendation = queries.get_commendation(festival, commendation_id)
    if commendation is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    honours.delete_commendation(commendation)
    flash(_("The commendation is deleted."), "success")
    return redirect(program_url(festival))


def _signing_form(festival, signing=None):
    items = _ceremony_items(festival)
    organization_list = queries.organizations_of_province(festival.locality)
    choices = {"items": items, "organizations": organization_list}
    if request.method == "POST":
        form = SigningForm(**choices)
    elif signing is not None:
        form = SigningForm(
            data={
                "item": str(signing.item_id),
                "kind": signing.kind,
                "title": signing.title,
                "parties": [str(p.organization_id) for p in signing.parties],
                "notes": signing.notes,
                "version": str(signing.version),
            },
            **choices,
        )
    else:
        form = SigningForm(data={"item": request.args.get("item", "")}, **choices)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        item = next(i for i in items if str(i.id) == form.item.data)
        chosen = set(form.parties.data or [])
        data = honours.SigningData(
            kind=form.kind.data,
            title=form.title.data,
            parties=[o for o in organization_list if str(o.id) in chosen],
            notes=form.notes.data or "",
        )
        saved, status = _saved_or_refused(
            form,
            signing,
            lambda: honours.save_signing(item, data, signing, expected_version=parse_version(form.version.data)),
        )
        if saved:
            flash(_("The signing is saved."), "success")
            return redirect(url_for("program.index", festival_id=festival.id, _anchor=f"item-{item.id}"))
    return render_template(
        "program/signing_form.html", festival=festival, form=form, signing=signing, no_items=not items
    ), status


@bp.route("/signings/new", methods=["GET", "POST"])
@organizer_only
def signing_new(festival_id: int):
    return _signing_form(festival_in_scope(festival_id))


@bp.route("/signings/<int:signing_id>", methods=["GET", "POST"])
@organizer_only
def signing_edit(festival_id: int, signing_id: int):
    festival = festival_in_scope(festival_id)
    signing = queries.get_signing(festival, signing_id)
    if signing is None:
        abort(404)
    return _signing_form(festival, signing)


@bp.post("/signings/<int:signing_id>/delete")
@organizer_only
def signing_delete(festival_id: int, signing_id: int):
    festival = festival_in_scope(festival_id)
    signing = queries.get_signing(festival, signing_id)
    if signing is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    honours.delete_signing(signing)
    flash(_("The signing is deleted."), "success")
    return redirect(program_url(festival))
