"""/api/v1/me and /api/v1/festivals/{festival_id}/quotas: the API for an organizer's own scripts.

Authenticated ONLY by a personal token (`Authorization: Bearer …`, festival/accounts/api_tokens.py), never by the
login cookie: these endpoints therefore need no CSRF protection (a page of another site cannot make a browser
send that header), and a token never opens an HTML page. A missing, malformed, unknown or revoked token is a 401
problem with `WWW-Authenticate: Bearer`; a festival day outside the user's scope is a 403 problem. Answers are
personal: `Cache-Control: no-store` and `Vary: Authorization`.
"""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from festival.accounts import api_tokens
from festival.accounts.auth import in_scope, scope_locality
from festival.accounts.models import Role, User
from festival.api import schemas
from festival.api.openapi import PROBLEM_JSON, Blueprint, ProblemSchema
from festival.attendees import services as attendees
from festival.core.errors import Forbidden, NotFound
from festival.core.web import problem
from festival.program import queries

bp = Blueprint("api_private", __name__, url_prefix="/api/v1", description="An organizer's own data (bearer token).")

BEARER = "bearer"
SECURITY = [{BEARER: []}]
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "A personal API token, made on the account page (/dashboard/account) and shown once.",
}


def _unauthorized():
    response = problem(
        401,
        _("Unauthorized"),
        _("Send a valid API token in the header “Authorization: Bearer …”. Make one on your account page."),
        "invalid_token" if request.headers.get("Authorization") else "token_required",
    )
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def bearer_required(view):
    """Authenticate by the bearer token alone (the session cookie is not read), and mark the answer private."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = api_tokens.authenticate(request.headers.get("Authorization"))
        if user is None:
            return _unauthorized()
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped


@bp.after_request
def _private_answer(response):
    """Every answer here, problems included, is personal: no cache keeps it."""
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Authorization")
    return response


def _problem(status: int, description: str) -> dict:
    return {"status_code": status, "schema": ProblemSchema, "content_type": PROBLEM_JSON, "description": description}


UNAUTHORIZED = _problem(401, "No token, or an unknown, malformed or revoked one (token_required, invalid_token).")


@bp.route("/me", methods=["GET"])
@bp.doc(security=SECURITY)
@bp.response(200, schemas.MeSchema)
@bp.alt_response(**UNAUTHORIZED)
@bearer_required
def me():
    """Who the token belongs to: the account, its role and its scope (the unit whose subtree it works in)."""
    user: User = g.api_user
    root = scope_locality(user)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "scope": None if root is None else {"code": root.code, "full_name": root.full_name, "level": root.level},
    }


@bp.route("/festivals/<int:festival_id>/quotas", methods=["GET"])
@bp.doc(security=SECURITY)
@bp.response(200, schemas.QuotaListSchema)
@bp.alt_response(**UNAUTHORIZED)
@bp.alt_response(**_problem(403, "Not an organizer of this festival day's unit (forbidden)."))
@bp.alt_response(**_problem(404, "No such festival day (festival_not_found)."))
@bearer_required
def festival_quotas(festival_id: int):
    """Registration counts of a festival day, one line per quota (the day as a whole, then each agenda item
    taking registrations): capacity, places taken, waiting list, invitations and people marked present."""
    user: User = g.api_user
    festival = queries.get_festival(festival_id)
    if festival is None:
        raise NotFound(_l("No festival day has this number."), "festival_not_found")
    if not (user.is_admin or user.role == Role.ORGANIZER) or not in_scope(user, festival.locality):
        raise Forbidden(_l("This festival day is outside the units you organize."), "forbidden")
    lines = attendees.summaries(festival)
    return {
        "festival_id": festival.id,
        "items": [
            {
                "quota_id": line.quota.id,
                "item_id": line.quota.item_id,
                "title": line.title,
                "capacity": line.capacity,
                "taken": line.quota.taken,
                "confirmed": line.confirmed,
                "waiting": line.waiting,
                "invitations": line.invitations,
                "attended": line.attended,
                "accepting": line.quota.accepting,
            }
            for line in lines
        ],
    }
