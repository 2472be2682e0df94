"""The board's public API (issue #4): where every proposal sits, the live diagram, the history, figures.

Every method only reads: a manager (閲覧のみ) may call all of them and nothing here changes a case.
Each call is one unit of work and takes the Actor it reads for; visibility follows engine.access
(企業等 see their own cases, 担当課 the cases with their projects, everyone else all cases).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import Session

from engine.access import Actor, may_read_overview
from engine.board import diagram, figures, listing
from engine.board.filters import ANY_PROCESS, BoardQuery
from engine.board.views import BoardPage, BoardRow, CaseDetail, Figures, HeatStep, HeatView, Option
from engine.cases import participation
from engine.cases.service import visible_case
from engine.cases.stored import case_workflow
from engine.errors import CaseNotFoundError, FormDataError, NotAllowedError, NotFoundError
from engine.library.deployment import compiled_version
from engine.paging.keyset import Page
from engine.persistence.models import Case, HumanTask, ProcessVersion
from engine.persistence.models.human_task import READY
from engine.persistence.models.process_version import latest

HEAT_LIST_LIMIT = 200


class Board:
    def __init__(self, engine) -> None:  # engine.service.CaseEngine (not imported: it would import us back)
        self.engine = engine

    def _now(self) -> datetime:
        return self.engine.clock()

    def board(self, actor: Actor, query: BoardQuery, cursor: str | None = None) -> BoardPage:
        """One page of the table, or the kanban columns, with the filter choices this person may use."""
        with self.engine.unit_of_work() as session:
            return listing.page(session, actor, query, self._now(), cursor)

    def rows(self, actor: Actor, query: BoardQuery) -> list[BoardRow]:
        """Every case the filters select, unpaged (the CSV and Excel exports)."""
        with self.engine.unit_of_work() as session:
            return listing.rows(session, actor, query, self._now())

    def listing(self, actor: Actor, query: BoardQuery, cursor: str | None = None) -> Page[BoardRow]:
        """A page of rows with the total and the cursors (GET /api/cases)."""
        with self.engine.unit_of_work() as session:
            return listing.rows_page(session, actor, query, self._now(), cursor)

    def figures(self, actor: Actor, fiscal_year: int | None = None) -> Figures:
        _overview_only(actor)
        with self.engine.unit_of_work() as session:
            return figures.figures(session, fiscal_year)

    def case_detail(self, actor: Actor, case_id: int) -> CaseDetail:
        with self.engine.unit_of_work() as session:
            case = visible_case(session, actor, case_id)
            process = compiled_version(case.process_version)
            history = diagram.history(session, case, process, actor)
            shown = diagram.diagrams(case.process_version.files, process, case_workflow(case), history)
            found = listing.rows(session, actor, BoardQuery(process=ANY_PROCESS), self._now(), [Case.id == case.id])
            if not found:
                raise CaseNotFoundError(case_id)
            return CaseDetail(found[0], process.name, case.process_version.version, case.initiated_by, shown, history,
                              diagram.projects(session, case, actor), participation.participants(session, case.id),
                              participation.origin(session, case.id))

    def heat(self, actor: Actor, process_id: str, element: str | None = None) -> HeatView:
        """The latest diagram of a process with how many open cases wait at each step; ``element`` lists them."""
        _overview_only(actor)
        with self.engine.unit_of_work() as session:
            version = latest(session, process_id)
            if version is None:
                raise NotFoundError(f"プロセス「{process_id}」は見つかりません")
            xml = diagram.bpmn_xml(version.files, process_id)
            names, calls = diagram.element_names(xml), diagram.call_activities(xml)
            if element is not None and element not in names:
                raise FormDataError({"element": f"工程「{element}」はこのプロセスの図にありません"})
            steps = _heat_steps(session, process_id, names, calls)
            rows = [] if element is None else listing.rows(
                session, actor, BoardQuery(process=ANY_PROCESS), self._now(), [_waiting_at(process_id, element, calls)],
                limit=HEAT_LIST_LIMIT)
            return HeatView(process_id, version.name, version.version, xml, steps, element,
                            names.get(element) if element else None, rows, _processes(session))


def _overview_only(actor: Actor) -> None:
    if not may_read_overview(actor):
        raise NotAllowedError("集計と工程図は管理職・総合政策課・管理者のみ閲覧できます")


def _waiting_at(process_id: str, element: str, calls: dict[str, str]):
    """Cases with an open task at the element (for a call activity: inside the process it calls)."""
    if element in calls:
        inside = select(HumanTask.case_id).where(HumanTask.state == READY, HumanTask.process_id == calls[element])
        return and_(Case.process_id == process_id, Case.id.in_(inside))
    return Case.id.in_(select(HumanTask.case_id).where(HumanTask.state == READY, HumanTask.process_id == process_id,
                                                       HumanTask.bpmn_id == element))


def _heat_steps(session: Session, process_id: str, names: dict[str, str], calls: dict[str, str]) -> list[HeatStep]:
    def counted(*conditions):
        return session.execute(
            select(HumanTask.bpmn_id, func.count(distinct(HumanTask.case_id)), func.count())
            .join(Case, HumanTask.case_id == Case.id)
            .where(HumanTask.state == READY, Case.status == "running", *conditions)
            .group_by(HumanTask.bpmn_id)).all()

    steps = [HeatStep(bpmn_id, names.get(bpmn_id, bpmn_id), cases, tasks)
             for bpmn_id, cases, tasks in counted(HumanTask.process_id == process_id)]
    for call_id, called in calls.items():
        inside = session.execute(
            select(func.count(distinct(HumanTask.case_id)), func.count()).join(Case, HumanTask.case_id == Case.id)
            .where(HumanTask.state == READY, Case.status == "running", HumanTask.process_id == called,
                   Case.process_id == process_id)).one()
        if inside[0]:
            steps.append(HeatStep(call_id, names.get(call_id, call_id), inside[0], inside[1]))
    return sorted(steps, key=lambda s: (-s.cases, s.name))


def _processes(session: Session) -> list[Option]:
    found: dict[str, str] = {}
    for process_id, name in session.execute(select(ProcessVersion.process_id, ProcessVersion.name)
                                            .order_by(ProcessVersion.process_id, ProcessVersion.version)):
        found[process_id] = name
    return [Option(process_id, name) for process_id, name in found.items()]
