"""Log in and out, one's own account (sessions, password), and the administrators' account management."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from festival.accounts import api_tokens, services, sessions
from festival.accounts.auth import role_required
from festival.accounts.forms import ApiTokenForm, EndSessionForm, LoginForm, PasswordChangeForm, UserForm
from festival.accounts.models import Role, User
from festival.core.errors import DomainError, NotFound
from festival.core.forms import show_error
from festival.core.pagination import parse_page
from festival.core.web import local_target

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    return local_target(target) or url_for("dashboard.index")


def _me() -> User:
    return current_user._get_current_object()


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    headers = {}
    if form.validate_on_submit():
        try:
            user = services.log_in(
                form.username.data,
                form.password.data,
                address=sessions.request_address(),
                user_agent=sessions.request_user_agent(),
            )
        except services.LoginThrottled as error:
            flash(str(error.message), "error")
            status = 429
            headers["Retry-After"] = str(error.wait)
        except DomainError as error:
            flash(str(error.message), "error")
            status = error.status
        else:
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.full_name), "success")
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    # After a failure the username stays filled in and the cursor waits in the password box.
    focus = "password" if request.method == "POST" and form.username.data else "username"
    return render_template("accounts/login.html", form=form, focus=focus), status, headers


@bp.post("/logout")
@login_required
def logout():
    services.log_out(_me())
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.home"))


# --- one's own account -------------------------------------------------------------------------------------------


def _account_page(
    password_form: PasswordChangeForm,
    status: int = 200,
    token_form: ApiTokenForm | None = None,
    new_token: api_tokens.NewToken | None = None,
):
    me = _me()
    may_have_tokens = api_tokens.may_have_tokens(me)
    return (
        render_template(
            "accounts/account.html",
            user=me,
            sessions=services.account_sessions(me),
            current_session_id=me.current_session.id if me.current_session else None,
            password_form=password_form,
            end_form=EndSessionForm(),
            idle_text=services.duration_text(current_app.config["SESSION_IDLE_TIMEOUT"]),
            lifetime_text=services.duration_text(current_app.config["SESSION_LIFETIME"]),
            may_have_tokens=may_have_tokens,
            api_tokens=api_tokens.tokens_of(me) if may_have_tokens else [],
            token_form=token_form or ApiTokenForm(formdata=None),
            new_token=new_token,
        ),
        status,
    )


@bp.get("/dashboard/account")
@login_required
def account():
    return _account_page(PasswordChangeForm())


@bp.post("/dashboard/account/password")
@login_required
def change_password():
    form = PasswordChangeForm()
    status = 400
    if form.validate_on_submit():
        try:
            services.change_own_password(
                _me(), form.current_password.data, form.password.data, address=sessions.request_address()
            )
        except DomainError as error:
            show_error(form, error)
            status = error.status
        else:
            flash(_("Your password has been changed. Your other sessions have ended."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(form, status)


@bp.post("/dashboard/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    # The CSRF token (EndSessionForm's only field) is checked for every POST before a view runs.
    try:
        was_current = services.end_session(_me(), session_id)
    except NotFound as error:
        flash(str(error.message), "info")
        return redirect(url_for("accounts.account"))
    if was_current:
        logout_user()
        flash(_("You have logged out."), "info")
        return redirect(url_for("public.home"))
    flash(_("The session has ended."), "success")
    return redirect(url_for("accounts.account"))


@bp.post("/dashboard/account/sessions/end-others")
@login_required
def end_other_sessions():
    ended = services.end_other_sessions(_me())
    flash(ngettext("%(num)d other session has ended.", "%(num)d other sessions have ended.", ended), "success")
    return redirect(url_for("accounts.account"))


@bp.post("/dashboard/account/api-tokens")
@role_required(Role.ORGANIZER)
def create_api_token():
    """The new token is shown on the page this answers, once: it is never flashed (a flash lives in the cookie)."""
    form = ApiTokenForm()
    status = 400
    if form.validate_on_submit():
        try:
            made = api_tokens.create(_me(), form.name.data)
        except DomainError as error:
            show_error(form, error)
            status = error.status
        else:
            return _account_page(PasswordChangeForm(formdata=None), new_token=made)
    return _account_page(PasswordChangeForm(formdata=None), status, token_form=form)


@bp.post("/dashboard/account/api-tokens/<int:token_id>/revoke")
@role_required(Role.ORGANIZER)
def revoke_api_token(token_id: int):
    try:
        record = api_tokens.revoke(_me(), token_id)
    except NotFound as error:
        flash(str(error.message), "info")
    else:
        flash(_("The token %(prefix)s… is revoked: it no longer opens the API.", prefix=record.prefix), "success")
    return redirect(url_for("accounts.account", _anchor="api-tokens-title"))


# --- the administrators' account management ----------------------------------------------------------------------


@bp.get("/admin/users")
@role_required(Role.ADMIN)
def users():
    q = services.clean_query(request.args.get("q", ""))
    page = services.list_users(q, parse_page(request.args.get("page")))
    return render_template("accounts/users.html", page=page, q=q)


def _data(form: UserForm) -> services.UserData:
    return services.UserData(
        username=form.username.data or "",
        full_name=form.full_name.data or "",
        email=form.email.data or "",
        role=form.role.data or "",
        scope_code=(form.scope_code.data or "").strip(),
        scope_name=form.scope_name.data or "",
        organization_id=(form.organization_id.data or "").strip(),
        organization_name=form.organization_name.data or "",
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
        form.scope_name.data = user.scope_locality.full_name if user.scope_locality else ""
        form.organization_id.data = str(user.organization_id) if user.organization_id else ""
        form.organization_name.data = user.organization.name if user.organization else ""
        form.password.data = ""
    if form.validate_on_submit():
        try:
            services.update_user(user, _data(form), _me())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user), 400 if request.method == "POST" else 200
