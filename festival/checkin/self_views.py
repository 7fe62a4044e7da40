"""Self check-in: the organizers' A4 poster of a check-in list, and the public page its QR code opens.

- `GET /dashboard/festivals/<id>/checkin/lists/<list_id>/poster` (organizers, check-in staff, administrators in
  scope): the printable poster; its code is made on first print. `POST` on it: a new code (old posters stop).
- `GET /checkin/self/<poster_token>`: the attendee's page. The tickets this phone keeps (static/js/ticket.js puts
  them in localStorage when a ticket page is viewed) are offered as "I am here" buttons (`POST` on the same
  address, the ticket's code); without one, `POST …/find` with the phone number and the ticket code's last 4
  characters (rate-limited like "find my ticket", and answering the same whether or not anything matched).

Both record a scan of the festival day's self device through the one scan service; the result is shown big.
"""

from __future__ import annotations

import base64

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from festival.checkin import access, lists, selfcheck
from festival.checkin.self_forms import FindForm, NewPosterForm, TapForm
from festival.core.errors import DomainError
from festival.core.forms import show_error
from festival.core.limits import ticket_lookup_limit
from festival.core.qr import address_svg
from festival.extensions import db
from festival.program.common import festival_in_scope

bp = Blueprint("checkin_self", __name__)


# --- the poster -------------------------------------------------------------------------------------------------


@bp.get("/dashboard/festivals/<int:festival_id>/checkin/lists/<int:list_id>/poster")
@access.checkin_staff
def poster(festival_id: int, list_id: int):
    festival = festival_in_scope(festival_id)
    checkin_list = lists.get_for_festival(list_id, festival.id)
    url = selfcheck.poster_url(selfcheck.poster_token(checkin_list))
    svg = address_svg(url)
    opens, closes = lists.span(checkin_list)
    owner = checkin_list.item or festival
    return render_template(
        "checkin/poster.html",
        festival=festival,
        checkin_list=checkin_list,
        venue=owner.venue or festival.venue,
        span=(opens, closes),
        owner=owner,
        url=url,
        qr="data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"),
        form=NewPosterForm(),
    )


@bp.post("/dashboard/festivals/<int:festival_id>/checkin/lists/<int:list_id>/poster")
@access.checkin_staff
def poster_replace(festival_id: int, list_id: int):
    festival = festival_in_scope(festival_id)
    checkin_list = lists.get_for_festival(list_id, festival.id)
    form = NewPosterForm()
    if form.validate_on_submit():
        selfcheck.replace_poster_token(checkin_list)
        flash(_("The poster has a new code: print it again. Posters printed before no longer work."), "success")
    else:
        flash(_("The page had expired: try again."), "error")
    return redirect(url_for("checkin_self.poster", festival_id=festival.id, list_id=checkin_list.id))


# --- the attendee's page ----------------------------------------------------------------------------------------


def _page(checkin_list, *, tap=None, find=None, answer=None, missing=False, status=200):
    festival = checkin_list.festival
    owner = checkin_list.item or festival
    body = render_template(
        "checkin/self.html",
        festival=festival,
        checkin_list=checkin_list,
        owner=owner,
        venue=owner.venue or festival.venue,
        tap=tap or TapForm(formdata=None),
        find=find or FindForm(formdata=None),
        answer=answer,
        missing=missing,
    )
    return body, status


@bp.get("/checkin/self/<poster_token>")
def self_page(poster_token: str):
    return _page(selfcheck.list_by_poster(poster_token))


@bp.post("/checkin/self/<poster_token>")
def tap(poster_token: str):
    checkin_list = selfcheck.list_by_poster(poster_token)
    form = TapForm()
    if not form.validate_on_submit():
        return _page(checkin_list, tap=form, status=422)
    return _page(checkin_list, answer=selfcheck.check_in(checkin_list, form.code.data))


@bp.post("/checkin/self/<poster_token>/find")
@ticket_lookup_limit()
def find(poster_token: str):
    checkin_list = selfcheck.list_by_poster(poster_token)
    form = FindForm()
    if not form.validate_on_submit():
        return _page(checkin_list, find=form, status=422)
    try:
        code = selfcheck.find_code(checkin_list, form.phone.data, form.tail.data)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return _page(checkin_list, find=form, status=422)
    if code is None:
        # The same answer for an unknown phone number and a wrong code: nobody learns who registered.
        return _page(checkin_list, find=form, missing=True)
    return _page(checkin_list, answer=selfcheck.check_in(checkin_list, code))
