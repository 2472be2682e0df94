"""Issue #6 in real Chromium: a process owner redraws a step in the browser modeler and deploys it.

The owner renames ② and gives it a new form, saves the draft, sees the validation and the dry run (the
existing scenarios now fail at ②, so the deploy needs a written reason), deploys, and 総合政策課 finds the
renamed step in its inbox for a new case.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, sign_in, sign_out
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow

NEW_NAME = "② 過去の連携実績の整理（改訂）"


def open_modeler(page: Page) -> None:
    # the file name is read after the link text; "." stands for "/", which a Playwright pattern cannot hold
    page.get_by_role(
        "link", name=re.compile(r"^編集\s*（comprehensive_agreement.comprehensive_agreement\.bpmn）$")
    ).click()
    expect(page.locator("#canvas .djs-container")).to_be_visible()
    expect(page.locator("#element-picker option")).not_to_have_count(1)


def test_a_process_owner_renames_a_step_gives_it_a_new_form_and_deploys_it(page, live_server):
    sign_in(page, live_server, "process")
    page.get_by_role("link", name="プロセス定義").click()
    expect(page.get_by_role("heading", name="プロセス定義", level=1)).to_be_visible()
    screenshot(page, "process-library")

    comprehensive = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("^包括連携協定の締結"))
    )
    comprehensive.get_by_label("新しい下書きの名前（何を変えるか）").fill("②の名称とフォームを変更")
    comprehensive.get_by_role("button", name="現行バージョンから下書きを作成").click()
    expect(page.get_by_role("heading", name="下書き「②の名称とフォームを変更」")).to_be_visible()

    page.get_by_label("新しいフォームの ID").fill("partnership_summary")
    page.get_by_role("button", name="フォームを追加").click()
    expect(page.get_by_role("heading", name="フォームの編集")).to_be_visible()
    expect(page.locator("#form-editor .fjs-editor-container")).to_be_visible()
    page.get_by_role("button", name="下書きを保存").click()
    expect(page.locator("#save-status")).to_contain_text("下書きを保存しました")
    page.get_by_role("link", name="検証・試行・デプロイへ").click()

    open_modeler(page)
    page.get_by_label("要素を選ぶ").select_option(label="② 連携事業の実績を整理 ・ record_partnership")
    properties = page.locator("#properties")
    properties.get_by_label("名前").fill(NEW_NAME)
    properties.get_by_label("名前").press("Tab")
    properties.get_by_label("フォーム（camunda:formRef）").select_option("partnership_summary")
    expect(page.locator("#canvas")).to_contain_text("過去の連携実績の整理")
    screenshot(page, "process-modeler")
    page.get_by_role("button", name="下書きを保存").click()
    expect(page.locator("#save-status")).to_contain_text("下書きを保存しました")
    expect(page.locator("#validation-result")).to_contain_text("問題は見つかりませんでした")
    # the shipped diagram names its modeler (modeler:executionPlatform): a note, listed apart, never a problem
    expect(page.locator("#validation-result")).to_contain_text("参考（デプロイは妨げません）")

    page.get_by_role("link", name="検証・試行・デプロイへ").click()
    renamed = page.get_by_role("region", name=re.compile("^4. 現行バージョン")).locator("tr", has_text="名前")
    expect(renamed.locator("td").first).to_have_text("② 連携事業の実績を整理")  # 変更前
    expect(renamed.locator("td").last).to_have_text(NEW_NAME)  # 変更後
    page.get_by_role("button", name="シナリオを試行").click()
    dry_run = page.locator(".dry-run")
    expect(dry_run).to_contain_text("件失敗")
    expect(dry_run).to_contain_text("手順1 ① 連携事業の提案: 完了")
    screenshot(page, "process-draft-dry-run")

    expect(page.get_by_label("変更内容の説明")).to_have_value("")  # the owner writes it; nothing is made up
    page.get_by_role("button", name="バージョン 2 としてデプロイ").click()
    expect(page.locator("#comment-error")).to_contain_text("変更内容の説明（このバージョンで何を変えたか）を入力してください")
    page.get_by_label("変更内容の説明").fill("②の名称と様式を見直し")
    page.get_by_role("button", name="バージョン 2 としてデプロイ").click()
    expect(page.locator("#override_reason-error")).to_contain_text(
        "失敗したままデプロイする場合は、その理由を入力してください"
    )
    expect(page.get_by_label("シナリオが失敗したままデプロイする理由")).to_have_attribute(
        "aria-describedby", re.compile("override_reason-error")
    )
    page.get_by_label("シナリオが失敗したままデプロイする理由").fill(
        "②の新しい様式に合わせたシナリオは次の版で直す"
    )
    page.get_by_role("button", name="バージョン 2 としてデプロイ").click()
    expect(page.get_by_role("status").first).to_contain_text("バージョン 2 としてデプロイしました")

    Flow(live_server.engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    sign_out(page)
    sign_in(page, live_server, "seisaku")
    page.goto(f"{live_server.url}/inbox/")
    expect(page.locator("main")).to_contain_text(NEW_NAME)
    screenshot(page, "inbox-renamed-step")
