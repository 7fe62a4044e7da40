"""Log in, log out, and the administrators' account management."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from festival.accounts import services
from festival.accounts.auth import role_required
from festival.accounts.forms import LoginForm, UserForm
from festival.accounts.models import Role
from festival.core.errors import DomainError
from festival.core.forms import show_error
from festival.core.pagination import parse_page
from festival.core.web import local_target
from festival.extensions import limiter

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _username_key() -> str:
    return "login-user:" + services.normalise_username(request.form.get("username", ""))


def _failed(response) -> bool:
    """Only failed attempts count against the limit."""
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    return local_target(target) or url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, key_func=_username_key)
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data)
        except DomainError as error:
            flash(str(error.message), "error")
            status = 401
        else:
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.full_name), "success")
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.home"))


@bp.get("/admin/users")
@role_required(Role.ADMIN)
def users():
    q = request.args.get("q", "")
    page = services.list_users(q, parse_page(request.args.get("page")))
    return render_template("accounts/users.html", page=page, q=q)


def _data(form: UserForm) -> services.UserData:
    return services.UserData(
        username=form.username.data or "",
        full_name=form.full_name.data or "",
        email=form.email.data or "",
        role=form.role.data,
        scope_code=(form.scope_code.data or "").strip(),
        organization_id=form.organization_id.data,
        password=form.password.data or None,
        active=bool(form.active.data),
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_new():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(_data(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None), 400 if request.method == "POST" else 200


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_edit(user_id: int):
    user = services.get_user(user_id)
    form = UserForm(obj=user)
    if request.method == "GET":
        form.scope_code.data = user.scope_locality.code if user.scope_locality else ""
        form.password.data = ""
    if form.validate_on_submit():
        try:
            services.update_user(user, _data(form), current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            if user.id == current_user.id:
                # A new password ends the account's sessions (a new session token): all but this one, which
                # takes the new token instead of logging its own administrator out.
                login_user(user)
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user), 400 if request.method == "POST" else 200
