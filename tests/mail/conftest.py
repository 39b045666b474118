"""Mail test fixtures: a real SMTP server (aiosmtpd) on a loopback port, and the `probe` mail
kind (tests/mail/templates) that the outbox tests send.

`smtp` starts the server and points the app's KIPP_MAIL_URL at it; `smtp.stop()` and
`smtp.start()` take it down and bring it back on the same port. Recipients whose local part
starts with `refused` are answered 550 (permanent), `busy` 451 (temporary).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from jinja2 import ChoiceLoader, FileSystemLoader

from kipp.extensions import db
from kipp.mail.outbox import enqueue

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage
    raw: bytes


class Inbox:
    """aiosmtpd handler that keeps every accepted message."""

    def __init__(self):
        self.messages: list[Received] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("refused"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if local.startswith("busy"):
            return "451 4.3.0 Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), message, raw)
            )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int):
        self.port, self.inbox, self.controller = port, Inbox(), None
        self.url = f"smtp://127.0.0.1:{port}"

    @property
    def messages(self) -> list[Received]:
        return list(self.inbox.messages)

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


@pytest.fixture
def smtp(app):
    server = SmtpServer(free_port())
    server.start()
    app.config.update(KIPP_MAIL_URL=server.url, KIPP_MAIL_FROM="KIPP <kipp@kipp.example>")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def probe_templates(app):
    """The `probe` mail kind's templates, for these tests only."""
    original = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([original, FileSystemLoader(str(TEMPLATES))])
    yield
    app.jinja_env.loader = original


def probe(to: str = "someone@example.org", language: str = "en", **kw):
    """Enqueue a `probe` mail and commit; returns its id (None when its key was used)."""
    context = {"name": kw.pop("name", "Sari"), "link": kw.pop("link", "/entries/7")}
    mail = enqueue("probe", to=to, language=language, context=context, **kw)
    db.session.commit()
    return None if mail is None else mail.id
