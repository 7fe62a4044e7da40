"""Sending right after the commit that queued a mail, without making anyone wait for the mail server.

How it works, under `flask run` and under gunicorn with any number of workers alike:

1. A flush that adds an OutgoingMail marks its session; the session's commit then asks for a sending round
   (a rollback forgets the mark: nothing is sent for what was not saved).
2. In a request, the round starts when the request ends (its teardown), after the answer is made; elsewhere (a
   command) at once.
3. The round runs in a thread of this process with an app context (and so a database session) of its own, and
   sends everything due with `dispatch.send_due`. One thread per process at a time: a wake-up while it runs
   makes it go round once more instead of starting another. Workers of other processes may send at the same
   moment; the claim in `dispatch.claim` keeps each mail to one of them.
4. Mail that failed waits for its next attempt: the next round of any process, or `flask mail send` (run it
   from a timer, or `flask mail send --loop` as a service) picks it up when it is due.

The thread is not a daemon, so a stopping worker finishes the round it started (bounded by MAIL_TIMEOUT per
mail). MAIL_SEND_AFTER_COMMIT switches all this off (tests, or deployments that only use the command).
"""

from __future__ import annotations

import os
import threading

from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from festival.extensions import db
from festival.mail.models import OutgoingMail

MARK = "festival_mail_queued"


class Dispatcher:
    """The sending thread of one process."""

    def __init__(self, app: Flask):
        self.app = app
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False
        self._pid = os.getpid()

    def wake(self) -> None:
        with self._lock:
            running = self._thread is not None and self._thread.is_alive() and self._pid == os.getpid()
            if running:
                self._again = True
                return
            self._pid = os.getpid()  # a forked worker starts its own thread
            self._again = False
            self._thread = threading.Thread(target=self._run, name="mail-dispatch", daemon=False)
            self._thread.start()

    def _run(self) -> None:
        from festival.mail.dispatch import send_due

        while True:
            with self.app.app_context():
                try:
                    send_due()
                except Exception:  # noqa: BLE001 - a database hiccup must not kill the thread silently
                    self.app.logger.exception("sending e-mail after a commit failed; it stays queued")
                finally:
                    db.session.remove()
            with self._lock:
                if not self._again:
                    self._thread = None
                    return
                self._again = False

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the running round (tests; shutting down). True when no thread is left."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()


def dispatcher(app: Flask | None = None) -> Dispatcher:
    return (app or current_app).extensions["mail_dispatcher"]


def send_soon() -> None:
    """Ask for a sending round: after the current request, or now outside one. Off without MAIL_SEND_AFTER_COMMIT."""
    if not has_app_context() or not current_app.config.get("MAIL_SEND_AFTER_COMMIT"):
        return
    if has_request_context():
        g.festival_mail_wake = True
    else:
        dispatcher().wake()


def _wake_after_request(_error=None) -> None:
    if g.pop("festival_mail_wake", False):
        dispatcher().wake()


@event.listens_for(Session, "after_flush")
def _note_queued(session: Session, _context) -> None:
    if any(isinstance(obj, OutgoingMail) for obj in session.new):
        session.info[MARK] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(MARK, False):
        send_soon()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(MARK, None)


def init_dispatch(app: Flask) -> None:
    if app.config.get("MAIL_SEND_AFTER_COMMIT") is None:
        app.config["MAIL_SEND_AFTER_COMMIT"] = not app.testing
    app.extensions["mail_dispatcher"] = Dispatcher(app)
    app.teardown_request(_wake_after_request)
    if app.config.get("MAIL_SERVER") and not app.config.get("PUBLIC_BASE_URL"):
        # Mail is sent outside any request (this thread, `flask mail send`): links need the site's address.
        app.logger.warning("MAIL_SERVER is set but PUBLIC_BASE_URL is not: links in e-mail will not work")
