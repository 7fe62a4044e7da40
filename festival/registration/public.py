"""What a resident does: register on a festival page, keep the ticket page, find a lost ticket, and download or
erase their data. Views parse, call one service and render; the rules are in services, lookup and privacy.

Ticket pages are reached by their secret link only (`/t/<token>`): they answer `no-store`, `no-referrer` and
`noindex`, so that neither a cache, a linked site nor a search engine learns the link.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from festival.agenda import published
from festival.core.cache import data_version, store
from festival.core.errors import DomainError, NotFound
from festival.core.forms import show_error
from festival.core.i18n import current_language
from festival.core.limits import registration_limit, ticket_lookup_limit
from festival.extensions import db
from festival.registration import lookup, personal_feed, privacy, quotas, services
from festival.registration.forms import ConfirmForm, FindTicketForm, RegistrationForm, ResendForm
from festival.registration.models import Registration, RegistrationQuota
from festival.registration.tickets import qr_etag, qr_png, qr_svg

bp = Blueprint("registration", __name__)

SEE_OTHER = 303


@bp.after_request
def _keep_links_secret(response: Response) -> Response:
    if request.view_args and "token" in request.view_args:
        response.headers.setdefault("Cache-Control", "private, no-store")
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- what a festival page offers --------------------------------------------------------------------------------


@dataclass
class Offer:
    """One thing of a festival day that takes registrations, as its public page shows it."""

    title: str
    starts_at: datetime
    ends_at: datetime
    places_left: int | None  # None: no limit
    full: bool
    waiting_list: bool
    state: quotas.WindowState
    url: str


def _register_url(quota: RegistrationQuota) -> str:
    # Relationships, not ids: the unsaved quotas of quotas.public_quotas have no ids yet.
    if quota.item is not None:
        return url_for("registration.register_item", festival_id=quota.festival.id, item_id=quota.item.id)
    return url_for("registration.register_day", festival_id=quota.festival.id)


def _span(quota: RegistrationQuota) -> tuple[datetime, datetime]:
    owner = quota.item or quota.festival
    return owner.starts_at, owner.ends_at


def _full(quota: RegistrationQuota) -> bool:
    return quota.capacity is not None and quota.places_left == 0


def offers(festival_id: int) -> list[Offer]:
    """For templates/registration/_offers.html (a template global: the festival page's view needs no change)."""
    try:
        festival = published.get_festival(festival_id, hosts=False)
    except NotFound:
        return []
    result = []
    for quota in quotas.public_quotas(festival):
        starts_at, ends_at = _span(quota)
        result.append(
            Offer(
                title=quotas.title_of(quota),
                starts_at=starts_at,
                ends_at=ends_at,
                places_left=quota.places_left,
                full=_full(quota),
                waiting_list=quota.waiting_list,
                state=quotas.window_state(quota),
                url=_register_url(quota),
            )
        )
    return result


@bp.app_template_global("registration_offers")
def offers_html(festival_id) -> Markup:
    """The festival page's registration block, kept per festival, language and public data version for at most
    PUBLIC_CACHE_SECONDS (the age a proxy may keep the page itself): the page stays at one query when cached,
    and the registration form, always fresh, tells the exact places left before anyone submits."""
    if not isinstance(festival_id, int):
        return Markup("")
    key = f"registration-offers:{current_language()}:{data_version()}:{festival_id}"
    found = store().get(key)
    if found is not None:
        stamp, html = json.loads(found)
        if time.time() - stamp < current_app.config["PUBLIC_CACHE_SECONDS"]:
            return Markup(html)
    html = render_template("registration/_offer_list.html", offers=offers(festival_id))
    store().set(key, json.dumps([time.time(), html], ensure_ascii=False), current_app.config["CACHE_SECONDS"])
    return Markup(html)


# --- registering ------------------------------------------------------------------------------------------------


@bp.route("/festivals/<int:festival_id>/register", methods=["GET", "POST"])
@registration_limit()
def register_day(festival_id: int):
    return _register(festival_id, None)


@bp.route("/festivals/<int:festival_id>/items/<int:item_id>/register", methods=["GET", "POST"])
@registration_limit()
def register_item(festival_id: int, item_id: int):
    return _register(festival_id, item_id)


def _register(festival_id: int, item_id: int | None):
    quota = quotas.registrable(festival_id, item_id)
    state = quotas.window_state(quota)
    form = RegistrationForm()
    duplicate = resent = None
    if request.method == "POST" and request.form.get("action") == "resend":
        resent = _resend(quota)
    elif state is quotas.WindowState.OPEN and form.validate_on_submit():
        data = services.RegistrationData(
            full_name=form.full_name.data or "",
            phone=form.phone.data or "",
            email=form.email.data or "",
            affiliation=form.affiliation.data or "",
            consent=bool(form.consent.data),
            locale=current_language(),
        )
        try:
            if quota.id is None:
                quota = quotas.ensure_quota(quota.festival, quota.item)
            registration = services.register(quota, data)
        except services.DuplicateRegistration as error:
            db.session.rollback()
            duplicate = _duplicate_offer(error.existing, form.phone.data or "")
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            if registration.status == "confirmed":
                flash(_("You are registered. This page is your ticket: keep its link."), "success")
            else:
                flash(_("You are on the waiting list. This page shows your place in line: keep its link."), "success")
            return redirect(url_for("registration.ticket", token=registration.token), SEE_OTHER)
    return render_template(
        "registration/register.html",
        form=form,
        quota=quota,
        title=quotas.title_of(quota),
        span=_span(quota),
        state=state,
        full=_full(quota),
        duplicate=duplicate,
        resent=resent,
    )


def _duplicate_offer(existing: Registration | None, phone: str) -> dict:
    """What the page says to a phone number already registered: never the link, at most the masked address."""
    masked = lookup.mask_email(existing.email) if existing is not None and existing.email else ""
    return {"masked_email": masked, "form": ResendForm(formdata=None, phone=phone)}


def _resend(quota: RegistrationQuota) -> lookup.ResendResult:
    form = ResendForm()
    if quota.id is None or not form.validate_on_submit():
        return lookup.ResendResult(lookup.Resent.NOT_FOUND)
    try:
        return lookup.resend_existing(quota, form.phone.data, locale=current_language())
    except DomainError:
        return lookup.ResendResult(lookup.Resent.NOT_FOUND)


# --- finding a ticket -------------------------------------------------------------------------------------------


@bp.route("/tickets/find", methods=["GET", "POST"])
@ticket_lookup_limit()
def find_ticket():
    form = FindTicketForm()
    sent = False
    if form.validate_on_submit():
        try:
            lookup.send_ticket_links(form.contact.data, locale=current_language())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            sent = True
    return render_template("registration/find.html", form=form, sent=sent)


# --- the ticket page --------------------------------------------------------------------------------------------


def _ticket_context(registration: Registration) -> dict:
    quota = registration.quota
    owner = quota.item or quota.festival
    code = services.ticket_text(registration)
    return {
        "registration": registration,
        "quota": quota,
        "title": quotas.title_of(quota),
        "festival": quota.festival,
        "span": _span(quota),
        "venue": owner.venue or quota.festival.venue,
        "has_qr": code is not None,
        # The QR code's text (kept by the phone for self check-in: static/js/ticket.js), and its last characters
        # for typing at the self check-in page without the ticket.
        "ticket_code": code,
        "code_tail": services.ticket_code_tail(code),
        "position": lookup.waiting_position(registration),
        "ticket_url": services.ticket_url(registration),
        "feed": _feed_link(registration),
    }


def _feed_link(registration: Registration):
    """The personal feed as the ticket page offers it (subscribe, Google, copy, download), or None."""
    from festival.calendar.links import feed_link

    if registration.feed_token is None:
        return None
    return feed_link(
        _("My festival day: %(title)s", title=quotas.title_of(registration.quota)),
        "calendar.mine",
        token=registration.feed_token,
    )


@bp.get("/t/<token>")
def ticket(token: str):
    registration = services.by_token(token)
    return render_template("registration/ticket.html", **_ticket_context(registration))


def _qr_response(token: str, fmt: str, render, mimetype: str) -> Response:
    registration = services.by_token(token)
    text = services.ticket_text(registration)
    if text is None:
        raise NotFound(_l("This ticket has no QR code: it is not confirmed."), "ticket_not_confirmed")
    etag = qr_etag(text, fmt)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(render(text), mimetype=mimetype)
    response.set_etag(etag)
    # Kept by the person's own browser, checked again each time (a cancelled ticket's image must not stay).
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/t/<token>/qr.png")
def ticket_qr_png(token: str):
    return _qr_response(token, "png", qr_png, "image/png")


@bp.get("/t/<token>/qr.svg")
def ticket_qr_svg(token: str):
    return _qr_response(token, "svg", qr_svg, "image/svg+xml")


@bp.get("/t/<token>/ticket.ics")
def ticket_ics(token: str):
    registration = services.by_token(token)
    if not registration.is_active:
        raise NotFound(_l("This registration has been cancelled."), "ticket_cancelled")
    response = Response(services.ticket_ics(registration), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="ngay-hoi.ics"'
    return response


@bp.get("/t/<token>/data.json")
def ticket_data(token: str):
    registration = services.by_token(token)
    body = json.dumps(privacy.export_data(registration), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="ngay-hoi-du-lieu-ca-nhan.json"'
    return response


# --- what the person can do from the ticket page (each with a confirmation step) --------------------------------

ACTIONS = {
    "cancel": {
        "heading": _l("Cancel my registration"),
        "explain": _l(
            "Your ticket will no longer admit you, and your place goes to the next person waiting. "
            "This cannot be undone: to come after all, register again."
        ),  # fmt: skip
        "button": _l("Yes, cancel my registration"),
    },
    "erase": {
        "heading": _l("Delete my personal data"),
        "explain": _l(
            "Your registration is cancelled, your name, phone number and e-mail are deleted, with the "
            "e-mails we sent you, and this page stops working. Only an anonymous count remains."
        ),  # fmt: skip
        "button": _l("Yes, delete my data"),
    },
    "replace": {
        "heading": _l("Replace my link"),
        "explain": _l(
            "Your ticket gets a new address and the current one stops working: do this if you shared the "
            "link with someone who should no longer see it. Save the new address."
        ),  # fmt: skip
        "button": _l("Yes, give me a new link"),
    },
    "feed_start": {
        "heading": _l("Get my calendar feed"),
        "explain": _l(
            "Your calendar app will show what this ticket is for and keep it up to date: changed times and "
            "cancellations appear by themselves. The feed has its own address, not your ticket’s: it shows no "
            "name, and you can change or stop it here."
        ),  # fmt: skip
        "button": _l("Yes, make my feed"),
        "done": _l("Your calendar feed is ready: subscribe to it below."),
    },
    "feed_replace": {
        "heading": _l("Give my calendar feed a new address"),
        "explain": _l(
            "The current address stops working, and calendars subscribed to it stop updating: do this if you "
            "shared it by mistake, then subscribe again with the new one."
        ),  # fmt: skip
        "button": _l("Yes, give it a new address"),
        "done": _l("Your calendar feed has a new address; the old one no longer works."),
    },
    "feed_stop": {
        "heading": _l("Stop my calendar feed"),
        "explain": _l(
            "Its address stops working and calendars subscribed to it stop updating; the events already in "
            "them stay until you delete them. You can make a new feed later."
        ),  # fmt: skip
        "button": _l("Yes, stop my feed"),
        "done": _l("Your calendar feed is stopped: its address no longer works."),
    },
}


def _confirm_page(token: str, action: str):
    registration = services.by_token(token)
    form = ConfirmForm()
    if action == "cancel" and not registration.is_active:
        return redirect(url_for("registration.ticket", token=token), SEE_OTHER)
    if form.validate_on_submit():
        if action == "cancel":
            services.cancel(registration, by="attendee")
            flash(_("Your registration has been cancelled."), "success")
        elif action.startswith("feed_"):
            try:
                personal_feed.change(registration, action.removeprefix("feed_"))
            except DomainError as error:
                db.session.rollback()
                flash(str(error.message), "error")
            else:
                flash(str(ACTIONS[action]["done"]), "success")
            return redirect(url_for("registration.ticket", token=registration.token) + "#calendar-feed", SEE_OTHER)
        elif action == "replace":
            privacy.replace_link(registration)
            flash(_("Your ticket has a new link; the old one no longer works. Save this page's address."), "success")
        else:
            privacy.erase(registration)
            return render_template("registration/erased.html")
        return redirect(url_for("registration.ticket", token=registration.token), SEE_OTHER)
    return render_template(
        "registration/confirm.html", form=form, action=action, text=ACTIONS[action], **_ticket_context(registration)
    )


@bp.route("/t/<token>/cancel", methods=["GET", "POST"])
def ticket_cancel(token: str):
    return _confirm_page(token, "cancel")


@bp.route("/t/<token>/erase", methods=["GET", "POST"])
def ticket_erase(token: str):
    return _confirm_page(token, "erase")


@bp.route("/t/<token>/replace", methods=["GET", "POST"])
def ticket_replace(token: str):
    return _confirm_page(token, "replace")


@bp.route("/t/<token>/calendar/<any(start, replace, stop):change>", methods=["GET", "POST"])
def ticket_feed(token: str, change: str):
    """Start, replace or stop the ticket's personal calendar feed, after a confirmation step."""
    return _confirm_page(token, f"feed_{change}")
