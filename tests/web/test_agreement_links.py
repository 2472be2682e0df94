"""A 担当課 is shown on 協定台帳 (and in GET /api/agreements) only the cases and tasks it may open.

Regression found by the crawl (tests/web/test_crawl.py): 環境政策課 saw links to the agreement's lifecycle
case and to the partner's 協定終了の申出 task (since then an action, not a task), and both answered it 404.
"""

from __future__ import annotations

from freezegun import freeze_time

from engine.access import SYSTEM
from engine.agreements import AgreementRegister
from tests.web.crawler import read_page
from tests.web.test_case_page_words import signed_agreement


def case_and_task_links(html: str) -> list[str]:
    return [link for link in read_page(html).links if link.startswith(("/cases/", "/tasks/"))]


def confirming_agreement(engine) -> int:
    """Signed on 2025-06-15 and looked at when 総合政策課's 更新の確認 is open (two months before expiry)."""
    with freeze_time("2025-06-15T10:00:00+09:00") as clock:
        agreement_id = signed_agreement(engine)
        clock.move_to("2027-01-31T09:00:01+09:00")
        engine.fire_due_timers()
    return agreement_id


def terminated_agreement(engine) -> int:
    """Terminated soon after signing (R-9.2): its period's case never had a task for 環境政策課."""
    with freeze_time("2025-06-15T10:00:00+09:00"):
        agreement_id = signed_agreement(engine)
        AgreementRegister(engine).report_requirements_not_met(engine.actor("seisaku"), agreement_id, ["r35_5"],
                                                              "市税の滞納が判明したため")
    return agreement_id


def opened(client, links: list[str]) -> dict[str, int]:
    return {link: client.get(link).status_code for link in links}


def test_a_department_sees_the_coordinating_divisions_open_task_but_no_link_to_it(engine, as_user):
    agreement_id = confirming_agreement(engine)
    [confirmation] = [t for t in AgreementRegister(engine).detail(SYSTEM, agreement_id).open_tasks
                      if t.step == "更新の確認（継続の意向）"]
    client = as_user("kankyo")
    detail = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert "更新の確認（継続の意向）" in detail
    links = case_and_task_links(detail)
    assert f"/tasks/{confirmation.id}" not in links
    assert opened(client, links) == {link: 200 for link in links}


def test_a_department_opens_every_case_the_register_links_for_it(engine, as_user):
    agreement_id = terminated_agreement(engine)
    period_case = AgreementRegister(engine).detail(SYSTEM, agreement_id).row.renewals[0]
    client = as_user("kankyo")
    detail = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    links = case_and_task_links(detail) + case_and_task_links(client.get("/agreements/").get_data(as_text=True))
    assert links, "the concluding case, which has the department's projects, stays a link"
    assert opened(client, links) == {link: 200 for link in links}
    assert f"/cases/{period_case.case_id}" not in links
    assert period_case.case_number in detail  # still named, as text


def test_the_api_gives_a_department_only_case_ids_it_may_open(engine, as_user):
    terminated_agreement(engine)
    client = as_user("kankyo")
    [agreement] = client.get("/api/agreements").get_json()["agreements"]
    ids = [agreement["case_id"], *(p["case_id"] for p in agreement["projects"]),
           *(p["case_id"] for p in agreement["renewals"])]
    shown = [case_id for case_id in ids if case_id is not None]
    assert shown and None in ids
    assert {client.get(f"/api/cases/{case_id}").status_code for case_id in shown} == {200}


def test_the_coordinating_division_still_gets_every_link(engine, as_user):
    agreement_id = confirming_agreement(engine)  # a task of its own is open (the partner's 申出 is no task)
    detail = as_user("seisaku").get(f"/agreements/{agreement_id}").get_data(as_text=True)
    lifecycle = AgreementRegister(engine).detail(SYSTEM, agreement_id)
    assert f"/cases/{lifecycle.lifecycle_case_id}" in case_and_task_links(detail)
    assert any(link.startswith("/tasks/") for link in case_and_task_links(detail))
