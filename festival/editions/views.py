"""Administrators create and edit editions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from festival.accounts.auth import role_required
from festival.accounts.models import Role
from festival.core.errors import DomainError
from festival.core.forms import show_error
from festival.editions import services
from festival.editions.forms import EditionForm

bp = Blueprint("editions", __name__, url_prefix="/admin/editions")


@bp.get("")
@role_required(Role.ADMIN)
def index():
    return render_template("editions/index.html", editions=services.list_editions())


def _data(form: EditionForm) -> services.EditionData:
    return services.EditionData(
        year=form.year.data,
        theme=form.theme.data or "",
        season_start=form.season_start.data,
        season_end=form.season_end.data,
        main_day=form.main_day.data,
        status=form.status.data,
    )


def _save(form: EditionForm, edition=None):
    if form.validate_on_submit():
        try:
            saved = services.save_edition(_data(form), edition)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The %(year)s edition is saved.", year=saved.year), "success")
            return redirect(url_for("editions.index"))
    # Reaching here after a POST means it failed: what the user typed is shown again with the reasons.
    status = 400 if request.method == "POST" else 200
    return render_template("editions/form.html", form=form, edition=edition), status


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new():
    return _save(EditionForm())


@bp.route("/<int:year>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(year: int):
    edition = services.get_edition(year)
    return _save(EditionForm(obj=edition), edition)
