"""`flask users ...`: create accounts and reset passwords from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

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
@click.option("--scope", "scope_code", default="", help="Locality code (organizer, check-in staff).")
@click.option("--organization", "organization_id", type=int, default=None, help="Organization id (representative).")
@click.option("--email", default="")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_command(username, full_name, role, scope_code, organization_id, email, password) -> None:
    """Create an account with a role and a scope."""
    try:
        user = services.create_user(
            services.UserData(
                username=username,
                full_name=full_name,
                role=role,
                email=email,
                scope_code=scope_code,
                organization_id=organization_id,
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
