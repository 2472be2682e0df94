"""Cases standing at known steps, for the board, figures and case-page tests (guideline §3 ①–⑦, R-5.8)."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow, project

TWO_CATEGORIES = [project("見守り", "1", department="kodomo"), project("子育て講座", "1", department="kodomo"),
                  project("海岸清掃", "5", department="kankyo")]
FALLBACK_TERMS = {"individual_kind": "specific_project", "roles": "市: 周知、企業: 運営", "costs": "各自負担",
                  "budget_required": "no"}


def at_step_5(engine, organisation: str = "shonan", projects=None) -> Flow:
    """① to ④ done; ⑤ decided for P1 only, so ⑤ runs with one of three (or four) instances done."""
    projects = projects or TWO_CATEGORIES
    flow = Flow(engine, organisation).start().propose(projects).record_partnership()
    return flow.assign_departments(projects).consult_feasibility().decide("P1")


def at_step_2(engine, organisation: str = "mirai") -> Flow:
    return Flow(engine, organisation).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)


def fallen_back(engine, organisation: str = "digital") -> Flow:
    """⑥ decided not to conclude: each implemented project goes to 個別協定 (R-5.8)."""
    flow = at_step_5(engine, organisation)
    flow.decide("P2").decide("P3")
    return flow.judge(necessity="not_conclude", necessity_reason="分類数が要件を満たさないため")


def concluded(engine, organisation: str = "umibe", clock=None, step=timedelta(0)) -> Flow:
    """The whole flow ①–⑦; with a clock, each step takes ``step`` (for the figures' durations)."""
    def wait():
        if clock is not None:
            clock.now += step

    flow = Flow(engine, organisation).start()
    wait()
    flow.propose(FOUR_PROJECTS_THREE_CATEGORIES)
    wait()
    flow.record_partnership()
    wait()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    return flow.judge().agree_and_sign()


def withdrawn(engine, organisation: str = "shonan") -> Flow:
    flow = Flow(engine, organisation).start()
    engine.cancel_case(engine.actor("seisaku"), flow.case_id, "企業等から辞退の申し出があったため")
    return flow
