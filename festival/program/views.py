"""The organizer's program of a festival day: the list in program order, the day grid by venue, item forms,
times edited in place, reordering, template and cloning, publishing, the changes since publishing, commendations
and signings.

Organizers act on the festival days of their subtree, administrators on all; other roles get 403. Every rule is
in the agenda services (festival.agenda); the views parse, authorize, call one service and render HTML, or JSON
for the timetable's scripts (asked with `Accept: application/json`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from festival.agenda import cloning, conflicts, services, template
from festival.agenda.models import ItemKind, ItemStatus, Part
from festival.core.errors import DomainError
from festival.core.forms import show_error
from festival.core.params import parse_id
from festival.core.time import to_local
from festival.extensions import db
from festival.program import grid as day_grid
from festival.program import queries
from festival.program.common import (
    bp,
    festival_in_scope,
    item_json,
    item_of,
    level_labels,
    organizer_only,
    parse_version,
    program_url,
    wants_json,
)
from festival.program.forms import (
    CloneForm,
    ConfirmForm,
    ItemForm,
    TimesForm,
    filled_participants,
    filled_people,
)

# --- the program ------------------------------------------------------------------------------------------------


@bp.get("")
@organizer_only
def index(festival_id: int):
    festival = festival_in_scope(festival_id)
    program = services.program(festival)
    found = conflicts.for_program(festival)
    items = program.items
    sources = cloning.clone_sources(festival, current_user) if not items else []
    return render_template(
        "program/index.html",
        festival=festival,
        program=program,
        honours=_honours_by_item(program),
        levels=level_labels(),
        conflicts=found,
        conflicts_by_item=_conflicts_in_program(found, items),
        titles={item.id: item.title for item in items},
        drafts=sum(1 for item in items if item.status == ItemStatus.DRAFT),
        clone_form=CloneForm(sources=_source_choices(sources)),
        action_form=ConfirmForm(),
    )


@dataclass
class Note:
    """A conflict as shown next to one item: its message names the other item."""

    message: str


def _conflicts_in_program(found, items) -> dict[int, list[Note]]:
    """Each item's conflicts. A conflict is listed once per pair and its message names the other item; the other
    item, when it is in this program, is told which item it overlaps."""
    titles = {item.id: item.title for item in items}
    by_item: dict[int, list[Note]] = {}
    for conflict in found:
        by_item.setdefault(conflict.item_id, []).append(Note(str(conflict.message)))
        if conflict.other_item_id in titles and conflict.item_id in titles:
            note = Note(_("Overlaps “%(title)s”: see the warning there.", title=titles[conflict.item_id]))
            if all(n.message != note.message for n in by_item.get(conflict.other_item_id, [])):
                by_item.setdefault(conflict.other_item_id, []).append(note)
    return by_item


def _honours_by_item(program) -> dict[int, dict[str, list]]:
    by_item: dict[int, dict[str, list]] = {}
    for commendation in program.commendations:
        by_item.setdefault(commendation.item_id, {"commendations": [], "signings": []})["commendations"].append(
            commendation
        )
    for signing in program.signings:
        by_item.setdefault(signing.item_id, {"commendations": [], "signings": []})["signings"].append(signing)
    return by_item


def _source_choices(sources) -> list:
    return [(f, f"{f.locality.full_name} · {f.edition.year} · {f.starts_at.strftime('%d/%m/%Y')}") for f in sources]


@bp.get("/grid")
@organizer_only
def grid(festival_id: int):
    festival = festival_in_scope(festival_id)
    program = services.program(festival)
    found = conflicts.for_program(festival)
    by_item = _conflicts_in_program(found, program.items)
    return render_template(
        "program/grid.html",
        festival=festival,
        program=program,
        grid=day_grid.build(festival, program.items, by_item),
        conflicts=found,
    )


# --- items ------------------------------------------------------------------------------------------------------


def _item_defaults(festival, item) -> dict:
    if item is None:
        part = request.args.get("part")
        part = part if part in {p.value for p in Part} else Part.CEREMONY.value
        return {"part": part, "kind": ItemKind.OTHER.value if part == Part.FESTIVITIES else None}
    return {
        "part": item.part,
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "start": to_local(item.starts_at).time(),
        "end": to_local(item.ends_at).time(),
        "venue": str(item.venue_id) if item.venue_id else "",
        "capacity": item.capacity,
        "takes_registrations": item.takes_registrations,
        "people": [{"full_name": p.full_name, "position_title": p.position_title} for p in item.people],
        "participants": [{"organization": str(p.organization_id), "role": p.role} for p in item.participants],
        "cancelled": item.status == ItemStatus.CANCELLED,
        "version": str(item.version),
    }


def _item_data(form: ItemForm, venues: dict, organizations: dict) -> services.ItemData:
    kind = form.kind.data
    title = (form.title.data or "").strip() or str(ItemKind(kind).label)
    return services.ItemData(
        part=form.part.data,
        kind=kind,
        title=title,
        start=form.start.data,
        end=form.end.data,
        description=form.description.data or "",
        venue=venues.get(form.venue.data),
        capacity=form.capacity.data,
        takes_registrations=bool(form.takes_registrations.data),
        people=[services.PersonData(full_name=name, position_title=position) for name, position in filled_people(form)],
        participants=[
            services.ParticipantData(organization=organizations[org_id], role=role)
            for org_id, role in filled_participants(form)
        ],
        cancelled=bool(form.cancelled.data),
    )


def _item_form(festival, item=None):
    venue_list = queries.venues_of_province(festival.locality)
    organization_list = queries.organizations_of_province(festival.locality)
    choices = {"venues": venue_list, "organizations": organization_list}
    if request.method == "POST":
        form = ItemForm(**choices)
    else:
        form = ItemForm(data=_item_defaults(festival, item), **choices)
    status = 400 if request.method == "POST" else 200
    newer = None
    if form.validate_on_submit():
        venues = {str(v.id): v for v in venue_list}
        organizations = {str(o.id): o for o in organization_list}
        try:
            result = services.save_item(
                festival,
                _item_data(form, venues, organizations),
                item,
                expected_version=parse_version(form.version.data),
                user=current_user,
            )
        except DomainError as error:
            if error.code == "stale_version" and item is not None:
                db.session.rollback()
                newer = item
                form.version.data = str(item.version)
                status = 409
                flash(str(error.message), "error")
            else:
                show_error(form, error)
                status = error.status if error.status in (400, 409) else 400
        else:
            flash(_("“%(title)s” is saved.", title=result.item.title), "success")
            for warning in result.warnings:
                flash(str(warning.message), "warning")
            return redirect(program_url(festival, result.item))
    form.pad_rows()
    return render_template("program/item_form.html", festival=festival, item=item, form=form, newer=newer), status


@bp.route("/items/new", methods=["GET", "POST"])
@organizer_only
def item_new(festival_id: int):
    return _item_form(festival_in_scope(festival_id))


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@organizer_only
def item_edit(festival_id: int, item_id: int):
    festival = festival_in_scope(festival_id)
    return _item_form(festival, item_of(festival, item_id))


@bp.route("/items/<int:item_id>/delete", methods=["GET", "POST"])
@organizer_only
def item_delete(festival_id: int, item_id: int):
    festival = festival_in_scope(festival_id)
    item = item_of(festival, item_id)
    form = ConfirmForm(data={"version": str(item.version)}) if request.method == "GET" else ConfirmForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            title = item.title
            try:
                services.delete_item(item, expected_version=parse_version(form.version.data))
            except DomainError as error:
                db.session.rollback()
                flash(str(error.message), "error")
                status = error.status
            else:
                flash(_("“%(title)s” is deleted.", title=title), "success")
                return redirect(program_url(festival))
    return render_template("program/item_delete.html", festival=festival, item=item, form=form), status


@bp.route("/items/<int:item_id>/times", methods=["GET", "POST"])
@organizer_only
def item_times(festival_id: int, item_id: int):
    """The in-place edit of an item's times: JSON {ok, item, warnings, errors} for the timetable's script, a
    small form page without JavaScript."""
    festival = festival_in_scope(festival_id)
    item = item_of(festival, item_id)
    as_json = request.method == "POST" and wants_json()
    if request.method == "GET":
        start, end = to_local(item.starts_at).time(), to_local(item.ends_at).time()
        form = TimesForm(data={"start": start, "end": end, "version": str(item.version)})
        return render_template("program/item_times.html", festival=festival, item=item, form=form)
    form = TimesForm()
    status, newer = 400, None
    if form.validate_on_submit():
        try:
            result = services.set_times(
                item,
                form.start.data,
                form.end.data,
                expected_version=parse_version(form.version.data),
                user=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            status = error.status if error.status in (400, 409) else 400
            if error.code == "stale_version":
                newer = item
                form.version.data = str(item.version)
            if as_json:
                return jsonify(
                    ok=False,
                    code=error.code,
                    item=item_json(item),
                    warnings=[],
                    errors={error.field or "form": [str(error.message)]},
                ), status
            if newer is not None:
                flash(str(error.message), "error")
            else:
                show_error(form, error)
        else:
            warnings = [str(w.message) for w in result.warnings]
            if as_json:
                return jsonify(ok=True, item=item_json(result.item), warnings=warnings, errors={})
            flash(_("The times of “%(title)s” are saved.", title=result.item.title), "success")
            for warning in warnings:
                flash(warning, "warning")
            return redirect(program_url(festival, result.item))
    elif as_json:
        errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        return jsonify(ok=False, code="invalid", item=item_json(item), warnings=[], errors=errors), 400
    return render_template("program/item_times.html", festival=festival, item=item, form=form, newer=newer), status


# --- order ------------------------------------------------------------------------------------------------------


def _refused(festival, error: DomainError, as_json: bool):
    db.session.rollback()
    if as_json:
        return jsonify(ok=False, code=error.code, errors={error.field or "form": [str(error.message)]}), error.status
    raise error


@bp.post("/items/<int:item_id>/move")
@organizer_only
def item_move(festival_id: int, item_id: int):
    """Move an item one place up or down in its part: the keyboard's way to reorder (a form, no script needed)."""
    festival = festival_in_scope(festival_id)
    item = item_of(festival, item_id)
    as_json = wants_json()
    direction = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if direction is None:
        return _refused(festival, DomainError(_("Choose up or down."), "direction_unknown", field="direction"), as_json)
    try:
        services.move(item, direction)
    except DomainError as error:
        return _refused(festival, error, as_json)
    if as_json:
        return jsonify(ok=True, item=item_json(item))
    return redirect(program_url(festival, item))


@bp.post("/reorder")
@organizer_only
def reorder(festival_id: int):
    """A part's new order after a drag: JSON {"part", "ids": [...]} or a form with `part` and `ids` (comma
    separated)."""
    festival = festival_in_scope(festival_id)
    as_json = wants_json()
    if request.is_json:
        body = request.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        part, raw_ids = body.get("part"), body.get("ids")
    else:
        part, raw_ids = request.form.get("part"), (request.form.get("ids") or "").split(",")
    ids = [parse_id(value) for value in raw_ids] if isinstance(raw_ids, list) and len(raw_ids) <= 2000 else [None]
    if part not in {p.value for p in Part} or not ids or None in ids:
        error = DomainError(_("The new order could not be read. Reload the page and try again."), "order_unreadable")
        return _refused(festival, error, as_json)
    try:
        services.reorder(festival, part, ids)
    except DomainError as error:
        return _refused(festival, error, as_json)
    if as_json:
        return jsonify(ok=True)
    flash(_("The new order is saved."), "success")
    return redirect(program_url(festival))


# --- whole program ----------------------------------------------------------------------------------------------


@bp.post("/template")
@organizer_only
def from_template(festival_id: int):
    festival = festival_in_scope(festival_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        template.apply_template(festival, user=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("The customary program is laid out. Adjust its times, venues and people."), "success")
    return redirect(program_url(festival))


@bp.post("/clone")
@organizer_only
def clone(festival_id: int):
    festival = festival_in_scope(festival_id)
    sources = cloning.clone_sources(festival, current_user)
    form = CloneForm(sources=_source_choices(sources))
    if not form.validate_on_submit():
        flash(_("Choose a festival day to clone the program of."), "error")
        return redirect(program_url(festival))
    source = next(f for f in sources if str(f.id) == form.source.data)
    try:
        cloning.clone_program(festival, source, user=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("The program is cloned. Check its times, venues and people."), "success")
    return redirect(program_url(festival))


@bp.post("/publish")
@organizer_only
def publish(festival_id: int):
    festival = festival_in_scope(festival_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        count = services.publish_program(festival, user=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        if count:
            flash(ngettext("%(num)d item is published.", "%(num)d items are published.", count), "success")
        else:
            flash(_("Nothing new to publish: every item is already published."), "info")
    return redirect(program_url(festival))


def _field_label(name: str) -> str:
    labels = {
        "starts_at": _("Start"),
        "ends_at": _("End"),
        "venue": _("Venue"),
        "venue_id": _("Venue"),
        "title": _("Title"),
        "status": _("Status"),
    }
    return labels.get(name, name)


def _shown_value(value) -> str:
    """A change log value for people: times in local HH:MM dd/mm/yyyy, statuses by their label."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        if value in {s.value for s in ItemStatus}:
            return str(ItemStatus(value).label)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return to_local(moment).strftime("%H:%M %d/%m/%Y")
        return value
    return str(value)


@bp.get("/changes")
@organizer_only
def changes(festival_id: int):
    festival = festival_in_scope(festival_id)
    changed = services.changes_since_publishing(festival)
    user_ids = {row.user_id for entry in changed for row in entry.changes if row.user_id}
    return render_template(
        "program/changes.html",
        festival=festival,
        changed=changed,
        users=queries.users_by_id(user_ids),
        field_label=_field_label,
        shown_value=_shown_value,
    )
