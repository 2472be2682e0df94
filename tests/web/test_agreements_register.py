"""協定台帳 in the browser's terms: the list, search, exports, one agreement and the JSON API.

One agreement signed today (Japan time), so its first period and notice deadline are current; these tests only
read, so they share one database (the actions that change an agreement are in test_agreements_actions.py).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from engine.domain.validity import initial_period
from engine.domain.wareki import format_wareki
from tests.conftest import demo_engine
from tests.integration.test_comprehensive_flow import concluded_on
from tests.web.test_api_contract import conforms

TODAY = datetime.now(timezone(timedelta(hours=9))).date()
PERIOD = initial_period(TODAY)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = demo_engine(f"sqlite:///{tmp_path_factory.mktemp('register') / 'web.sqlite3'}")
    yield engine
    engine.database.dispose()


@pytest.fixture(scope="module")
def agreement_id(engine) -> int:
    [agreement] = concluded_on(engine, TODAY.isoformat()).status().agreements
    return agreement.id


def test_the_register_shows_the_current_period_and_notice_deadline_in_reiwa_and_iso(as_user, agreement_id):
    html = as_user("kankyo").get("/agreements/").get_data(as_text=True)
    assert "湘南サンプル株式会社" in html and "第1期" in html
    for day in (PERIOD.valid_from, PERIOD.valid_until, PERIOD.notice_deadline):
        assert format_wareki(day) in html and day.isoformat() in html
    assert "海岸清掃ボランティア" in html and "環境政策課" in html and "⑤ 環境・自然" in html
    assert f'href="/agreements/{agreement_id}"' in html and 'href="/cases/' in html


def test_search_by_word_status_and_department_is_in_the_query_string(as_user, agreement_id):
    client = as_user("seisaku")
    assert "湘南サンプル株式会社" in client.get(
        "/agreements/?q=海岸清掃&department=kankyo&status=active"
    ).get_data(as_text=True)
    empty = client.get("/agreements/?q=存在しない語").get_data(as_text=True)
    assert "条件に合う協定はありません" in empty
    assert "条件に合う協定はありません" in client.get("/agreements/?department=bosai").get_data(as_text=True)
    assert "条件に合う協定はありません" in client.get("/agreements/?status=terminated").get_data(as_text=True)


def test_a_partner_sees_only_its_own_agreements(as_user, agreement_id):
    client = as_user("mirai")
    assert "湘南サンプル株式会社" not in client.get("/agreements/").get_data(as_text=True)
    assert client.get(f"/agreements/{agreement_id}").status_code == 404
    assert client.get(f"/api/agreements/{agreement_id}").status_code == 404


def test_the_csv_export_opens_in_excel_with_dates_in_both_forms(as_user, agreement_id):
    response = as_user("seisaku").get("/agreements/export.csv?q=湘南")
    assert response.status_code == 200 and response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, row = rows[0], rows[1]
    assert header[:6] == ["協定ID", "種別", "協定名", "企業等", "締結日", "締結日（ISO）"]
    values = dict(zip(header, row, strict=True))
    assert (values["申出期限"], values["申出期限（ISO）"]) == (
        format_wareki(PERIOD.notice_deadline),
        PERIOD.notice_deadline.isoformat(),
    )
    assert (values["状態"], values["期"]) == ("有効", "1")
    assert "海岸清掃ボランティア（⑤・環境政策課）" in values["連携事業（分類・担当課）"].splitlines()


def test_the_xlsx_export_has_the_same_columns(as_user, agreement_id):
    response = as_user("seisaku").get("/agreements/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "協定台帳"
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["満了（ISO）"] == PERIOD.valid_until.isoformat() and row["企業等"] == "湘南サンプル株式会社"


def test_an_agreement_page_shows_the_city_what_happens_next_and_its_actions(as_user, agreement_id):
    html = as_user("seisaku").get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert f"申出期限（{format_wareki(PERIOD.notice_deadline)}）までにどちらからも申出がなければ" in html
    assert "協定終了の申出" not in html  # the partner's action, offered on its own view of the page only
    assert "有効期間と更新の履歴" in html and "全体会議を招集する（R-8.2）" in html


def test_the_api_lists_agreements_with_iso_dates_status_and_renewal_history(as_user, agreement_id):
    body = conforms(as_user("seisaku").get("/api/agreements"))
    [agreement] = body["agreements"]
    assert (
        agreement["valid_from"],
        agreement["valid_until"],
        agreement["notice_deadline"],
        agreement["status"],
    ) == (
        PERIOD.valid_from.isoformat(),
        PERIOD.valid_until.isoformat(),
        PERIOD.notice_deadline.isoformat(),
        "active",
    )
    assert [(r["number"], r["valid_until"], r["outcome"]) for r in agreement["renewals"]] == [
        (1, PERIOD.valid_until.isoformat(), None)
    ]


def test_the_api_gives_one_agreement_with_its_history_and_404_for_unknown(as_user, agreement_id):
    client = as_user("seisaku")
    body = conforms(client.get(f"/api/agreements/{agreement_id}"))
    assert body["agreement"]["termination"] is None and body["agreement"]["notices"] == []
    assert conforms(client.get("/api/agreements/999999"))["error"]["code"] == "not_found"
    assert conforms(client.get("/api/agreements?status=ended"))["total"] == 0
