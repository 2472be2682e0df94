"""Issue #13 through ``renkei deploy``: every row of tests/refused_diagrams.py is refused (exit 1, the problem
named) and nothing is deployed; the shipped folder still deploys and passes ``renkei test-processes``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from engine.cli import cli
from tests.conftest import PROCESSES
from tests.refused_diagrams import BROKEN, Broken, broken_files


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    database = tmp_path_factory.mktemp("cli") / "cli.sqlite3"
    environment = {"RENKEI_DATABASE_URL": f"sqlite:///{database}", "RENKEI_PROCESSES_PATH": str(PROCESSES)}

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=environment)

    assert invoke("init-db").exit_code == 0
    return invoke


@pytest.mark.parametrize("row", BROKEN, ids=[row.id for row in BROKEN])
def test_renkei_deploy_refuses_the_folder_naming_the_problem(run, tmp_path, row: Broken):
    for path, text in broken_files(row).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    result = run("deploy", str(tmp_path), "--comment", "壊れた図の確認")
    assert result.exit_code == 1
    for fragment in row.expected:
        assert fragment in result.output
    assert "（新しいバージョン）" not in result.output


def test_the_shipped_folder_still_deploys_and_its_scenarios_pass(run):
    assert run("deploy", "--comment", "初回").exit_code == 0
    assert run("test-processes").exit_code == 0
