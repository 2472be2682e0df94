"""⑦ sent back by the 企業等 (R-5.7): its comment heads 総合政策課's re-draft page, its inbox row and the task JSON."""

from __future__ import annotations

from engine.accounts.api_tokens import ApiTokens
from tests.integration.test_revision_requests import DRAFT, at_draft, revise
from tests.web.test_api_contract import conforms

COMMENT = "第3条の期間を明記してください"


def test_the_redraft_page_opens_with_the_partners_request_above_the_form(as_user, engine):
    flow = at_draft(engine)
    flow = revise(flow.complete("draft_agreement", {**DRAFT, "planned_signing_date": flow.today()}), COMMENT)
    task = flow.task("draft_agreement")
    client = as_user("seisaku")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "⑦ 協定書の内容の確認で修正の依頼がありました（第2回の協議）" in page
    assert page.index(COMMENT) < page.index("data-task-form")
    inbox = client.get("/inbox/group").get_data(as_text=True)
    assert f"修正依頼</span> 第2回：{COMMENT}" in inbox
    token = {"Authorization": f"Bearer {ApiTokens(engine).create('seisaku', 'テスト').token}"}
    detail = conforms(client.get(f"/api/tasks/{task.id}", headers=token))
    assert [(r["round"], r["comment"]) for r in detail["revision_requests"]] == [(2, COMMENT)]


def test_a_first_draft_has_no_request_to_show(as_user, engine):
    flow = at_draft(engine)
    page = as_user("seisaku").get(f"/tasks/{flow.task('draft_agreement').id}").get_data(as_text=True)
    assert "修正の依頼がありました" not in page and "data-revision-request" not in page
