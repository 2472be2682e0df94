"""Issue #13 item 4 in real Chromium: the compare page draws the newer diagram with bpmn-js's NavigatedViewer
and colours what changed (canvas markers from a static stylesheet), under the CSP, without a violation."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from engine.library.drafts import DraftService
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_content_security_policy import violations, watch
from tests.integration.redrawn import BPMN, PROCESS
from tests.layout import reordered_and_nudged


def changed(text: str) -> str:
    """A renamed ②, a changed script and condition, and ① drawn elsewhere."""
    text = text.replace('name="② 連携事業の実績を整理"', 'name="② 連携実績の整理"')
    text = text.replace("for pid in partnership_projects}", "for pid in sorted(partnership_projects)}")
    text = text.replace('proposal_response == "revise"', 'proposal_response in ("revise", "rework")')
    return reordered_and_nudged(text, nudged="propose")


def test_the_compare_page_colours_changed_and_moved_elements_on_the_diagram(page, live_server):
    engine = live_server.engine
    drafts, owner = DraftService(engine), engine.actor("process")
    draft = drafts.create(owner, PROCESS, "②の名称・集計・条件")
    drafts.save_file(owner, draft, BPMN, changed(drafts.file(owner, draft, BPMN)))
    assert drafts.deploy(owner, draft, "②の名称・集計・条件を変更").version == 2
    messages = watch(page)

    sign_in(page, live_server, "process")
    page.goto(f"{live_server.url}/processes/")
    page.get_by_role("link", name=re.compile(r"前の版と比較\s*（バージョン 1 → 2）")).click()
    expect(page.locator("body[data-visual-diff=ready]")).to_have_count(1)
    changed_ids = page.locator(".djs-element.diff-changed").evaluate_all(
        "nodes => nodes.map(n => n.dataset.elementId).sort()"
    )
    assert "record_partnership" in changed_ids and "count_partnership_projects" in changed_ids
    assert len(changed_ids) == 3  # and the flow whose condition changed
    assert page.locator(".djs-element.diff-layout").evaluate_all("n => n.map(e => e.dataset.elementId)") == [
        "propose"
    ]
    renamed = '.djs-element.diff-changed[data-element-id="record_partnership"]'
    stroke = page.locator(f"{renamed} .djs-visual > rect")
    assert stroke.evaluate("r => getComputedStyle(r).stroke") == "rgb(217, 122, 0)"
    expect(page.get_by_role("list", name="凡例").get_by_role("listitem")).to_have_text(
        ["追加", "変更", re.compile("^削除"), "配置のみ変更"]
    )
    expect(page.locator(".line-diff__added")).to_contain_text("sorted(partnership_projects)")
    page.locator("#visual").scroll_into_view_if_needed()
    screenshot(page, "visual-diff")
    assert violations(page) == []
    assert [m for m in messages if "Content Security Policy" in m or "pageerror" in m] == []
