"""`flask mail send`: send the outbox's due mail now (for a timer), or keep doing so (`--loop`, for a service).

Safe next to the web workers' own sending: each mail is claimed before it is sent (festival/mail/dispatch.py).
"""

from __future__ import annotations

import time
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from festival.extensions import db
from festival.mail.dispatch import purge_sent, send_due


@click.group("mail", help="Outgoing e-mail / Thư đi.")
def mail_cli() -> None:
    pass


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending: look for due mail every --interval seconds.")
@click.option("--interval", default=30, show_default=True, type=click.IntRange(1, 3600), help="Seconds between rounds.")
@click.option("--limit", default=None, type=click.IntRange(1), help="Send at most this many per round.")
@with_appcontext
def send_command(loop: bool, interval: int, limit: int | None) -> None:
    """Send every e-mail that is due (new, or waiting for its next attempt)."""
    while True:
        report = send_due(limit=limit)
        if report.tried or not loop:
            click.echo(
                _(
                    "%(sent)s sent, %(retrying)s to be tried again, %(failed)s given up.",
                    sent=len(report.sent),
                    retrying=len(report.retrying),
                    failed=len(report.failed),
                )
            )
        if report.unreachable:
            click.echo(_("The mail server could not be reached; the other e-mails wait for the next round."), err=True)
        if not loop:
            if report.failed or report.retrying:
                raise SystemExit(1)
            return
        db.session.remove()  # a fresh session (and an empty identity map) for every round
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            return


@mail_cli.command("purge")
@click.option(
    "--days", default=None, type=click.IntRange(1), help="Keep sent e-mail this many days (MAIL_KEEP_SENT_DAYS)."
)
@with_appcontext
def purge_command(days: int | None) -> None:
    """Delete sent e-mail older than the retention period (names and ticket links are personal data)."""
    keep = days or current_app.config["MAIL_KEEP_SENT_DAYS"]
    deleted = purge_sent(timedelta(days=keep))
    click.echo(ngettext("%(num)s sent e-mail deleted.", "%(num)s sent e-mails deleted.", deleted))
