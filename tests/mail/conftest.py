"""A real SMTP server (aiosmtpd) on a free port, and the app pointed at it, at a closed port, or at nothing."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from festival.mail.background import dispatcher

REFUSED_PREFIX = "nobody@"  # the test server answers 550 for these recipients


def free_port() -> int:
    """A port nothing listens on (bound, read and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the test server received: every message with its envelope recipients."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith(REFUSED_PREFIX):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [message_from_bytes(raw, policy=default) for _, raw in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class SMTPServer:
    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def mail_port(app, monkeypatch) -> int:
    """The app sends to 127.0.0.1 on a port where nothing listens yet (a mail server that is down)."""
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    return port


@pytest.fixture
def smtp_server(mail_port):
    """A server for `mail_port`, not started: the test starts it when the mail server comes back."""
    server = SMTPServer(mail_port)
    yield server
    if server.controller._thread is not None:
        server.stop()


@pytest.fixture
def smtp(smtp_server) -> Inbox:
    """A running SMTP server the app sends to; its inbox."""
    smtp_server.start()
    return smtp_server.inbox


@pytest.fixture
def send_after_commit(app, database, monkeypatch):
    """Sending right after the commit, as in production; every round is waited for before the test ends."""
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_COMMIT", True)
    yield dispatcher(app)
    assert dispatcher(app).join(timeout=30), "the sending thread outlived its test"


def wait_for_sending(app) -> None:
    assert dispatcher(app).join(timeout=30), "the sending round did not end"
