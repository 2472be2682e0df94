"""The agreement register (協定台帳, issue #5): search, one agreement, and what 総合政策課 does from it.

Calling a 全体会議 (R-8.2) and reporting that the requirements are no longer met (R-9.2) are BPMN messages
to the running period's lifecycle case: the process decides what follows (a task to record the meeting; the
解除 with every open task closed). Each method is one unit of work.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor, AgreementAction, may_act_on_agreement, may_register_agreements
from engine.agreements.detail import agreement_detail
from engine.agreements.individual import start_individual
from engine.agreements.lifecycle import OPEN_STATUSES, running_period
from engine.agreements.meeting_proposals import start_from_proposal
from engine.agreements.notice import give_notice
from engine.agreements.queries import search, search_page, visible_agreement
from engine.agreements.register_csv import AgreementImportError, read_register_csv
from engine.agreements.registration import ExistingAgreement, register_existing
from engine.agreements.scope import meeting_departments
from engine.agreements.views import (
    REQUIREMENT_ITEMS,
    AgreementDetail,
    AgreementRow,
    Choice,
    RegisterFilter,
    RegisterPage,
    RegistrationChoices,
)
from engine.cases import service as cases
from engine.domain.guideline import CATEGORIES
from engine.domain.japan_time import japan_date
from engine.domain.plausible_dates import planned_error
from engine.domain.wareki import DateInputError, format_wareki, parse_date_input
from engine.errors import CaseStateError, FormDataError, NotAllowedError
from engine.paging.keyset import Page, PageRequest
from engine.persistence.models import Agreement, Case, Department, Organisation, PartnershipMeeting
from engine.persistence.models.department import active_departments
from engine.persistence.models.partnership_meeting import GENERAL

if TYPE_CHECKING:
    from engine.context import Context

TEXT_LIMIT = 4000


class AgreementRegister:
    def __init__(self, context: Context) -> None:
        self.context = context

    def search(self, actor: Actor, filters: RegisterFilter | None = None) -> list[AgreementRow]:
        """Every matching agreement (the exports)."""
        with self.context.unit_of_work() as session:
            return search(session, actor, filters or RegisterFilter())

    def listing(self, actor: Actor, filters: RegisterFilter | None = None, request: PageRequest | None = None,
                cursor: str | None = None) -> Page[AgreementRow]:
        """A page of the matching agreements (GET /api/agreements)."""
        with self.context.unit_of_work() as session:
            return search_page(session, actor, filters or RegisterFilter(), request, cursor)

    def page(self, actor: Actor, filters: RegisterFilter | None = None, request: PageRequest | None = None,
             cursor: str | None = None) -> RegisterPage:
        """The register page: a page of the matching agreements and the choices of its 担当課 filter."""
        with self.context.unit_of_work() as session:
            departments = [
                Choice(d.code, d.name) for d in active_departments(session) if not d.is_coordinator
            ]
            return RegisterPage(search_page(session, actor, filters or RegisterFilter(), request, cursor),
                                departments, may_register_agreements(actor))

    # --- 既存協定の登録 (issue #12 item 5) ------------------------------------------------------------
    def registration_choices(self, actor: Actor) -> RegistrationChoices:
        if not may_register_agreements(actor):
            raise NotAllowedError("既存の協定の登録は総合政策課が行います")
        with self.context.unit_of_work() as session:
            organisations = session.scalars(
                select(Organisation).where(Organisation.active).order_by(Organisation.name))
            return RegistrationChoices(
                [Choice(str(o.id), o.name) for o in organisations],
                [Choice(key, label) for key, label in CATEGORIES.items()],
                [Choice(d.code, d.name) for d in active_departments(session) if not d.is_coordinator],
            )

    def register_existing(self, actor: Actor, data: ExistingAgreement) -> int:
        """One agreement from the page; FormDataError (field path → message) and nothing saved on any problem."""
        now = self.context.clock()
        with self.context.unit_of_work() as session:
            return register_existing(session, actor, data, now).id

    def import_csv(self, actor: Actor, data: bytes) -> list[int]:
        """``renkei agreements import``: every row through ``register_existing`` in one transaction, so one bad
        row imports nothing; AgreementImportError lists each problem with its line and column."""
        rows = read_register_csv(data)
        now = self.context.clock()
        with self.context.unit_of_work() as session:
            created, problems = [], []
            for row in rows:
                problems += [(row.line, column, message) for column, message in row.problems.items()]
                try:  # a refused row has written nothing: register_existing checks before it writes
                    created.append(register_existing(session, actor, row.agreement, now, source="csv").id)
                except FormDataError as error:  # a column the row itself could not be read in says it once
                    problems += [(row.line, row.column_of(path), message) for path, message in error.errors.items()
                                 if row.column_of(path) not in row.problems]
            if problems:
                raise AgreementImportError(sorted(problems, key=lambda p: p[0]))
            return created

    def detail(self, actor: Actor, agreement_id: int) -> AgreementDetail:
        with self.context.unit_of_work() as session:
            return agreement_detail(session, actor, agreement_id, self.context.clock())

    def start_individual(self, actor: Actor, agreement_id: int, project_id: str, kind: str,
                         meeting_id: str | None = None) -> int:
        """R-1/R-2: a 個別協定 for one of the agreement's projects; returns the new case's id."""
        with self.context.unit_of_work() as session:
            agreement = visible_agreement(session, actor, agreement_id)
            case = start_individual(session, actor, agreement, project_id, kind, self.context.clock(), meeting_id)
            return case.id

    def start_from_proposal(self, actor: Actor, agreement_id: int, meeting_id: int, number: int, becomes: str,
                            kind: str = "") -> int:
        """R-8.1: a 個別定例会議's new proposal becomes a ① case or a 個別協定; returns the new case's id."""
        with self.context.unit_of_work() as session:
            agreement = visible_agreement(session, actor, agreement_id)
            case = start_from_proposal(session, actor, agreement, meeting_id, number, becomes, kind,
                                       self.context.clock())
            return case.id

    def give_notice(self, actor: Actor, agreement_id: int, reason: str, contact: str) -> None:
        """R-6.2: the 企業等's 申出, from its agreement's page or the API (engine.agreements.notice)."""
        now = self.context.clock()
        with self.context.unit_of_work() as session:
            give_notice(session, actor, visible_agreement(session, actor, agreement_id), reason, contact, now)

    def report_requirements_not_met(
        self, actor: Actor, agreement_id: int, items: list[str], reason: str
    ) -> None:
        """R-9.2: the report is the decision; the period's case records the 解除 and closes its open tasks."""
        errors = {}
        if not items or not set(items) <= set(REQUIREMENT_ITEMS):
            errors["items"] = "満たさなくなった要件を1つ以上選択してください"
        if not (reason or "").strip():
            errors["reason"] = "解除の理由を入力してください"
        elif len(reason) > TEXT_LIMIT:
            errors["reason"] = f"解除の理由は{TEXT_LIMIT}文字以内で入力してください"
        now = self.context.clock()
        with self.context.unit_of_work() as session:
            case = self._lifecycle_case(session, actor, agreement_id, "report_requirements_not_met")
            if errors:
                raise FormDataError(errors)
            payload = {
                "ground": "R-9.2",
                "items": sorted(items),
                "reason": reason.strip(),
                "decided_by_id": actor.user_id,
                "decided_by": actor.display_name,
            }
            _deliver(
                session,
                actor,
                case,
                "requirements_not_met",
                payload,
                now,
                "この協定の期間は既に終了処理に入っています。画面を開き直してください",
            )

    def call_general_meeting(self, actor: Actor, agreement_id: int, agenda: str, planned_on: str) -> None:
        """R-8.2: all 担当課 with projects under the agreement are invited; 総合政策課 records the meeting."""
        now = self.context.clock()
        errors, day = _general_meeting_errors(agenda, planned_on, japan_date(now))
        with self.context.unit_of_work() as session:
            case = self._lifecycle_case(session, actor, agreement_id, "call_general_meeting")
            if errors:
                raise FormDataError(errors)
            agreement = session.get(Agreement, agreement_id)
            invited = list(meeting_departments(session, agreement).values())
            codes = [entry["department"] for entry in invited]
            ids = dict(
                session.execute(
                    select(Department.code, Department.id).where(Department.code.in_(codes))
                ).all()
            )
            session.add(
                PartnershipMeeting(
                    agreement_id=agreement.id,
                    period_id=running_period(session, agreement.id).id,
                    kind=GENERAL,
                    agenda=agenda.strip(),
                    planned_on=day,
                    invited_department_ids=[ids[c] for c in codes if c in ids],
                    called_by_id=actor.user_id,
                    created_at=now,
                )
            )
            payload = {
                "agenda": agenda.strip(),
                "planned_on": day.isoformat(),
                "planned_on_label": format_wareki(day),
                "departments_label": "、".join(e["department_name"] for e in invited) or "（担当課なし）",
            }
            _deliver(
                session,
                actor,
                case,
                "general_meeting_called",
                payload,
                now,
                "前回招集した全体会議の記録がまだです。総合政策課のタスク「全体会議（R-8.2）」を完了してから招集してください",
            )

    def _lifecycle_case(
        self, session: Session, actor: Actor, agreement_id: int, action: AgreementAction
    ) -> Case:
        """The agreement's running lifecycle case, once the caller may read the agreement and act on it."""
        agreement = visible_agreement(session, actor, agreement_id)
        if not may_act_on_agreement(actor, agreement, action):
            raise NotAllowedError("全体会議の招集と要件非該当の報告は総合政策課が行います")
        period = running_period(session, agreement.id)
        case = session.get(Case, period.case_id) if period is not None else None
        if agreement.status not in OPEN_STATUSES or case is None or case.status != "running":
            raise CaseStateError("この協定は既に終了しているため、操作できません")
        return case


def _general_meeting_errors(agenda: str, planned_on: str, today: date) -> tuple[dict[str, str], date | None]:
    errors: dict[str, str] = {}
    if not (agenda or "").strip():
        errors["agenda"] = "議題を入力してください"
    elif len(agenda) > TEXT_LIMIT:
        errors["agenda"] = f"議題は{TEXT_LIMIT}文字以内で入力してください"
    day = None
    try:
        day = parse_date_input(planned_on)
    except DateInputError as error:
        errors["planned_on"] = f"開催予定日: {error}"
    else:
        message = planned_error(day, label="開催予定日", today=today)  # the one home of date bounds
        if message:
            errors["planned_on"] = message
    return errors, day


def _deliver(
    session: Session,
    actor: Actor,
    case: Case,
    message: str,
    payload: dict[str, Any],
    now: datetime,
    not_waiting: str,
) -> None:
    """Sends a BPMN message to the case (the case operation every message goes through), in this transaction."""
    if not cases.deliver(session, actor, case, message, payload, now):
        raise CaseStateError(not_waiting)
