"""Issue #14 item 2 in real Chromium: every kind of page works under the Content-Security-Policy (no inline
scripts allowed) and the browser reports no violation: the inbox, the board, a task form, the live diagram,
the process map, and the BPMN, form and decision table editors (bpmn-js, form-js, dmn-js)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from engine.library.drafts import DraftService
from tests.browser.conftest import sign_in, sign_out
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.integration.redrawn import PROCESS

LISTEN = """window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


def watch(page: Page) -> list[str]:
    """Console errors and warnings of every page this tab opens, CSP reports among them."""
    messages: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.add_init_script(LISTEN)
    return messages


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__violations")


def test_pages_diagrams_forms_and_editors_run_under_the_policy_without_a_violation(page, live_server):
    engine = live_server.engine
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    draft = DraftService(engine).create(engine.actor("process"), PROCESS, "CSP の確認")
    messages = watch(page)

    sign_in(page, live_server, "seisaku")
    checks = {
        "/inbox/group": lambda: expect(page.get_by_role("row").filter(has_text="② 連携事業の実績を整理"))
        .to_be_visible(),
        "/board/": lambda: expect(page.get_by_role("heading", level=1)).to_be_visible(),
        f"/tasks/{flow.task('record_partnership').id}": lambda: expect(
            page.get_by_role("heading", level=1)).to_have_text("② 連携事業の実績を整理"),
        f"/cases/{flow.case_id}": lambda: expect(page.locator(".djs-container svg").first).to_be_visible(),
        f"/board/processes/{PROCESS}": lambda: expect(page.locator(".djs-container svg").first)
        .to_be_visible(),
    }
    seen = {}
    for path, check in checks.items():
        page.goto(f"{live_server.url}{path}")
        check()
        seen[path] = violations(page)
    page.goto(f"{live_server.url}/tasks/{flow.task('record_partnership').id}")  # the form's own script runs
    page.get_by_role("button", name=re.compile("担当する")).click()
    page.get_by_role("button", name="＋ 過去の連携実績の行を追加").click()
    expect(page.get_by_label("実施年度")).to_be_focused()
    seen["task form, row added"] = violations(page)
    sign_out(page)

    sign_in(page, live_server, "process")
    editors = {
        f"modeler?file={PROCESS}/{PROCESS}.bpmn": lambda: expect(
            page.locator("#element-picker option")).not_to_have_count(1),
        f"form?file={PROCESS}/forms/proposal.form": lambda: expect(
            page.locator("#form-editor .fjs-editor-container")).to_contain_text("連携事業"),
        f"decision?file={PROCESS}/eligibility.dmn": lambda: expect(
            page.locator("#decision-editor .tjs-table")).to_be_visible(),
    }
    for editor, check in editors.items():
        page.goto(f"{live_server.url}/processes/drafts/{draft}/{editor}")
        check()
        seen[editor] = violations(page)

    assert {path: found for path, found in seen.items() if found} == {}
    assert [m for m in messages if "Content Security Policy" in m or "pageerror" in m] == []
