"""R-1 / R-2: under a concluded 包括連携協定 the 担当課 of a project puts it into a 個別協定.

The agreement of lifecycle_steps: signed 2025-06-15 by 湘南サンプル株式会社, projects of こども育成相談課 (kodomo),
市民自治推進課 (shiminkatsudo) and 環境政策課 (kankyo, two projects).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from engine.access import SYSTEM
from engine.agreements.service import AgreementRegister
from engine.board.filters import BoardQuery
from engine.board.service import Board
from engine.errors import CaseNotFoundError, CaseStateError, FormDataError, NotAllowedError
from engine.persistence.models import Agreement, AgreementCaseLink, Case
from tests.integration import lifecycle_steps
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow

lifecycle = lifecycle_steps.lifecycle  # the fixture: a fresh database on a frozen clock


def _project(lc, title: str):
    return next(s for s in lc.detail().startable if s.title == title)


def _counts(engine) -> tuple[int, int]:
    with engine.unit_of_work() as session:
        return (session.scalar(select(func.count()).select_from(Case)),
                session.scalar(select(func.count()).select_from(AgreementCaseLink)))


def _start(lc, user: str, title: str, kind: str = "specific_project") -> int:
    project = _project(lc, title)
    return lc.register.start_individual(lc.engine.actor(user), lc.agreement_id, str(project.id), kind)


def _run_to_conclusion(lc, case_id: int, signed_on: str) -> None:
    engine = lc.engine
    [negotiate] = engine.case_status(SYSTEM, case_id).open_tasks
    assert (negotiate.bpmn_id, negotiate.department_name) == ("negotiate_terms", "環境政策課")
    kind = engine.get_task(engine.actor("kankyo"), negotiate.id).data["individual_kind"]
    engine.complete_task(engine.actor("kankyo"), negotiate.id, {
        "individual_kind": kind, "roles": "企業等は講師を、市は会場を用意する。",
        "costs": "各自の役割に要する費用を各自が負担する。", "budget_required": "no"})
    [confirm] = engine.case_status(SYSTEM, case_id).open_tasks
    engine.complete_task(engine.actor("shonan"), confirm.id, {"individual_response": "confirm"})
    [decide] = engine.case_status(SYSTEM, case_id).open_tasks
    engine.complete_task(engine.actor("kankyo"), decide.id, {
        "individual_decision": "conclude", "individual_signed_on": signed_on,
        "individual_decision_reason": "役割分担が明確になったため"})


def test_the_department_of_a_project_starts_a_specific_field_agreement_and_it_is_on_the_register(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.clock.move_to("2025-09-01T10:00:00+09:00")
    case_id = _start(lc, "kankyo", "海岸清掃ボランティア", "specific_field")
    status = lc.engine.case_status(lc.engine.actor("kankyo"), case_id)
    assert status.process_id == "individual_agreement" and status.organisation_name == "湘南サンプル株式会社"
    [individual] = lc.detail().row.individuals
    assert (individual.project_title, individual.kind_label, individual.progress_label, individual.signed_on) == (
        "海岸清掃ボランティア", "個別協定（特定分野）", "協議中", None)
    _run_to_conclusion(lc, case_id, "2025-09-01")
    [individual] = lc.detail().row.individuals
    assert (individual.progress_label, str(individual.signed_on)) == ("締結", "2025-09-01")
    rows = lc.register.search(SYSTEM)
    signed = next(r for r in rows if r.id == individual.agreement_id)
    assert (signed.kind, signed.title, [p.title for p in signed.projects]) == (
        "specific_field", "個別協定：海岸清掃ボランティア", ["海岸清掃ボランティア"])
    comprehensive = next(r for r in rows if r.id == lc.agreement_id)
    assert [i.case_id for i in comprehensive.individuals] == [case_id]


def test_coordinator_may_start_one_for_any_project_of_the_agreement(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    case_id = _start(lc, "seisaku", "子ども見守りアプリ")
    [task] = lc.engine.case_status(SYSTEM, case_id).open_tasks
    assert task.department_name == "こども育成相談課"  # routed to the project's 担当課, not to 総合政策課


@pytest.mark.parametrize("user", ["kodomo", "shonan", "kanri"])
def test_only_the_project_department_or_the_coordinator_may_start_and_a_refusal_changes_nothing(lifecycle, user):
    lc = lifecycle.sign("2025-06-15")
    before = _counts(lc.engine)
    with pytest.raises(NotAllowedError):
        _start(lc, user, "海岸清掃ボランティア")
    assert _counts(lc.engine) == before


def test_a_second_agreement_for_the_same_project_is_refused_while_one_is_open(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    first = _start(lc, "kankyo", "海岸清掃ボランティア")
    assert _project(lc, "海岸清掃ボランティア").refusal == "協議中の個別協定があります"
    with pytest.raises(CaseStateError):
        _start(lc, "kankyo", "海岸清掃ボランティア")
    _start(lc, "kankyo", "環境学習の出前授業")  # another project of the same department is not held up
    lc.clock.move_to("2025-09-01T10:00:00+09:00")
    _run_to_conclusion(lc, first, "2025-09-01")
    assert _project(lc, "海岸清掃ボランティア").refusal is None


def test_bad_fields_are_named_and_nothing_is_started(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    before = _counts(lc.engine)
    with pytest.raises(FormDataError) as refused:
        lc.register.start_individual(lc.engine.actor("kankyo"), lc.agreement_id, "999999", "contract")
    assert set(refused.value.errors) == {"kind", "project_id"}
    with pytest.raises(FormDataError) as refused:
        lc.register.start_individual(lc.engine.actor("kankyo"), lc.agreement_id,
                                     str(_project(lc, "海岸清掃ボランティア").id), "specific_project", "abc")
    assert set(refused.value.errors) == {"meeting_id"}
    assert _counts(lc.engine) == before


def test_no_individual_agreement_is_started_under_an_agreement_that_has_ended(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    project = _project(lc, "海岸清掃ボランティア")
    lc.register.report_requirements_not_met(lc.engine.actor("seisaku"), lc.agreement_id, ["r35_5"], "滞納のため")
    assert lc.detail().startable == []
    with pytest.raises(CaseStateError):
        lc.register.start_individual(lc.engine.actor("kankyo"), lc.agreement_id, str(project.id),
                                     "specific_project")


def test_an_individual_agreement_cannot_be_started_under_another_individual_agreement(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    case_id = _start(lc, "kankyo", "海岸清掃ボランティア")
    lc.clock.move_to("2025-09-01T10:00:00+09:00")
    _run_to_conclusion(lc, case_id, "2025-09-01")
    with lc.engine.unit_of_work() as session:
        individual = session.scalar(select(Agreement.id).where(Agreement.case_id == case_id))
    project = _project(lc, "環境学習の出前授業")
    with pytest.raises(FormDataError):
        AgreementRegister(lc.engine).start_individual(lc.engine.actor("kankyo"), individual, str(project.id),
                                                      "specific_project")


def test_a_meeting_of_the_agreement_leads_to_an_individual_agreement_linked_back_to_it(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2026-05-01T09:00:01")
    lc.clock.move_to("2026-05-20T10:00:00+09:00")
    lc.hold_meetings(date(2026, 5, 20), implemented=True)
    detail = lc.detail()
    meeting = next(c for c in detail.meeting_choices if "環境政策課" in c.label)
    project = _project(lc, "海岸清掃ボランティア")
    case_id = lc.register.start_individual(lc.engine.actor("kankyo"), lc.agreement_id, str(project.id),
                                           "specific_project", meeting.value)
    detail = lc.detail()
    [individual] = detail.row.individuals
    assert individual.meeting_id == int(meeting.value) and individual.case_id == case_id
    environment = next(m for m in detail.meetings if m.department_name == "環境政策課")
    assert [c.id for c in environment.cases] == [case_id]


def _city_proposal(engine, attending: list[str]) -> int:
    flow = Flow(engine).start("city")
    rows = [{k: v for k, v in p.items() if k != "department"} for p in FOUR_PROJECTS_THREE_CATEGORIES]
    flow.complete("enter_proposal", {"proposal_title": "市からの提案", "proposal_summary": "概要", "projects": rows,
                                     "attending_departments": attending})
    return flow.case_id


def test_a_division_that_attended_the_proposal_reads_the_case_and_one_that_did_not_does_not(engine):
    case_id = _city_proposal(engine, ["bosai"])
    bosai, toshi = engine.actor("bosai"), engine.actor("toshi")
    assert engine.case_status(bosai, case_id).id == case_id
    with pytest.raises(CaseNotFoundError):
        engine.case_status(toshi, case_id)
    board = Board(engine)
    assert [r.id for r in board.rows(bosai, BoardQuery())] == [case_id]
    assert board.rows(toshi, BoardQuery()) == []


def test_the_departments_consulted_at_step_4_read_the_case(engine):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES)
    rows = [{"id": row["id"], "feasible": "yes", "note": "協議済み"} for row in flow._feasibility_rows()]
    with pytest.raises(CaseNotFoundError):
        engine.case_status(engine.actor("kenko"), flow.case_id)
    flow.complete("consult_feasibility", {"consultation_date": flow.today(), "feasibility": rows,
                                          "consulted_departments": ["kenko"],
                                          "consulted_organisation": "地域連携部 部長"})
    assert engine.case_status(engine.actor("kenko"), flow.case_id).id == flow.case_id
    assert [r.id for r in Board(engine).rows(engine.actor("kenko"), BoardQuery())] == [flow.case_id]


def test_a_revised_proposal_replaces_the_divisions_that_attended(engine):
    case_id = _city_proposal(engine, ["bosai", "toshi"])
    [confirm] = engine.case_status(SYSTEM, case_id).open_tasks
    engine.complete_task(engine.actor("shonan"), confirm.id, {"proposal_response": "revise",
                                                             "proposal_response_comment": "見直し"})
    [enter] = engine.case_status(SYSTEM, case_id).open_tasks
    data = engine.get_task(engine.actor("seisaku"), enter.id).data
    engine.complete_task(engine.actor("seisaku"), enter.id, {
        "proposal_title": data["proposal_title"], "proposal_summary": data["proposal_summary"],
        "projects": [{k: v for k, v in p.items() if k != "department"} for p in data["projects"]],
        "attending_departments": ["toshi"]})
    with pytest.raises(CaseNotFoundError):
        engine.case_status(engine.actor("bosai"), case_id)
    assert engine.case_status(engine.actor("toshi"), case_id).id == case_id


PROPOSALS = [
    {"title": "親子で学ぶ海辺の自然観察会", "summary": "海岸で生き物を観察する親子向け講座", "category": "5", "start_case": True},
    {"title": "電気自動車の公用車シェア", "summary": "企業等の電気自動車を公用車として共同利用する", "category": "7"},
    {"title": "海岸の漂着ごみ調査", "summary": "漂着ごみの種類と量を市民と調べる", "category": "5"},
]


def _environment_meeting(lc):
    lc.at("2026-05-01T09:00:01")
    lc.clock.move_to("2026-05-20T10:00:00+09:00")
    lc.hold_meetings(date(2026, 5, 20), implemented=True, proposals=PROPOSALS)
    return next(m for m in lc.detail().meetings if m.department_name == "環境政策課")


def test_a_meetings_new_proposals_stay_on_its_record_and_each_becomes_a_proposal_case_or_an_individual_agreement(
        lifecycle):
    lc = lifecycle.sign("2025-06-15")
    meeting = _environment_meeting(lc)
    ticked, unticked, survey = meeting.proposals
    assert ticked.started and ticked.case_id in [c.id for c in meeting.cases]  # the task started it
    assert not unticked.started and not survey.started
    engine = lc.engine
    proposal_case = lc.register.start_from_proposal(engine.actor("seisaku"), lc.agreement_id, meeting.id, 2,
                                                    "comprehensive")
    status = engine.case_status(SYSTEM, proposal_case)
    assert status.process_id == "comprehensive_agreement" and status.initiated_by == "city"
    [enter] = status.open_tasks
    assert [p["title"] for p in engine.get_task(engine.actor("seisaku"), enter.id).data["projects"]] == [
        "電気自動車の公用車シェア"]
    individual_case = lc.register.start_from_proposal(engine.actor("kankyo"), lc.agreement_id, meeting.id, 3,
                                                      "individual", "specific_project")
    [negotiate] = engine.case_status(SYSTEM, individual_case).open_tasks
    assert (negotiate.bpmn_id, negotiate.department_name) == ("negotiate_terms", "環境政策課")
    meeting = next(m for m in lc.detail().meetings if m.department_name == "環境政策課")
    assert [p.case_id for p in meeting.proposals] == [ticked.case_id, proposal_case, individual_case]
    assert {proposal_case, individual_case} <= {c.id for c in meeting.cases}  # found from the meeting's record
    assert [(i.project_title, i.meeting_id) for i in lc.detail().row.individuals] == [
        ("海岸の漂着ごみ調査", meeting.id)]
    with pytest.raises(CaseStateError):  # a proposal becomes one case
        lc.register.start_from_proposal(engine.actor("seisaku"), lc.agreement_id, meeting.id, 3, "comprehensive")


def test_only_the_meetings_department_or_the_coordinator_turns_its_proposal_into_an_individual_agreement(
        lifecycle):
    lc = lifecycle.sign("2025-06-15")
    meeting = _environment_meeting(lc)
    before = _counts(lc.engine)
    for user, becomes in (("kodomo", "individual"), ("shonan", "individual"), ("kankyo", "comprehensive")):
        with pytest.raises(NotAllowedError):
            lc.register.start_from_proposal(lc.engine.actor(user), lc.agreement_id, meeting.id, 2, becomes,
                                            "specific_project")
    with pytest.raises(FormDataError) as refused:
        lc.register.start_from_proposal(lc.engine.actor("kankyo"), lc.agreement_id, meeting.id, 2, "individual", "")
    assert set(refused.value.errors) == {"kind"}
    with pytest.raises(FormDataError) as refused:
        lc.register.start_from_proposal(lc.engine.actor("kankyo"), lc.agreement_id, meeting.id, 9, "individual",
                                        "specific_project")
    assert set(refused.value.errors) == {"proposal"}
    assert _counts(lc.engine) == before
    assert [(p.may_propose, p.may_individual) for p in
            next(m for m in lc.register.detail(lc.engine.actor("kankyo"), lc.agreement_id).meetings
                 if m.department_name == "環境政策課").proposals] == [(False, False), (False, True), (False, True)]


def test_ids_no_integer_column_holds_are_named_fields_not_database_errors(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    huge = "9" * 30
    with pytest.raises(FormDataError) as refused:
        lc.register.start_individual(lc.engine.actor("kankyo"), lc.agreement_id, huge, "specific_project", huge)
    assert set(refused.value.errors) == {"project_id", "meeting_id"}
    with pytest.raises(FormDataError) as refused:
        lc.register.start_from_proposal(lc.engine.actor("seisaku"), lc.agreement_id, 2**40, 1, "comprehensive")
    assert set(refused.value.errors) == {"proposal"}
