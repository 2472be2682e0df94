"""R-3.3/R-3.4 with R-3.6: every surface counts a case's projects by the one rule (engine.domain.projects), on
SQLite and PostgreSQL (issue #12 item 3).

Five projects in five categories: three judged 実施する, one excluded under R-3.6 ① (judged 実施しない, as ⑤
requires), one judged 実施しない. The excluded one is then also stored as 実施する — the record ⑤ saved before
it refused that contradiction — and must still count nowhere. ⑥'s figures, the case header, the board's row,
集計, the agreement register and the public register all say 3 projects in 3 categories.
"""

from __future__ import annotations

from sqlalchemy import update

from engine.access import SYSTEM
from engine.agreements import AgreementRegister, PublicRegister
from engine.board import Board, BoardQuery
from engine.persistence.models import Project
from tests.integration.flow import Flow, project

PROJECTS = [
    project("子ども見守りアプリ", "1", department="kodomo"),
    project("商店街のキャッシュレス化", "2", department="shiminkatsudo"),
    project("海岸清掃ボランティア", "5", department="kankyo"),
    project("自社健康食品の販売会", "3", department="kenko"),  # ①: solely the company's own sales
    project("駅前広場の社会実験", "7", department="toshi"),  # 実施しない
]
COUNTED = ["子ども見守りアプリ", "商店街のキャッシュレス化", "海岸清掃ボランティア"]


def at_step_6(engine) -> Flow:
    flow = Flow(engine).start().propose(PROJECTS).record_partnership()
    flow.assign_departments(PROJECTS).consult_feasibility()
    flow.decide("P1").decide("P2").decide("P3")
    flow.decide("P4", implement=False, exclusions=("1",)).decide("P5", implement=False)
    with engine.database.begin() as connection:  # the contradictory record an earlier version let through
        connection.execute(update(Project).where(Project.case_id == flow.case_id, Project.key == "P4")
                           .values(implementation="implement"))
    return flow


def test_a_case_with_an_excluded_project_shows_the_same_count_on_every_surface(engine):
    flow = at_step_6(engine)
    seisaku, kanri = engine.actor("seisaku"), engine.actor("kanri")

    step_6 = engine.get_task(seisaku, flow.task("judge_necessity").id).data
    assert (step_6["project_count"], step_6["category_count"]) == (3, 3)
    flow.judge().agree_and_sign()  # the signing step recounts the rows it touches

    status = flow.status()
    assert (status.project_count, status.category_count) == (3, 3)
    assert [p.key for p in status.projects if p.counted] == ["P1", "P2", "P3"]
    [row] = [r for r in Board(engine).rows(kanri, BoardQuery()) if r.id == flow.case_id]
    assert (row.project_count, row.category_count) == (3, 3)

    figures = Board(engine).figures(kanri)
    assert sum(c.counted for c in figures.categories) == 3
    assert sum(d.counted for d in figures.departments) == 3

    [agreement] = AgreementRegister(engine).search(SYSTEM)
    assert [p.title for p in agreement.projects] == COUNTED and len(agreement.categories) == 3
    [public] = PublicRegister(engine).agreements()
    assert [p.title for p in public.projects] == COUNTED and len(public.categories) == 3
