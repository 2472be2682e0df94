"""Lists come a page at a time (issue #15 item 3): following 次へ (or ``next``) reaches every row
exactly once, 前へ walks back over the same rows, the inbox's tab counts what the pager totals, and
paging input the list cannot use is a 400 or clamped, never a 500."""

from __future__ import annotations

import base64
import html
import json
import re

import pytest

from tests.integration.board_cases import at_step_2, withdrawn
from tests.web.test_api_contract import conforms

TASK_LINK = re.compile(r'href="/tasks/([0-9a-f-]{36})"')
CASE_LINK = re.compile(r'<a href="/cases/(\d+)"')


@pytest.fixture
def five_proposals(engine):
    """Five cases at ②, each with one task for 総合政策課's group."""
    return [at_step_2(engine, name) for name in ("mirai", "shonan", "mirai", "digital", "mirai")]


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    return html.unescape(found.group(1)) if found else None


def _walk_pages(client, url: str, pattern: re.Pattern) -> tuple[list[list[str]], list[str]]:
    """Follows 次へ from ``url``, then 前へ back from the last page: the ids of each page, the pages."""
    forward, pages = [], []
    while url:
        assert len(pages) < 10, "次へ keeps going: a page repeats"
        page = client.get(url).get_data(as_text=True)
        forward.append(pattern.findall(page))
        pages.append(page)
        url = _link(page, "next")
    backward, url = [], _link(pages[-1], "prev")
    while url:
        page = client.get(url).get_data(as_text=True)
        backward.insert(0, pattern.findall(page))
        url = _link(page, "prev")
    assert backward == forward[:-1], "前へ shows the same pages as 次へ did"
    return forward, pages


def _walk_api(client, url: str, rows: str) -> tuple[list[list], int]:
    found, total = [], None
    while url:
        assert len(found) < 10, "next keeps going: a page repeats"
        body = conforms(client.get(url))
        found.append([row["id"] for row in body[rows]])
        total = body["total"] if total is None else total
        assert body["total"] == total
        url = body["next"]
    return found, total


@pytest.mark.parametrize("order", ["", "&sort=due&order=desc", "&sort=organisation"])
def test_the_coordinators_group_inbox_pages_through_every_task_once_and_the_tab_counts_the_total(
        five_proposals, as_user, order):
    client = as_user("seisaku")
    pages, html_pages = _walk_pages(client, f"/inbox/group?limit=2{order}", TASK_LINK)
    assert [len(ids) for ids in pages] == [2, 2, 1]
    every = [task for ids in pages for task in ids]
    assert len(set(every)) == 5
    first, last = html_pages[0], html_pages[-1]
    assert re.search(r'グループのタスク\s*<span class="tabs__count">5件</span>', first)
    assert '<nav class="pager" aria-label="タスク一覧のページ送り">' in first
    assert "1–2件 / 全5件" in first and "5–5件 / 全5件" in last
    api_pages, total = _walk_api(client, "/api/tasks?view=group&limit=2", "tasks")
    assert total == 5 and sorted(t for ids in api_pages for t in ids) == sorted(every)


def test_the_board_and_get_api_cases_page_through_every_case_once(engine, five_proposals, as_user):
    ended = withdrawn(engine)  # waits on nobody: no 待ち始め, last in either direction
    client = as_user("kanri")
    for sort in ("", "&sort=-waiting_since", "&sort=-organisation", "&sort=fiscal_year"):
        # five a page: the second page starts at the case with no 待ち始め, so 前へ starts from an empty value
        pages, html_pages = _walk_pages(client, f"/board/?per_page=5{sort}", CASE_LINK)
        every = [int(case) for ids in pages for case in dict.fromkeys(ids)]  # a row links its case twice
        assert len(every) == len(set(every)) == 6, sort
        assert "1–5件 / 全6件" in html_pages[0]
        if "waiting_since" in sort or not sort:
            assert every[-1] == ended.case_id
    api_pages, total = _walk_api(client, "/api/cases?per_page=2&sort=-number", "cases")
    assert total == 6 and [len(ids) for ids in api_pages] == [2, 2, 2]
    expected = sorted([f.case_id for f in five_proposals] + [ended.case_id], reverse=True)
    assert [case for ids in api_pages for case in ids] == expected


def _cursor(body: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(body).encode()).decode()


@pytest.mark.parametrize(("url", "field"), [
    ("/api/tasks?cursor=not-a-cursor", "cursor"),
    ("/api/tasks?limit=abc", "limit"),
    # a well-formed cursor whose created_at is text: compared with the column it would be the database's error
    ("/api/tasks?view=group&cursor=" + _cursor({"s": "inbox:group::0", "k": ["x", "y"], "b": False, "o": 2}),
     "cursor"),
    ("/api/agreements?cursor=" + _cursor({"s": "inbox:group::0", "k": [], "b": False, "o": 0}), "cursor"),
])
def test_paging_input_the_list_cannot_use_is_a_400_naming_the_parameter(as_user, url, field):
    response = as_user("seisaku").get(url)
    assert response.status_code == 400
    assert set(conforms(response)["error"]["fields"]) == {field}


def test_a_cursor_of_another_sort_order_is_refused_and_sizes_out_of_range_are_clamped(
        five_proposals, as_user):
    client = as_user("kanri")
    cursor = conforms(client.get("/api/cases?per_page=2&sort=number"))["next_cursor"]
    assert client.get(f"/api/cases?sort=organisation&cursor={cursor}").status_code == 400
    assert client.get("/board/?cursor=%25%25").status_code == 400
    assert conforms(client.get("/api/cases?per_page=-5"))["per_page"] == 1
    assert conforms(client.get("/api/agreements?limit=99999999"))["limit"] == 500


def test_what_waits_for_me_pages_through_my_claimed_task_first_then_my_groups(
        engine, five_proposals, as_user):
    seisaku = engine.actor("seisaku")
    claimed = five_proposals[3].task("record_partnership").id
    engine.claim(seisaku, claimed)
    client = as_user("seisaku")
    pages, total = _walk_api(client, "/api/tasks?limit=2", "tasks")
    every = [task for ids in pages for task in ids]
    assert total == 5 and every[0] == claimed and len(set(every)) == 5
    first = conforms(client.get("/api/tasks?limit=2"))
    second = conforms(client.get("/api/tasks?limit=2&cursor=" + first["next_cursor"]))
    last = conforms(client.get("/api/tasks?limit=2&cursor=" + second["next_cursor"]))
    back = conforms(client.get(last["previous"]))
    assert [t["id"] for t in back["tasks"]] == pages[1] and back["offset"] == 2


def test_past_the_count_cap_every_count_says_at_least_and_the_pages_still_reach_every_row(
        five_proposals, as_user, monkeypatch):
    """Counting stops at the cap (1,000 in production, 3 here) so a page costs the same however large the
    database grows: the tab, the pager, the menu badge, the kanban and the API say 「3件以上」, and 次へ
    still reaches all five tasks."""
    from engine.paging import keyset

    monkeypatch.setattr(keyset, "COUNT_CAP", 3)
    client = as_user("seisaku")
    pages, html_pages = _walk_pages(client, "/inbox/group?limit=2", TASK_LINK)
    assert len({task for ids in pages for task in ids}) == 5
    first = html_pages[0]
    assert re.search(r'グループのタスク\s*<span class="tabs__count">3件以上</span>', first)
    assert "1–2件 / 全3件以上" in first
    assert '<span class="badge" aria-label="3件以上">3+</span>' in first
    body = conforms(client.get("/api/tasks?view=group&limit=2"))
    assert (body["total"], body["total_exact"]) == (3, False)
    monkeypatch.setattr(keyset, "COUNT_CAP", 5)  # exactly at the cap the count is still exact
    body = conforms(client.get("/api/tasks?view=group&limit=2"))
    assert (body["total"], body["total_exact"]) == (5, True)
    monkeypatch.setattr(keyset, "COUNT_CAP", 3)
    kanban = as_user("kanri").get("/board/?view=kanban").get_data(as_text=True)
    assert '<span class="kanban__count">3件以上</span>' in kanban


def test_a_page_with_a_stale_cursor_says_what_to_do_and_links_to_the_same_list_from_its_first_page(as_user):
    """A bookmarked or edited cursor: the clerk is told to start the list again and given the link that does,
    with the filters and sort kept and the paging dropped."""
    response = as_user("seisaku").get("/inbox/group?sort=organisation&limit=2&cursor=stale")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "一覧の最初のページから開き直してください" in page
    assert '<a href="/inbox/group?sort=organisation">一覧の最初のページを開く</a>' in page
