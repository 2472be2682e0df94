"""⑦ (R-5.7) and an individual agreement's terms (R-2) go back and forth: each time the 企業等 asks for a
revision, its comment heads the city's next round of the draft, in the task page and the inbox."""

from __future__ import annotations

from engine.cases import Inbox, TaskPages
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow, project

DRAFT = {"agreement_title": "包括連携協定", "agreement_terms": "協定書の内容", "planned_signing_date": "2025-10-01"}


def at_draft(engine) -> Flow:
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    return flow.judge()


def revise(flow: Flow, comment: str) -> Flow:
    return flow.complete("confirm_agreement", {"agreement_response": "revise", "agreement_response_comment": comment})


def test_each_round_of_the_draft_is_headed_by_the_comment_that_sent_it_back(engine):
    flow = at_draft(engine)
    seisaku = engine.actor("seisaku")
    first = flow.task("draft_agreement")
    assert TaskPages(engine).page(seisaku, first.id).revisions == []  # the first draft answers nobody

    revise(flow.complete("draft_agreement", DRAFT), "第3条の期間を明記してください")
    second = TaskPages(engine).page(seisaku, flow.task("draft_agreement").id)
    assert [(r.round, r.step, r.comment, r.person) for r in second.revisions] == [
        (2, "⑦ 協定書の内容の確認", "第3条の期間を明記してください", "湘南 花子（湘南サンプル株式会社）")]
    assert [(a.label, a.value) for a in second.revision.answers][0] == ("回答", "修正を依頼する")

    revise(flow.complete("draft_agreement", DRAFT), "署名欄の役職名を直してください")
    third = TaskPages(engine).page(seisaku, flow.task("draft_agreement").id)
    assert [(r.round, r.comment) for r in third.revisions] == [
        (2, "第3条の期間を明記してください"), (3, "署名欄の役職名を直してください")]
    assert third.revision.comment == "署名欄の役職名を直してください"

    # a round already done still shows the request it answered, not a later one
    assert [r.round for r in TaskPages(engine).page(seisaku, second.detail.summary.id).revisions] == [2]
    assert TaskPages(engine).page(seisaku, first.id).revisions == []


def test_the_inbox_row_of_a_returned_draft_names_the_round_and_the_comment(engine):
    flow = at_draft(engine)
    seisaku = engine.actor("seisaku")
    revise(flow.complete("draft_agreement", DRAFT), "第3条の期間を明記してください")
    page = Inbox(engine).page(seisaku, "group")
    returned = flow.task("draft_agreement").id
    assert {task_id: (r.round, r.comment) for task_id, r in page.revisions.items()} == {
        returned: (2, "第3条の期間を明記してください")}


def test_an_individual_agreements_terms_are_headed_by_that_projects_request_only(engine):
    two = [project("見守り", "1", department="kodomo"), project("海岸清掃", "5", department="kankyo")]
    flow = Flow(engine).start().propose(two).record_partnership()
    flow.assign_departments(two).consult_feasibility()
    for key in ("P1", "P2"):
        flow.decide(key)
    flow.judge(necessity="not_conclude", necessity_reason="分類数が要件を満たさないため")
    terms = {"individual_kind": "specific_project", "roles": "市: 周知、企業: 運営", "costs": "各自負担",
             "budget_required": "no"}
    for key in ("P1", "P2"):
        flow.complete("negotiate_terms", terms, project_key=key)
    flow.complete("confirm_terms", {"individual_response": "revise", "individual_response_comment": "費用負担を再協議したい"},
                  project_key="P2")
    flow.complete("confirm_terms", {"individual_response": "confirm"}, project_key="P1")
    kankyo = engine.actor("kankyo")
    again = TaskPages(engine).page(kankyo, flow.task("negotiate_terms", "P2").id)
    assert [(r.round, r.step, r.comment) for r in again.revisions] == [
        (2, "個別協定の内容の確認", "費用負担を再協議したい")]
    assert again.detail.data["costs"] == "各自負担"  # the terms being revised are still there to edit
