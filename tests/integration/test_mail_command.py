"""``renkei mail send``: the operator's worker for notices and mail, run once as a cron job would."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from engine.bootstrap import bootstrap
from engine.cli import cli
from engine.persistence.models import MailOutbox
from tests.conftest import demo_engine
from tests.integration.flow import Flow
from tests.mail_server import MailServer, give_everyone_mail


def started_case(url: str) -> None:
    engine = demo_engine(url)
    give_everyone_mail(engine)
    Flow(engine).start()
    engine.database.dispose()


def test_one_pass_sends_the_waiting_mail_and_says_what_it_did(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'mail.sqlite3'}"
    started_case(url)
    smtp = MailServer().start()
    for name, value in {"RENKEI_DATABASE_URL": url, "RENKEI_SMTP_HOST": "127.0.0.1", "RENKEI_SMTP_PORT": str(smtp.port),
                        "RENKEI_SMTP_TLS": "none", "RENKEI_SMTP_SENDER": "renkei@city.example.jp",
                        "RENKEI_BASE_URL": "https://renkei.city.example.jp"}.items():
        monkeypatch.setenv(name, value)
    try:
        result = CliRunner().invoke(cli, ["mail", "send"], catch_exceptions=False)
    finally:
        smtp.stop()
    assert result.exit_code == 0
    assert "メール 1 通を送信しました（失敗 0 通は後で再送します）" in result.output
    [mail] = smtp.received
    assert mail["To"] == "shonan@example.jp" and "https://renkei.city.example.jp/tasks/" in mail.get_content()


def test_without_a_mail_server_the_mail_waits_in_the_outbox_and_the_pass_says_so(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'mail.sqlite3'}"
    started_case(url)
    monkeypatch.setenv("RENKEI_DATABASE_URL", url)
    monkeypatch.delenv("RENKEI_SMTP_HOST", raising=False)
    result = CliRunner().invoke(cli, ["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "メールは送信待ちのままです（1 通。メールサーバー RENKEI_SMTP_HOST が設定されていません）" in result.output
    engine = bootstrap(url)
    with engine.unit_of_work() as session:
        assert [(row.status, row.attempts) for row in session.scalars(select(MailOutbox))] == [("pending", 0)]
    engine.database.dispose()


def test_a_wrong_tls_setting_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("RENKEI_DATABASE_URL", f"sqlite:///{tmp_path / 'mail.sqlite3'}")
    monkeypatch.setenv("RENKEI_SMTP_TLS", "yes")
    result = CliRunner().invoke(cli, ["mail", "send"])
    assert result.exit_code == 1 and "RENKEI_SMTP_TLS は starttls, ssl, none のいずれかです（yes）" in result.output
