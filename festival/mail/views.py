"""The organizer's list of a festival day's mail that has not gone out, and its retry buttons.

Organizers of the festival's subtree and administrators only (the scope check of festival/program/common.py);
other roles get 403, strangers to the locality 403, unknown ids 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from festival.accounts.auth import in_scope, role_required
from festival.accounts.models import Role
from festival.core.pagination import parse_page
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.mail import services
from festival.mail.background import init_dispatch
from festival.mail.models import MailKind, MailStatus, OutgoingMail

bp = Blueprint("mail", __name__, url_prefix="/dashboard")

organizer_only = role_required(Role.ORGANIZER)
# The sending thread and its after-commit trigger come with the blueprint (festival/mail/background.py).
bp.record_once(lambda state: init_dispatch(state.app))


def _festival_in_scope(festival_id: int) -> LocalityFestival:
    festival = db.session.scalar(
        select(LocalityFestival)
        .where(LocalityFestival.id == festival_id)
        .options(joinedload(LocalityFestival.locality))
    )
    if festival is None:
        abort(404)
    if not in_scope(current_user, festival.locality):
        abort(403)
    return festival


@bp.get("/festivals/<int:festival_id>/mail")
@organizer_only
def unsent(festival_id: int):
    festival = _festival_in_scope(festival_id)
    return render_template(
        "mail/unsent.html",
        festival=festival,
        page=services.unsent_page(festival, parse_page(request.args.get("page"))),
        counts=services.unsent_counts(festival),
        kinds={kind.value: str(kind.label) for kind in MailKind},
        failed=MailStatus.FAILED.value,
    )


@bp.post("/festivals/<int:festival_id>/mail/retry")
@organizer_only
def retry_all(festival_id: int):
    festival = _festival_in_scope(festival_id)
    count = services.retry_all(festival)
    if count:
        flash(
            ngettext("%(num)s e-mail will be sent again now.", "%(num)s e-mails will be sent again now.", count),
            "success",
        )
    else:
        flash(_("There is no unsent e-mail."), "info")
    return redirect(url_for("mail.unsent", festival_id=festival.id))


@bp.post("/mail/<int:mail_id>/retry")
@organizer_only
def retry(mail_id: int):
    mail = db.session.get(OutgoingMail, mail_id)
    if mail is None:
        abort(404)
    festival = _festival_in_scope(mail.festival_id) if mail.festival_id else None
    if festival is None and not current_user.is_admin:
        abort(404)  # mail about no festival day ("find my ticket") is an administrator's
    if services.retry(mail):
        flash(_("The e-mail to %(address)s will be sent again now.", address=mail.to_address), "success")
    else:
        flash(_("This e-mail has already been sent."), "info")
    if festival is None:
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("mail.unsent", festival_id=festival.id, page=parse_page(request.form.get("page"))))
