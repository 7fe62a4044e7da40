"""`flask festival demo`: load the demo data and print how to log in."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from festival.core.errors import DomainError
from festival.core.time import today_local
from festival.demo.loader import load_demo, unit_rows
from festival.localities.cli import builtin_units


@click.group("festival", help="Festival data / Dữ liệu ngày hội.")
def festival_cli() -> None:
    pass


@festival_cli.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the units, two editions with festivals, and demo accounts (running it twice changes nothing)."""
    try:
        rows = unit_rows(builtin_units())
        with click.progressbar(length=len(rows), label=_("Loading the demo"), file=sys.stderr) as bar:
            result = load_demo(today_local(), rows, current_app.instance_path, bar.update)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(
        _(
            "Demo ready: editions %(last)s (held) and %(next)s (published), practice festival on %(day)s.",
            last=result.years[0],
            next=result.years[1],
            day=result.practice_day.strftime("%d/%m/%Y"),
        )
    )
    click.echo(_("Log in at http://127.0.0.1:5000/login as:"))
    for username, role, scope in result.accounts:
        where = scope or _("whole country")
        click.echo(f"  {username} / {result.password}    ({role.label}, {where})")
