"""Scripted provisioning from the command line (issue #3 item 9): renkei organisations/departments/users create."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.bootstrap import bootstrap
from engine.cli import cli
from engine.persistence.models import AuditEvent


@pytest.fixture
def run(database_url, monkeypatch):
    monkeypatch.setenv("RENKEI_DATABASE_URL", database_url)

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    assert invoke("init-db").exit_code == 0
    return invoke


def test_a_city_is_provisioned_from_the_command_line_and_its_people_sign_in(run, database_url):
    assert run("departments", "create", "総合政策課", "--code", "kikaku", "--coordinator").output == \
        "課「総合政策課」（kikaku）を登録しました\n"
    assert run("departments", "create", "環境政策課").output == "課「環境政策課」（dept002）を登録しました\n"
    assert run("organisations", "create", "湘南サンプル株式会社").output == "企業等「湘南サンプル株式会社」を登録しました\n"
    for args in (["--username", "seisaku", "--role", "coordinator"],
                 ["--username", "kankyo", "--role", "department", "--department", "環境政策課"],
                 ["--username", "shonan", "--role", "organisation", "--organisation", "湘南サンプル株式会社"],
                 ["--username", "admin", "--role", "admin", "--name", "システム管理者"]):
        result = run("users", "create", *args, "--password", "umi-to-machi-1")
        assert result.exit_code == 0, result.output
    engine = bootstrap(database_url)
    try:
        seisaku = engine.authenticate("seisaku", "umi-to-machi-1")
        assert seisaku.actor.is_coordinator and seisaku.department_names == ["総合政策課"]
        assert engine.authenticate("kankyo", "umi-to-machi-1").department_names == ["環境政策課"]
        assert engine.authenticate("shonan", "umi-to-machi-1").organisation_name == "湘南サンプル株式会社"
        assert engine.authenticate("admin", "umi-to-machi-1").display_name == "システム管理者"
        with engine.unit_of_work() as session:
            actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id.is_(None))
                                           .order_by(AuditEvent.id)))
        assert actions[-7:] == ["department_created", "department_created", "organisation_created",
                                "user_created", "user_created", "user_created", "user_created"]
    finally:
        engine.database.dispose()


def test_the_password_may_be_typed_at_a_hidden_prompt_instead_of_on_the_command_line(run, database_url):
    result = run("users", "create", "--username", "kanri", "--role", "manager",
                 input="kanri-no-pass-9\nkanri-no-pass-9\n")
    assert result.exit_code == 0 and "kanri-no-pass-9" not in result.output
    engine = bootstrap(database_url)
    try:
        assert engine.authenticate("kanri", "kanri-no-pass-9").role == "manager"
    finally:
        engine.database.dispose()


@pytest.mark.parametrize(("args", "message"), [
    (["users", "create", "--username", "x1", "--role", "department", "--password", "long-enough-1"],
     "担当課の職員には所属課を指定してください"),
    (["users", "create", "--username", "x2", "--role", "organisation", "--password", "long-enough-1"],
     "企業等の利用者には団体を指定してください"),
    (["users", "create", "--username", "x3", "--role", "manager", "--password", "short"],
     "パスワードは8文字以上にしてください"),
    (["users", "create", "--username", "x4", "--role", "department", "--department", "無い課",
      "--password", "long-enough-1"], "「無い課」は登録されていません"),
    (["users", "create", "--username", "x5", "--role", "coordinator", "--password", "long-enough-1"],
     "総合政策課（調整担当の課）が登録されていません"),
])
def test_a_refused_provisioning_says_why_exits_1_and_creates_nothing(run, database_url, args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output
    engine = bootstrap(database_url)
    try:
        with engine.unit_of_work() as session:
            assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "user_created")) is None
    finally:
        engine.database.dispose()


def test_a_name_given_twice_is_refused(run):
    run("organisations", "create", "湘南サンプル株式会社")
    again = run("organisations", "create", "湘南サンプル株式会社")
    assert again.exit_code == 1 and "団体「湘南サンプル株式会社」は既に登録されています" in again.output
    run("departments", "create", "環境政策課", "--code", "kankyo")
    assert run("departments", "create", "環境政策課", "--code", "kankyo2").exit_code == 1
