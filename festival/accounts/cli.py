"""`flask users ...`: create accounts, reset passwords and prune expired sessions from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from festival.accounts import services
from festival.accounts.models import Role
from festival.core.errors import DomainError


@click.group("users", help="Accounts / Tài khoản.")
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.argument("username")
@click.option("--full-name", required=True, help="Full name (one field, e.g. “Nguyễn Văn An”).")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--scope", "scope", default="", help="Locality code or name (organizer, check-in staff), e.g. 01 or “Sóc Sơn”."
)
@click.option("--organization", "organization", default="", help="Organization id or name (representative).")
@click.option("--email", default="")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_command(username, full_name, role, scope, organization, email, password) -> None:
    """Create an account with a role and a scope."""
    try:
        user = services.create_user(
            services.UserData(
                username=username,
                full_name=full_name,
                role=role,
                email=email,
                scope_name=scope,
                organization_name=organization,
                password=password,
            )
        )
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(_("Account %(name)s created.", name=user.username))


@users_cli.command("set-password")
@click.argument("username")
@click.password_option()
@with_appcontext
def set_password_command(username, password) -> None:
    """Set a new password (ends the account's sessions)."""
    try:
        services.set_password(username, password)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(_("Password changed for %(name)s.", name=username))


@users_cli.command("prune-sessions")
@with_appcontext
def prune_sessions_command() -> None:
    """Delete expired sessions (logging in does it too; run it from cron when logins are rare)."""
    removed = services.prune_sessions()
    click.echo(ngettext("%(num)d expired session removed.", "%(num)d expired sessions removed.", removed))
