"""Sending the mail outbox through SMTP: rendering, delivery, retries with back-off, and no mail twice.

Mails are queued by notifications inside the transaction of their event; this module sends them later,
so the SMTP server being slow or down never blocks or breaks a task completion. A sender claims rows
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and a guarded pending → sending update on every database)
before it talks to the server, so two senders running at once never deliver the same row. A row whose
sender died mid-send is taken up again once its lease runs out. Failures are kept on the row with the
error and shown to administrators; after the last attempt the row stays ``failed`` until retried.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from engine.access import Actor, may_read_mail_outbox
from engine.domain.japan_time import JAPAN
from engine.domain.wareki import format_wareki
from engine.errors import NotAllowedError, NotFoundError, RenkeiError
from engine.notifications.kinds import Kind
from engine.persistence.models import MailOutbox
from engine.persistence.models.mail_outbox import FAILED, PENDING, SENDING, SENT

if TYPE_CHECKING:
    from engine.context import Context

log = logging.getLogger(__name__)
DEFAULT_TEMPLATES = Path(__file__).resolve().parents[2] / "notifications"  # the folder beside engine/
SECURITY = ("starttls", "ssl", "none")


def _never() -> bool:
    return False


class MailConfigurationError(RenkeiError):
    """The SMTP settings are missing or wrong; nothing was sent."""

    code = "mail_not_configured"


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""  # RENKEI_SMTP_HOST: no host, no sending (mails wait in the outbox)
    port: int = 587  # RENKEI_SMTP_PORT
    security: str = "starttls"  # RENKEI_SMTP_TLS: starttls, ssl (implicit TLS, usually port 465) or none
    username: str = ""  # RENKEI_SMTP_USERNAME (empty: no authentication)
    password: str = field(default="", repr=False)  # RENKEI_SMTP_PASSWORD
    sender: str = "renkei@localhost"  # RENKEI_SMTP_SENDER: the From address
    timeout: float = 30.0  # RENKEI_SMTP_TIMEOUT: seconds
    base_url: str = "http://localhost:8000"  # RENKEI_BASE_URL: where links in mails point
    templates: Path | None = None  # RENKEI_MAIL_TEMPLATES: a folder whose templates replace the shipped ones
    interval: float = 60.0  # RENKEI_MAIL_INTERVAL: seconds between passes of `renkei mail send --loop`
    max_attempts: int = 8  # RENKEI_MAIL_MAX_ATTEMPTS: after this many failures a mail stays failed
    retry_after: float = 60.0  # RENKEI_MAIL_RETRY_SECONDS: the first back-off; it doubles per failure (≤ 6 h)
    ca_file: Path | None = None  # RENKEI_SMTP_CA_FILE: CA certificates for a server signed by the city's own CA

    @classmethod
    def from_environment(cls, environ: os._Environ | dict | None = None) -> SmtpSettings:
        env = os.environ if environ is None else environ
        security = env.get("RENKEI_SMTP_TLS", "starttls").lower()
        if security not in SECURITY:
            raise MailConfigurationError(f"RENKEI_SMTP_TLS は {', '.join(SECURITY)} のいずれかです（{security}）")
        templates, ca_file = env.get("RENKEI_MAIL_TEMPLATES"), env.get("RENKEI_SMTP_CA_FILE")
        return cls(
            host=env.get("RENKEI_SMTP_HOST", ""), port=int(env.get("RENKEI_SMTP_PORT", "587")), security=security,
            username=env.get("RENKEI_SMTP_USERNAME", ""), password=env.get("RENKEI_SMTP_PASSWORD", ""),
            sender=env.get("RENKEI_SMTP_SENDER", "renkei@localhost"),
            timeout=float(env.get("RENKEI_SMTP_TIMEOUT", "30")),
            base_url=env.get("RENKEI_BASE_URL", "http://localhost:8000").rstrip("/"),
            templates=Path(templates) if templates else None, interval=float(env.get("RENKEI_MAIL_INTERVAL", "60")),
            max_attempts=int(env.get("RENKEI_MAIL_MAX_ATTEMPTS", "8")),
            retry_after=float(env.get("RENKEI_MAIL_RETRY_SECONDS", "60")), ca_file=Path(ca_file) if ca_file else None,
        )

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.retry_after * 2 ** max(attempts - 1, 0), 6 * 3600))


def _wareki(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(JAPAN).date()
    return format_wareki(value)


def _wareki_time(value: Any) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not moment:
        return ""
    local = moment.astimezone(JAPAN)
    return f"{format_wareki(local.date())} {local:%H:%M}"


class MailTemplates:
    """``notifications/<template>.txt``: the first line is ``件名：…``, the rest is the body (Jinja2, plain text)."""

    def __init__(self, override: Path | None = None, base_url: str = "") -> None:
        folders = [str(override)] if override else []
        self.environment = Environment(
            loader=ChoiceLoader([FileSystemLoader(folders + [str(DEFAULT_TEMPLATES)])]), undefined=StrictUndefined,
            autoescape=False, keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True,
        )
        self.environment.filters.update(wareki=_wareki, wareki_time=_wareki_time)
        self.environment.globals.update(base_url=base_url)

    def render(self, template: str, context: dict[str, Any]) -> tuple[str, str]:
        text = self.environment.get_template(f"{template}.txt").render(context)
        first, _, body = text.partition("\n")
        for prefix in ("件名：", "件名:"):
            if first.startswith(prefix):
                return first[len(prefix):].strip(), body.strip("\n") + "\n"
        raise TemplateError(f"{template}.txt の1行目は「件名：」で始めてください")


@contextmanager
def smtp_connection(settings: SmtpSettings) -> Iterator[smtplib.SMTP]:
    if not settings.host:
        raise MailConfigurationError("メールサーバー（RENKEI_SMTP_HOST）が設定されていません")
    tls = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
    if settings.security == "ssl":
        connection = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=tls)
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            connection.starttls(context=tls)
        if settings.username:
            connection.login(settings.username, settings.password)
        yield connection
    finally:
        try:
            connection.quit()
        except smtplib.SMTPException:
            connection.close()


@dataclass(frozen=True)
class SendResult:
    sent: int
    failed: int


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    to_address: str
    template: str
    kind_label: str  # the notice kind in Japanese (the subject is only known once rendered)
    status: str
    attempts: int
    subject: str | None
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None


class Mailer:
    """Sends what is due in the outbox; the administrators' view of it and their retry."""

    def __init__(self, context: Context, settings: SmtpSettings | None = None, lease: timedelta = timedelta(minutes=10)):
        self.context = context
        self.settings = settings or SmtpSettings()
        self.templates = MailTemplates(self.settings.templates, self.settings.base_url)
        self.lease = lease

    def send_due(self, limit: int = 100, stopping: Callable[[], bool] = _never) -> SendResult:
        """Claims up to ``limit`` due mails, sends them over one connection, records each outcome.

        ``stopping`` is asked before each mail: a sender told to stop finishes the mail in hand and puts the
        rest of its claim back in line, untouched.
        """
        if not self.settings.host:
            raise MailConfigurationError("メールサーバー（RENKEI_SMTP_HOST）が設定されていません")
        claimed = self._claim(limit)
        if not claimed:
            return SendResult(0, 0)
        sent = failed = 0
        try:
            with smtp_connection(self.settings) as connection:
                for row_id in claimed:
                    if stopping():
                        break
                    if self._deliver(connection, row_id):
                        sent += 1
                    else:
                        failed += 1
        except (OSError, smtplib.SMTPException, MailConfigurationError) as error:
            undelivered = claimed[sent + failed:]
            for row_id in undelivered:
                self._record_failure(row_id, f"メールサーバーに接続できません: {error}")
            failed += len(undelivered)
        self._give_back(claimed[sent + failed:])
        return SendResult(sent, failed)

    def waiting(self) -> int:
        """How many mails wait in the outbox to be sent (now or after a back-off)."""
        with self.context.unit_of_work() as session:
            return session.scalar(
                select(func.count()).select_from(MailOutbox).where(MailOutbox.status == PENDING))

    def _give_back(self, row_ids: list[int]) -> None:
        """Claimed but not tried (the sender was told to stop): pending again, the attempt not counted."""
        if not row_ids:
            return
        with self.context.unit_of_work() as session:
            session.execute(update(MailOutbox).where(MailOutbox.id.in_(row_ids), MailOutbox.status == SENDING)
                            .values(status=PENDING, locked_until=None, attempts=MailOutbox.attempts - 1))

    def _claim(self, limit: int) -> list[int]:
        now = self.context.clock()
        claimable = or_(and_(MailOutbox.status == PENDING, MailOutbox.next_attempt_at <= now),
                        and_(MailOutbox.status == SENDING, MailOutbox.locked_until < now))
        try:
            with self.context.unit_of_work() as session:
                candidates = list(session.scalars(select(MailOutbox.id).where(claimable).order_by(MailOutbox.id)
                                                  .limit(limit).with_for_update(skip_locked=True)))
                claimed = []
                for row_id in candidates:
                    taken = session.execute(update(MailOutbox).where(MailOutbox.id == row_id, claimable).values(
                        status=SENDING, locked_until=now + self.lease, attempts=MailOutbox.attempts + 1))
                    if taken.rowcount == 1:
                        claimed.append(row_id)
                return claimed
        except OperationalError as error:
            if "database is locked" not in str(error.orig):
                raise  # the database is unavailable: the worker loop backs off and comes back
            log.warning("mail outbox busy (SQLite: another sender holds the write lock), nothing claimed")
            return []

    def _deliver(self, connection: smtplib.SMTP, row_id: int) -> bool:
        with self.context.unit_of_work() as session:
            row = session.get(MailOutbox, row_id)
            to_address, template, context = row.to_address, row.template, dict(row.context or {})
        try:
            subject, body = self.templates.render(template, context)
        except TemplateError as error:
            self._record_failure(row_id, f"テンプレート {template}.txt の誤り: {error}")
            return False
        message = self._message(row_id, to_address, subject, body)
        try:
            connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            self._record_failure(row_id, f"宛先 {to_address} が受け付けられませんでした: {error.recipients}")
            return False
        with self.context.unit_of_work() as session:
            session.execute(update(MailOutbox).where(MailOutbox.id == row_id, MailOutbox.status == SENDING).values(
                status=SENT, sent_at=self.context.clock(), subject=subject[:300], locked_until=None, last_error=None))
        return True

    def _message(self, row_id: int, to_address: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.settings.sender
        message["To"] = to_address
        message["Date"] = format_datetime(self.context.clock())
        domain = self.settings.sender.rpartition("@")[2] or "localhost"
        message["Message-ID"] = f"<renkei-outbox-{row_id}@{domain}>"  # the same id on a resend: readers dedupe
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(body, charset="utf-8")
        return message

    def _record_failure(self, row_id: int, error: str) -> None:
        now = self.context.clock()
        with self.context.unit_of_work() as session:
            row = session.get(MailOutbox, row_id)
            if row is None or row.status != SENDING:
                return
            row.last_error = error[:2000]
            row.locked_until = None
            if row.attempts >= self.settings.max_attempts:
                row.status = FAILED
                log.error("mail %s failed for good after %s attempts: %s", row_id, row.attempts, error)
            else:
                row.status = PENDING
                row.next_attempt_at = now + self.settings.backoff(row.attempts)
                log.warning("mail %s failed (attempt %s), retrying at %s: %s", row_id, row.attempts,
                            row.next_attempt_at, error)

    # --- the administrators' view ---------------------------------------------------------------------
    @staticmethod
    def _require_admin(actor: Actor) -> None:
        if not may_read_mail_outbox(actor):
            raise NotAllowedError("メールの送信状況はシステム管理者のみ確認できます")

    def outbox(self, actor: Actor, problems_only: bool = True, limit: int = 200) -> list[OutboxEntry]:
        """Mails that failed or wait for a retry (or all recent ones), newest first."""
        self._require_admin(actor)
        with self.context.unit_of_work() as session:
            query = select(MailOutbox)
            if problems_only:
                query = query.where(MailOutbox.last_error.is_not(None), MailOutbox.status != SENT)
            rows = session.scalars(query.order_by(MailOutbox.id.desc()).limit(limit))
            return [OutboxEntry(r.id, r.to_address, r.template, _kind_label(r.template), r.status, r.attempts, r.subject,
                                r.last_error, r.created_at, r.next_attempt_at, r.sent_at) for r in rows]

    def retry(self, actor: Actor, row_id: int) -> None:
        """Puts a failed (or waiting) mail back in line to be sent on the next pass."""
        self._require_admin(actor)
        with self.context.unit_of_work() as session:
            row = session.get(MailOutbox, row_id)
            if row is None:
                raise NotFoundError(f"メール {row_id} は見つかりません")
            if row.status in (FAILED, PENDING):
                row.status, row.attempts, row.next_attempt_at = PENDING, 0, self.context.clock()


def _kind_label(template: str) -> str:
    if template == "digest":
        return "まとめメール（1日1回）"
    return Kind(template).label if template in {kind.value for kind in Kind} else template


def mail_pass(notifications, mailer: Mailer, batch: int = 100, stopping: Callable[[], bool] = _never) -> str:
    """One pass of ``renkei mail send``: find due notices, queue digests, send until nothing is due.

    Without a mail server (no RENKEI_SMTP_HOST) the notices are still made and the mails wait in the outbox.
    """
    try:
        scanned = notifications.scan()
    except IntegrityError as error:  # another worker recorded the same notices first; they exist, go on
        log.info("notification scan raced another worker: %s", error.orig)
        scanned = None
    made = f"お知らせ {scanned.notices} 件・まとめ {scanned.digests} 件を作成し、" if scanned else ""
    if not mailer.settings.host:
        return (f"{made}メールは送信待ちのままです（{mailer.waiting()} 通。"
                f"メールサーバー RENKEI_SMTP_HOST が設定されていません）")
    sent = failed = 0
    while not stopping():
        result = mailer.send_due(batch, stopping)
        sent, failed = sent + result.sent, failed + result.failed
        if result.sent + result.failed < batch:
            break
    return (f"{made}"
            f"メール {sent} 通を送信しました（失敗 {failed} 通は後で再送します）")
