"""R-3.3/R-3.4 with R-3.6 on every surface: one rule (engine.domain.projects) decides which projects count.

Five projects in five categories reach ⑥: three judged 実施する, one excluded under R-3.6 ① (solely the
company's own sales; ⑤ refuses 実施する for it, so its 担当課 judged 実施しない), one judged
実施しない. Each surface a person or a program reads
must say 3 projects in 3 categories — the figures ⑥ shows 総合政策課 and the eligibility decision judges.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.integration.flow import Flow, project
from tests.web.test_api_contract import conforms

PROJECTS = [
    project("子ども見守りアプリ", "1", department="kodomo"),
    project("商店街のキャッシュレス化", "2", department="shiminkatsudo"),
    project("海岸清掃ボランティア", "5", department="kankyo"),
    project("自社健康食品の販売会", "3", department="kenko"),  # ① applies
    project("駅前広場の社会実験", "7", department="toshi"),  # 実施しない
]
COUNTED = ["子ども見守りアプリ", "商店街のキャッシュレス化", "海岸清掃ボランティア"]


def at_step_6(engine) -> Flow:
    flow = Flow(engine).start().propose(PROJECTS).record_partnership()
    flow.assign_departments(PROJECTS).consult_feasibility()
    flow.decide("P1").decide("P2").decide("P3")
    flow.decide("P4", implement=False, exclusions=("1",))
    return flow.decide("P5", implement=False)


def read_csv(response) -> list[dict[str, str]]:
    heading, *rows = csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
    return [dict(zip(heading, row, strict=True)) for row in rows]


@pytest.fixture
def flow(engine) -> Flow:
    return at_step_6(engine)


def test_a_project_excluded_under_r36_at_step_5_is_counted_by_no_surface_before_the_decision(as_user, flow):
    client = as_user("seisaku")
    task = flow.task("judge_necessity")

    # ⑥: the form's text and the data the eligibility decision read
    data = conforms(client.get(f"/api/tasks/{task.id}"))["data"]
    assert (data["project_count"], data["category_count"], data["eligible"]) == (3, 3, True)
    assert "3 事業・3 分類" in client.get(f"/tasks/{task.id}").get_data(as_text=True)

    # the case header and the case's project table
    page = client.get(f"/cases/{flow.case_id}").get_data(as_text=True)
    assert "3件・3分類" in page
    assert page.count("連携事業として計上</span>") == 3
    assert page.count("ガイドライン２⑹に該当（数えない）") == 1

    # the JSON API: the case and the board's list
    case = conforms(client.get(f"/api/cases/{flow.case_id}"))["case"]
    assert (case["project_count"], case["category_count"]) == (3, 3)
    assert [p["key"] for p in case["projects"] if p["counted"]] == ["P1", "P2", "P3"]
    [row] = conforms(client.get("/api/cases"))["cases"]
    assert (row["project_count"], row["category_count"]) == (3, 3)

    # the board's export and 集計 (and its export)
    [exported] = read_csv(client.get("/board/export.csv"))
    assert (exported["連携事業数"], exported["分類数"]) == ("3", "3")
    per_category = {r["分類"]: r for r in read_csv(client.get("/board/figures.csv?table=categories"))}
    assert sum(int(r["連携事業として計上"]) for r in per_category.values()) == 3
    excluded = per_category["③ 健康増進・保健衛生・医療"]
    assert (excluded["提案された事業"], excluded["連携事業として計上"]) == ("1", "0")


def test_the_agreement_it_leads_to_lists_only_the_counted_projects_internally_and_publicly(as_user, flow):
    flow.judge().agree_and_sign()
    client = as_user("seisaku")

    [agreement] = conforms(client.get("/api/agreements"))["agreements"]
    assert [p["title"] for p in agreement["projects"]] == COUNTED
    assert len(agreement["categories"]) == 3
    [register_row] = read_csv(client.get("/agreements/export.csv"))
    listed = register_row["連携事業（分類・担当課）"]
    assert all(title in listed for title in COUNTED) and "自社健康食品の販売会" not in listed
    page = client.get(f"/agreements/{agreement['id']}").get_data(as_text=True)
    assert all(title in page for title in COUNTED) and "自社健康食品の販売会" not in page

    public = client.get("/public/agreements.json").get_json()["agreements"]
    assert [[p["title"] for p in a["projects"]] for a in public] == [COUNTED]
    assert len(public[0]["categories"]) == 3

    # the case page still shows the excluded project, marked as such (the judgement lives on the case)
    case_page = client.get(f"/cases/{flow.case_id}").get_data(as_text=True)
    assert "自社健康食品の販売会" in case_page and "3件・3分類" in case_page
