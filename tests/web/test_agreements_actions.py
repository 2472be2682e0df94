"""What 総合政策課 does from an agreement's page.

Call a 全体会議 (R-8.2); report requirements no longer met (R-9.2).

Refused input is named next to its field and changes nothing; other staff see the page without the actions.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from engine.domain.due_dates import JAPAN
from engine.domain.wareki import format_wareki
from tests.integration.test_comprehensive_flow import concluded_on
from tests.web.conftest import csrf_token
from tests.web.test_agreements_register import TODAY


@pytest.fixture
def agreement_id(engine) -> int:
    [agreement] = concluded_on(engine, TODAY.isoformat()).status().agreements
    return agreement.id


def test_a_department_sees_the_agreement_but_not_the_coordinating_divisions_actions(as_user, agreement_id):
    client = as_user("kankyo")
    assert "全体会議を招集する" not in client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    token = csrf_token(client, f"/agreements/{agreement_id}")
    response = client.post(
        f"/agreements/{agreement_id}/general-meeting",
        data={"agenda": "議題", "planned_on": "2099-01-01", "csrf_token": token},
    )
    assert response.status_code == 403


def test_calling_a_general_meeting_with_bad_input_names_each_field_next_to_it(as_user, agreement_id):
    client = as_user("seisaku")
    token = csrf_token(client, f"/agreements/{agreement_id}")
    response = client.post(
        f"/agreements/{agreement_id}/general-meeting",
        data={"agenda": "", "planned_on": "令和7年2月30日", "csrf_token": token},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="general-agenda-error"' in html and 'aria-describedby="general-agenda-error"' in html
    assert re.search(
        r'id="general-planned_on"[^>]*aria-describedby="general-planned_on-help general-planned_on-error"',
        html.replace("\n", " "),
    )
    assert "議題を入力してください" in html and "存在しない日付です" in html
    assert "招集した全体会議の記録がまだです" not in html  # nothing was called


def test_calling_a_general_meeting_gives_the_coordinating_division_a_task(as_user, agreement_id):
    client = as_user("seisaku")
    token = csrf_token(client, f"/agreements/{agreement_id}")
    planned = (TODAY + timedelta(days=14)).isoformat()
    response = client.post(
        f"/agreements/{agreement_id}/general-meeting",
        data={"agenda": "防災訓練での連携", "planned_on": planned, "csrf_token": token},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "全体会議を招集しました" in html and "全体会議（R-8.2）" in html and "防災訓練での連携" in html


def test_reporting_requirements_no_longer_met_terminates_at_once(as_user, agreement_id):
    client = as_user("seisaku")
    token = csrf_token(client, f"/agreements/{agreement_id}")
    refused = client.post(
        f"/agreements/{agreement_id}/requirements-report", data={"reason": "", "csrf_token": token}
    )
    assert refused.status_code == 422
    assert 'aria-describedby="report-items-error"' in refused.get_data(as_text=True)
    response = client.post(
        f"/agreements/{agreement_id}/requirements-report",
        follow_redirects=True,
        data={"items": ["r35_6"], "reason": "入札参加資格の取消し", "csrf_token": token},
    )
    html = response.get_data(as_text=True)
    # The 解除 is dated the day it was decided in Japan (not TODAY, fixed when the module was imported).
    assert f"{format_wareki(datetime.now(JAPAN).date())}に解除しました（R-9.2）" in html
    assert "R-3.5⑥ 市の一般競争入札の参加資格を取り消されている" in html and "総合政策課 政策 一郎" in html
    assert "報告して協定を解除する" not in html  # no more actions on a terminated agreement
