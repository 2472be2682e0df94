"""R-3 decided by the engine, in real Chromium: ⑥ of an unverified organisation says so and leads to its
verification, and the register marks an agreement concluded by a principle exception with its reason."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from engine.persistence.models import Organisation
from tests.browser.conftest import screenshot, sign_in
from tests.integration.flow import Flow, project

TODAY = datetime.now(timezone(timedelta(hours=9))).date().isoformat()
TWO_IN_TWO = [project("見守りアプリ", "1", department="kodomo"), project("海岸清掃", "5", department="kankyo")]
REASON = "子育てと環境の両分野で全市的な展開が予定され、効果が大きいため"


def at_step_6(engine) -> Flow:
    flow = Flow(engine).start().propose(TWO_IN_TWO).record_partnership()
    flow.assign_departments(TWO_IN_TWO).consult_feasibility()
    return flow.decide("P1").decide("P2")


def test_an_unverified_organisations_decision_page_leads_to_its_verification(page, live_server):
    engine = live_server.engine
    with engine.unit_of_work() as session:
        session.get(Organisation, engine.actor("shonan").organisation_id).verified = False
    task = at_step_6(engine).task("judge_necessity")
    sign_in(page, live_server, "seisaku")
    page.goto(f"{live_server.url}/tasks/{task.id}")
    notice = page.locator("#unverified-organisation")
    expect(notice).to_contain_text("団体の確認")
    screenshot(page, "conclusion-unverified-decision")
    notice.get_by_role("link").click()
    page.get_by_role("button", name="確認済みにする").click()
    page.goto(f"{live_server.url}/tasks/{task.id}")
    expect(page.locator("#unverified-organisation")).to_have_count(0)


def test_the_register_marks_an_agreement_concluded_by_exception(page, live_server):
    flow = at_step_6(live_server.engine)
    flow.judge(necessity="conclude", principle_exception=True, principle_exception_reason=REASON)
    flow.agree_and_sign(TODAY)
    sign_in(page, live_server, "seisaku")
    page.goto(f"{live_server.url}/agreements/")
    row = page.get_by_role("row").filter(has_text="湘南サンプル株式会社")
    expect(row).to_contain_text(f"例外により締結（理由：{REASON}）")
    screenshot(page, "conclusion-register-exception")
