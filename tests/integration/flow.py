"""Small builders for the 包括連携協定 flow: the right person and the right form data for each step.

They follow docs/process-data.md, so the tests read as the guideline's steps ①–⑦.
"""

from __future__ import annotations

from engine.access import SYSTEM
from engine.cases.views import TaskSummary
from engine.demo_data import DEPARTMENTS
from engine.domain.japan_time import today_in_japan
from engine.service import CaseEngine

NOT_APPLIES = {f"r35_{n}": "not_applies" for n in range(1, 9)}


def project(title: str, category: str, year: int = 2025, department: str | None = None, key: str = "") -> dict:
    row = {"id": key, "title": title, "summary": f"{title}の概要", "category": category, "fiscal_year": year}
    if department is not None:
        row["department"] = department
    return row


FOUR_PROJECTS_THREE_CATEGORIES = [
    project("子ども見守りアプリ", "1", department="kodomo"),
    project("商店街のキャッシュレス化", "2", department="shiminkatsudo"),
    project("海岸清掃ボランティア", "5", department="kankyo"),
    project("環境学習の出前授業", "5", department="kankyo"),
]


class Flow:
    """Drives one case through the engine's public API, as the person each lane routes to."""

    def __init__(self, engine: CaseEngine, organisation_user: str = "shonan") -> None:
        self.engine = engine
        self.organisation_user = organisation_user
        self.case_id: int | None = None

    def start(self, initiated_by: str = "organisation") -> Flow:
        organisation = self.engine.actor(self.organisation_user)
        starter = organisation if initiated_by == "organisation" else self.engine.actor("seisaku")
        self.case_id = self.engine.start_case(starter, "comprehensive_agreement", organisation.organisation_id,
                                              initiated_by).id
        return self

    def status(self):
        return self.engine.case_status(SYSTEM, self.case_id)

    def task(self, bpmn_id: str, project_key: str | None = None) -> TaskSummary:
        for task in self.status().open_tasks:
            if task.bpmn_id == bpmn_id and (project_key is None or task.project_key == project_key):
                return task
        raise AssertionError(f"{bpmn_id} {project_key or ''} is not open; open: "
                             f"{[(t.bpmn_id, t.project_key) for t in self.status().open_tasks]}")

    def person_for(self, task: TaskSummary) -> str:
        if task.lane == "企業等":
            return self.organisation_user
        if task.lane == "総合政策課":
            return "seisaku"
        # demo department staff sign in with their department's code
        return next(code for code, name, _ in DEPARTMENTS if name == task.department_name)

    def complete(self, bpmn_id: str, data: dict, project_key: str | None = None, as_user: str | None = None) -> Flow:
        task = self.task(bpmn_id, project_key)
        actor = self.engine.actor(as_user or self.person_for(task))
        self.engine.complete_task(actor, task.id, data)
        return self

    # --- the steps, with ordinary answers -----------------------------------------------------------
    def propose(self, projects: list[dict]) -> Flow:
        rows = [{k: v for k, v in p.items() if k != "department"} for p in projects]
        return self.complete("propose", {"proposal_title": "地域課題の解決に向けた連携", "proposal_summary": "提案の概要",
                                         "projects": rows})

    def record_partnership(self) -> Flow:
        return self.complete("record_partnership", {"past_records": [], "record_notes": "過去の連携実績なし"})

    def assign_departments(self, projects: list[dict]) -> Flow:
        rows = [{**p, "id": p.get("id") or f"P{i}"} for i, p in enumerate(projects, start=1)]
        return self.complete("assign_departments", {"needs_survey": "庁内照会の結果、各課にニーズあり", "projects": rows})

    def today(self) -> str:
        """Today in Japan by the engine's clock: the day a step's own date says it happened, unless a test names
        one (a date after today or before the case's start is refused, engine.domain.plausible_dates)."""
        return today_in_japan(self.engine.clock()).isoformat()

    def consult_feasibility(self, infeasible: tuple[str, ...] = (), on: str | None = None) -> Flow:
        rows = [{"id": row["id"], "feasible": "no" if row["id"] in infeasible else "yes", "note": "協議済み"}
                for row in self._feasibility_rows()]
        return self.complete("consult_feasibility", {"consultation_date": on or self.today(), "feasibility": rows})

    def _feasibility_rows(self):
        task = self.task("consult_feasibility")
        return self.engine.get_task(self.engine.actor("seisaku"), task.id).data["feasibility"]

    def decide(self, key: str, implement: bool = True, exclusions: tuple[str, ...] = ()) -> Flow:
        decision = {"consultation_date": self.today(), "consultation_summary": "詳細協議を実施",
                    "exclusions": list(exclusions), "implementation": "implement" if implement else "not_implement",
                    "reason": "効果が見込まれるため" if implement else "実施体制が整わないため"}
        return self.complete("decide_implementation", {"project_decision": decision}, project_key=key)

    def judge(self, necessity: str = "conclude", **answers) -> Flow:
        data = {"r31_willingness": "yes", "r32_city_issues": "yes", **NOT_APPLIES, "necessity": necessity,
                "necessity_reason": "要件を満たし、継続的な連携が見込まれるため", **answers}
        if necessity == "not_conclude":  # ⑥ tells the 企業等 why (engine.domain.conclusion.decision_refusal)
            data.setdefault("reason_for_organisation", "現時点では連携事業の分野が限られるため、個別協定で連携を進めます。")
        return self.complete("judge_necessity", data)

    def agree_and_sign(self, signed_on: str | None = None) -> Flow:
        """Signed on ``signed_on`` (default today); the draft plans the signing for that day, or today if it is
        past (a planned date is not in the past)."""
        signed_on = signed_on or self.today()
        self.complete("draft_agreement", {"agreement_title": "包括連携協定", "agreement_terms": "協定書の内容",
                                          "planned_signing_date": max(signed_on, self.today())})
        self.complete("confirm_agreement", {"agreement_response": "confirm"})
        return self.complete("sign_agreement", {"signed_on": signed_on, "signing_notes": "市長室にて締結"})


# Two projects in two categories: short of both, the case for a principle exception.
TWO_IN_TWO = [project("見守りアプリ", "1", department="kodomo"), project("海岸清掃", "5", department="kankyo")]


def at_step_6(engine, projects=TWO_IN_TWO) -> Flow:
    """A case with every project judged 実施する at ⑤, waiting at ⑥ (R-5.6)."""
    flow = Flow(engine).start().propose(projects).record_partnership()
    flow.assign_departments(projects).consult_feasibility()
    for number in range(1, len(projects) + 1):
        flow.decide(f"P{number}")
    return flow
