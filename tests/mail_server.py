"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the notification tests.

It can be stopped and started again on the same port, to play a mail server that is down for a while.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from engine.notifications.mail import SmtpSettings
from engine.persistence.models import UserAccount


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Keep:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        if self.server.delay:
            await asyncio.sleep(self.server.delay)  # a slow server, so that two senders overlap
        with self.server.lock:
            self.server.received.append(message)
        return "250 OK"


class MailServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.received: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.delay = 0.0
        self.controller: Controller | None = None

    def start(self, **smtp_parameters) -> MailServer:
        """``smtp_parameters`` go to aiosmtpd's SMTP (e.g. ``tls_context``, ``require_starttls``, ``authenticator``)."""
        self.controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port, **smtp_parameters)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self, **overrides) -> SmtpSettings:
        values = {"host": "127.0.0.1", "port": self.port, "security": "none", "sender": "renkei@city.example.jp",
                  "base_url": "https://renkei.city.example.jp", "timeout": 5.0, **overrides}
        return SmtpSettings(**values)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if m["To"] == address]


def give_everyone_mail(engine) -> None:
    """Demo people have no address; give each ``<username>@example.jp`` (set up like an administrator would)."""
    with engine.unit_of_work() as session:
        for user in session.scalars(select(UserAccount)):
            user.email = f"{user.username}@example.jp"


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made with the openssl command (the city's own CA, in miniature)."""
    certificate, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(certificate), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    return certificate, key


def server_tls(certificate: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    return context


def password_check(username: str, password: str):
    """An aiosmtpd authenticator that accepts one login."""
    def authenticator(_server, _session, _envelope, _mechanism, auth_data):
        ok = auth_data.login.decode() == username and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    return authenticator
