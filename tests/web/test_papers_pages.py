"""The 実績 report page, the calendar page and its feed URL, and the templates page, as each role meets them."""

from __future__ import annotations

import io
import re

from icalendar import Calendar
from openpyxl import load_workbook

from tests.integration.flow import Flow, project
from tests.web.conftest import csrf_token
from tests.web.test_agreement_papers import SCAN, sign_out, upload


def test_a_year_that_is_not_a_number_is_named_at_its_field(as_user):
    response = as_user("seisaku").get("/reports/results?year=令和7")
    assert response.status_code == 422
    assert 'id="results-year-error">年度は西暦の数字で指定してください（例: 2025）' in response.get_data(as_text=True)


def test_the_report_is_for_city_staff(as_user, client):
    assert as_user("kankyo").get("/reports/results/2025.xlsx").status_code == 200
    sign_out(client)
    assert as_user("shonan").get("/reports/results/2025.xlsx").status_code == 403
    sheet = load_workbook(io.BytesIO(as_user("kanri").get("/reports/results/2025.xlsx").data)).active
    assert sheet.cell(1, 1).value == "年度"


def test_a_person_subscribes_to_the_feed_without_signing_in_and_revokes_it(as_user, client):
    staff = as_user("kankyo")
    response = staff.post("/calendar", data={"csrf_token": csrf_token(staff, "/calendar")})
    shown = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)" aria-label="カレンダーのURL"',
                      response.get_data(as_text=True))
    assert shown, "the feed URL is shown once after issuing it"
    path = shown.group(1)
    sign_out(client)
    feed = client.get(path)  # a calendar application: no session
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("text/calendar")
    assert Calendar.from_ical(feed.data)["x-wr-calname"] == "Renkei（環境政策課 職員）"
    staff = as_user("kankyo")
    staff.post("/calendar/revoke", data={"csrf_token": csrf_token(staff, "/calendar")})
    assert client.get(path).status_code == 404


def test_only_process_owners_and_readers_of_the_library_see_the_templates(as_user, client):
    assert as_user("process").get("/processes/agreement-templates").status_code == 200
    sign_out(client)
    assert as_user("kanri").get("/processes/agreement-templates/comprehensive.docx").status_code == 200
    sign_out(client)
    assert as_user("seisaku").get("/processes/agreement-templates").status_code == 403


def test_the_department_of_an_individual_agreement_files_its_scan_and_another_department_cannot(engine, as_user,
                                                                                               client):
    two = [project("見守り", "1", department="kodomo"), project("海岸清掃", "5", department="kankyo")]
    flow = Flow(engine).start().propose(two).record_partnership()
    flow.assign_departments(two).consult_feasibility()
    for key in ("P1", "P2"):
        flow.decide(key)
    flow.judge(necessity="not_conclude", necessity_reason="分類数が要件を満たさないため")
    flow.complete("negotiate_terms", {"individual_kind": "specific_project", "roles": "役割", "costs": "各自負担",
                                      "budget_required": "no"}, project_key="P2")
    flow.complete("confirm_terms", {"individual_response": "confirm"}, project_key="P2")
    flow.complete("decide_individual", {"individual_decision": "conclude", "individual_signed_on": flow.today(),
                                        "individual_decision_reason": "合意"}, project_key="P2")
    [agreement] = flow.status().agreements
    assert upload(as_user("kodomo"), agreement.id, SCAN).status_code == 403
    sign_out(client)
    assert upload(as_user("kankyo"), agreement.id, SCAN).status_code == 302
