"""既存協定の登録 in the browser's terms (issue #12 item 5): 総合政策課 enters an agreement signed before the system
from 協定台帳; field errors come back next to their fields with nothing saved; 企業等 and 担当課 cannot; the
agreement then reads like any other, marked 既存協定の登録, in the register, its page, the API and the public
register; and the register's own CSV export goes back in through ``renkei agreements import``."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from engine.access import SYSTEM
from engine.agreements.service import AgreementRegister
from engine.cli import cli
from engine.domain.validity import periods_through
from engine.domain.wareki import format_wareki
from tests.conftest import PROCESSES, demo_engine
from tests.integration.test_comprehensive_flow import concluded_on
from tests.web.conftest import csrf_token
from tests.web.test_api_contract import conforms

TODAY = datetime.now(timezone(timedelta(hours=9))).date()
SIGNED = TODAY.replace(year=TODAY.year - 3, month=6, day=1)
PERIODS = periods_through(SIGNED, TODAY)
FORM = {
    "organisation_id": "", "organisation_name": "茅ヶ崎みらい商会", "title": "茅ヶ崎みらい包括連携協定",
    "signed_on": SIGNED.isoformat(),
    "projects-0-title": "海岸清掃", "projects-0-category": "5", "projects-0-department": "kankyo",
    "projects-1-title": "子ども食堂", "projects-1-category": "1", "projects-1-department": "kodomo",
    "projects-2-title": "防災訓練", "projects-2-category": "6", "projects-2-department": "bosai",
}


def post(client, form: dict):
    return client.post("/agreements/register", data={**form, "csrf_token": csrf_token(client, "/agreements/register")})


def test_the_coordinating_division_finds_the_action_in_the_register_and_registers_an_agreement(as_user, engine):
    client = as_user("seisaku")
    assert 'href="/agreements/register"' in client.get("/agreements/").get_data(as_text=True)
    response = post(client, FORM)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "既存協定の登録" in page and "登録前の期間" in page
    assert f"第{len(PERIODS)}期" in client.get("/agreements/").get_data(as_text=True)
    [row] = conforms(client.get("/api/agreements"))["agreements"]
    assert (row["registered"], row["case_id"], row["signed_on"], row["valid_from"], row["period_number"]) == (
        True, None, SIGNED.isoformat(), PERIODS[-1].valid_from.isoformat(), len(PERIODS))
    assert [(p["title"], p["category"], p["department"]) for p in row["projects"]] == [
        ("海岸清掃", "5", "環境政策課"), ("子ども食堂", "1", "こども育成相談課"), ("防災訓練", "6", "防災対策課")]
    public = client.get("/public/agreements").get_data(as_text=True)
    assert "茅ヶ崎みらい包括連携協定" in public and "既存協定の登録" in public


def test_errors_come_back_next_to_their_fields_and_nothing_is_saved(as_user, engine):
    client = as_user("seisaku")
    tomorrow = TODAY + timedelta(days=1)
    response = post(client, {**FORM, "signed_on": tomorrow.isoformat(), "projects-1-department": "",
                             "projects-2-category": "9", "notices-0-given_on": "2020-02-30"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"締結日は今日（{format_wareki(TODAY)}）以前の日付を入力してください" in html
    assert 'id="f-projects-1-department-error"' in html and "担当課を選択してください" in html
    assert "分類「9」はR-4の7分類にありません" in html and "申出日: 存在しない日付です" in html
    assert 'value="茅ヶ崎みらい包括連携協定"' in html  # what was typed stays
    assert AgreementRegister(engine).search(SYSTEM) == []
    assert "茅ヶ崎みらい商会" not in client.get("/admin/organisations").get_data(as_text=True)


def test_an_administrator_may_register_too(as_user, engine):
    client = as_user("admin")
    assert 'href="/agreements/register"' in client.get("/agreements/").get_data(as_text=True)
    assert "登録済みの企業等から選ぶ" in client.get("/agreements/register").get_data(as_text=True)


@pytest.mark.parametrize("user", ["shonan", "kankyo", "kanri"])
def test_partners_departments_and_the_read_only_manager_cannot_register(as_user, engine, user):
    client = as_user(user)
    assert 'href="/agreements/register"' not in client.get("/agreements/").get_data(as_text=True)
    assert client.get("/agreements/register").status_code == 403
    token = csrf_token(client, "/agreements/")
    assert client.post("/agreements/register", data={**FORM, "csrf_token": token}).status_code == 403
    assert AgreementRegister(engine).search(SYSTEM) == []


def _export(client) -> bytes:
    response = client.get("/agreements/export.csv")
    assert response.status_code == 200
    return response.data


def _rows(engine):
    return sorted((r.title, r.organisation_name, r.signed_on, r.valid_from, r.valid_until, r.period_number,
                   r.status, [(p.title, p.category, p.department_name) for p in r.projects])
                  for r in AgreementRegister(engine).search(SYSTEM))


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """Another city database with the same departments, reached by the ``renkei`` command."""
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    other = demo_engine(url)
    monkeypatch.setenv("RENKEI_DATABASE_URL", url)
    monkeypatch.setenv("RENKEI_PROCESSES_PATH", str(PROCESSES))
    yield other
    other.database.dispose()


def test_the_registers_csv_export_imports_into_another_database_as_the_same_agreements(
        as_user, engine, elsewhere, tmp_path):
    client = as_user("seisaku")
    assert post(client, FORM).status_code == 302
    assert post(client, {**FORM, "title": "湘南の海の協定", "organisation_id": "", "organisation_name": "湘南サンプル株式会社",
                         "signed_on": TODAY.isoformat(), "notices-0-given_on": TODAY.isoformat()}).status_code == 302
    concluded_on(engine, TODAY.isoformat())  # and one signed through its case in this system
    exported = tmp_path / "協定台帳.csv"
    exported.write_bytes(_export(client))
    result = CliRunner().invoke(cli, ["agreements", "import", str(exported)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "3件の協定を登録しました" in result.output
    imported = _rows(elsewhere)
    assert len(imported) == 3 and imported == _rows(engine)
    statuses = {row[0]: row[6] for row in imported}
    assert statuses["湘南の海の協定"] == "ending"  # the notice given today came along: it ends at this expiry


def test_an_import_without_a_bom_with_a_bad_row_names_its_line_and_column_and_imports_nothing(
        as_user, engine, elsewhere, tmp_path):
    client = as_user("seisaku")
    assert post(client, FORM).status_code == 302
    text = _export(client).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    good = dict(zip(rows[0], rows[1], strict=True))
    bad = {**good, "協定名": "もう一つの協定", "締結日（ISO）": (TODAY + timedelta(days=3)).isoformat()}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([rows[0], rows[1], [bad[h] for h in rows[0]]])
    path = tmp_path / "no-bom.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    result = CliRunner().invoke(cli, ["agreements", "import", str(path)])
    assert result.exit_code == 1
    assert "行目「締結日（ISO）」: 締結日は今日" in result.output and "何も登録していません" in result.output
    assert AgreementRegister(elsewhere).search(SYSTEM) == []
    again = CliRunner().invoke(cli, ["agreements", "import", str(path.with_name("missing.csv"))])
    assert again.exit_code == 2
