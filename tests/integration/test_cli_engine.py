"""The renkei command for process owners and operators: init-db, deploy, test-processes, demo (issue #2 item 11)."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner

from engine.cli import cli
from tests.conftest import PROCESSES


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("RENKEI_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("RENKEI_PROCESSES_PATH", str(PROCESSES))

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_init_db_then_deploy_creates_version_1_and_redeploying_the_same_files_adds_none(run):
    assert run("init-db").exit_code == 0
    first = run("deploy", "--comment", "初回")
    assert first.exit_code == 0
    assert "comprehensive_agreement: バージョン 1（新しいバージョン）" in first.output
    again = run("deploy", "--comment", "再実行")
    assert "comprehensive_agreement: バージョン 1（変更なし）" in again.output


@pytest.mark.parametrize("args", [(), ("--comment", "  ")])
def test_deploy_without_a_change_description_names_the_option_and_deploys_nothing(run, args):
    run("init-db")
    result = run("deploy", *args)
    assert result.exit_code == 2
    assert "--comment: 変更内容の説明（このバージョンで何を変えたか）を入力してください" in result.output
    deployed = run("deploy", "--comment", "初回").output  # nothing had been deployed
    assert "comprehensive_agreement: バージョン 1（新しいバージョン）" in deployed


def test_a_refused_deploy_lists_the_problem_and_exits_1(run, tmp_path):
    copy = tmp_path / "processes"
    shutil.copytree(PROCESSES, copy)
    bpmn = copy / "comprehensive_agreement" / "comprehensive_agreement.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace('name="担当課"', 'name="営業部"'), encoding="utf-8")
    run("init-db")
    result = run("deploy", str(copy), "--comment", "テスト")
    assert result.exit_code == 1
    assert "レーン名は「企業等」「総合政策課」「担当課」のいずれかにしてください" in result.output
    assert "comprehensive_agreement/comprehensive_agreement.bpmn:" in result.output


def test_test_processes_passes_on_the_shipped_scenarios(run):
    result = run("test-processes")
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1].endswith("passed, 0 failed")


def test_test_processes_exits_1_and_names_the_failing_step(run, tmp_path):
    copy = tmp_path / "processes"
    shutil.copytree(PROCESSES, copy)
    scenario_file = copy / "comprehensive_agreement" / "scenarios" / "organisation_concludes.json"
    scenario = json.loads(scenario_file.read_text(encoding="utf-8"))
    scenario["steps"][2]["task"] = "sign_agreement"
    scenario_file.write_text(json.dumps(scenario, ensure_ascii=False), encoding="utf-8")
    result = run("test-processes", str(copy))
    assert result.exit_code == 1
    assert "NG  comprehensive_agreement/scenarios/organisation_concludes.json" in result.output
    assert "手順3: タスク sign_agreement が実行可能になっていません" in result.output


def test_demo_prints_its_users_and_creates_cases_at_different_steps(run):
    result = run("demo")
    assert result.exit_code == 0
    assert "パスワードはすべて renkei-demo-2025" in result.output
    assert "seisaku" in result.output and "kanri" in result.output
    # case ids, not fixed numbers: signing also starts the agreement's lifecycle case (issue #5)
    assert re.search(r"案件 \d+: 締結済み", result.output) and re.search(r"案件 \d+: ⑤ 個別協議の途中", result.output)
    assert "デモデータは既にあります" in run("demo").output  # running it twice adds nothing


def test_deploy_refuses_a_symbolic_link_naming_it_and_deploys_nothing(run, tmp_path):
    copy = tmp_path / "processes"
    shutil.copytree(PROCESSES, copy)
    secret = tmp_path / "settings.json"
    secret.write_text('{"password": "hunter2"}', encoding="utf-8")
    (copy / "comprehensive_agreement" / "process.json").unlink()
    (copy / "comprehensive_agreement" / "process.json").symlink_to(secret)
    run("init-db")
    result = run("deploy", str(copy), "--comment", "テスト")
    assert result.exit_code == 1
    assert "comprehensive_agreement/process.json: シンボリックリンク" in result.output
    assert "hunter2" not in result.output
    assert "バージョン" not in result.output


def test_a_layout_only_redeploy_from_the_cli_says_so_and_the_option_makes_it_a_version(run, tmp_path):
    from tests.layout import reordered_and_nudged

    run("init-db")
    assert run("deploy", "--comment", "初回").exit_code == 0
    copy = tmp_path / "processes"
    shutil.copytree(PROCESSES, copy)
    bpmn = copy / "comprehensive_agreement" / "comprehensive_agreement.bpmn"
    bpmn.write_text(reordered_and_nudged(bpmn.read_text(encoding="utf-8")), encoding="utf-8")
    skipped = run("deploy", str(copy), "--comment", "配置の調整")
    assert skipped.exit_code == 0
    assert "comprehensive_agreement: バージョン 1（レイアウトのみの変更のため新しいバージョンにしていません）" in skipped.output
    kept = run("deploy", str(copy), "--comment", "配置の調整", "--include-layout")
    assert "comprehensive_agreement: バージョン 2（新しいバージョン）" in kept.output
