"""Issue #13 item 4: any two versions of a process, and a draft against the current one, compared on a page
that shows each changed property old → new and carries the data of the visual diff."""

from __future__ import annotations

import json
import re

from engine.library.drafts import DraftService
from tests.layout import reordered_and_nudged
from tests.web.test_processes_pages import BPMN, PROCESS, new_draft


def deploy_changed(engine, change, comment: str = "変更") -> int:
    drafts, owner = DraftService(engine), engine.actor("process")
    draft = new_draft(engine)
    drafts.save_file(owner, draft, BPMN, change(drafts.file(owner, draft, BPMN)))
    return drafts.deploy(owner, draft, comment).version


def visual_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="visual-diff-data">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def renamed(text: str) -> str:
    return text.replace('name="② 連携事業の実績を整理"', 'name="② 連携実績の整理"')


def rescripted(text: str) -> str:
    return text.replace("for pid in partnership_projects}", "for pid in sorted(partnership_projects)}")


def test_two_chosen_versions_are_compared_with_old_and_new_values(as_user, engine):
    deploy_changed(engine, renamed)
    deploy_changed(engine, rescripted)
    client = as_user("kanri")  # a manager reads, as reviewers do
    page = client.get(f"/processes/{PROCESS}/compare?from=1&to=3").get_data(as_text=True)
    assert "<strong>バージョン 1</strong> → <strong>バージョン 3</strong>" in page
    assert '<td><code class="diff-value">② 連携事業の実績を整理</code></td>' in page
    assert '<td><code class="diff-value">② 連携実績の整理</code></td>' in page
    assert '<span class="line-diff__removed">- fallback_projects' in page
    assert '<span class="line-diff__added">+ fallback_projects = {pid: project_map[pid] for pid in sorted(' \
        in page
    markers = visual_data(page)["markers"]
    assert set(markers["changed"]) == {"record_partnership", "count_partnership_projects"}
    assert '<option value="1" selected>バージョン 1</option>' in page


def test_without_a_choice_the_current_version_is_compared_with_the_one_before(as_user, engine):
    deploy_changed(engine, renamed)
    deploy_changed(engine, rescripted)
    page = as_user("process").get(f"/processes/{PROCESS}/compare").get_data(as_text=True)
    assert "<strong>バージョン 2</strong> → <strong>バージョン 3</strong>" in page
    assert "② 連携事業の実績を整理" not in page


def test_a_draft_is_compared_with_the_current_version_and_a_layout_only_draft_says_so(as_user, engine):
    drafts, owner = DraftService(engine), engine.actor("process")
    draft = new_draft(engine)
    drafts.save_file(owner, draft, BPMN, reordered_and_nudged(drafts.file(owner, draft, BPMN)))
    client = as_user("process")
    page = client.get(f"/processes/drafts/{draft}/compare").get_data(as_text=True)
    assert "レイアウトのみの変更" in page and "<strong>下書き</strong>" in page
    assert visual_data(page)["markers"]["layout"] == ["record_partnership"]
    draft_page = client.get(f"/processes/drafts/{draft}").get_data(as_text=True)
    assert "レイアウトのみの変更" in draft_page and "レイアウトの変更も新しい版として登録する" in draft_page


def test_a_removed_element_is_drawn_on_the_older_diagram(as_user, engine):
    drafts, owner = DraftService(engine), engine.actor("process")
    draft = new_draft(engine)
    text = drafts.file(owner, draft, BPMN)
    drafts.save_file(owner, draft, BPMN, re.sub(
        r'\s*<bpmn:endEvent id="end_no_individual".*?</bpmn:endEvent>', "", text, count=1, flags=re.S
    ))
    page = as_user("process").get(f"/processes/drafts/{draft}/compare").get_data(as_text=True)
    data = visual_data(page)
    assert "end_no_individual" in data["markers"]["removed"] and data["before"]
    assert 'id="visual-diff-before"' in page


def test_a_version_that_does_not_exist_is_not_found_and_outsiders_are_refused(as_user):
    assert as_user("process").get(f"/processes/{PROCESS}/compare?from=1&to=9").status_code == 404
    assert as_user("kankyo").get(f"/processes/{PROCESS}/compare").status_code == 403
