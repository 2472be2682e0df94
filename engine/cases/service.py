"""Changing cases: start, complete a task, claim, release, reassign, cancel, fire due timers.

Each function works inside the caller's unit of work and never commits: a completion validates the
data, runs the engine, saves the workflow, updates the task, project and case rows and appends the
audit record, and all of it is committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import flag_modified

from engine import audit
from engine.access import (
    Actor,
    acts_in_lane,
    claimed_by_another,
    may_cancel_case,
    may_claim,
    may_read_case,
    may_read_task,
    may_reassign,
    may_release,
    start_refusal,
)
from engine.accounts.identity import actor_for
from engine.cases.dates import date_bounds
from engine.cases.projection import StepInput, sync_case
from engine.cases.stored import case_workflow, save_workflow
from engine.domain.conclusion import signing_refusal, step_refusal
from engine.domain.wareki import era_of
from engine.errors import (
    CaseNotFoundError,
    CaseStateError,
    FormDataError,
    NotAllowedError,
    NotFoundError,
    TaskConflictError,
    TaskNotFoundError,
)
from engine.events import CaseStarted, TaskCompleted, TaskReassigned, TimerFired, publish
from engine.forms.submission import options_from_data, validate_submission
from engine.library.deployment import compiled_version
from engine.persistence.models import (
    Case,
    CaseParticipant,
    HumanTask,
    Organisation,
    Project,
    UserAccount,
)
from engine.persistence.models.department import active_departments
from engine.persistence.models.human_task import CANCELLED, COMPLETED, READY
from engine.persistence.models.process_version import latest
from engine.workflow.runner import (
    assign_project_ids,
    case_data,
    complete_task,
    deliver_message,
    find_ready_task,
    fire_timers,
    start_workflow,
)


def form_options(session: Session):
    """Choice lists the engine fills: ``departments`` from the database, anything else from case data."""
    departments: list[dict[str, Any]] | None = None

    def options(key: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
        nonlocal departments
        if key != "departments":
            return options_from_data(key, data)
        if departments is None:
            departments = [{"value": d.code, "label": d.name} for d in active_departments(session)]
        return departments

    return options


def _audit(session: Session, actor: Actor, action: str, case: Case, task: HumanTask | None = None,
           at: datetime | None = None, **detail: Any) -> None:
    audit.record(session, actor, action, at, case.id, task, **detail)


def start_case(session: Session, actor: Actor, process_id: str, organisation_id: int, initiated_by: str,
               now: datetime, data: Mapping[str, Any] | None = None, by_engine: bool = False) -> Case:
    """``by_engine``: the engine starts a process people cannot (starts_cases false), e.g. the lifecycle.

    Who may start is asked (engine.access) before anything is read or written: a refusal changes nothing."""
    refusal = start_refusal(actor, organisation_id, initiated_by)
    if refusal is not None:
        raise NotAllowedError(refusal)
    return open_case(session, actor, process_id, organisation_id, initiated_by, now, data, by_engine)


def open_case(session: Session, actor: Actor, process_id: str, organisation_id: int, initiated_by: str,
              now: datetime, data: Mapping[str, Any] | None = None, by_engine: bool = False) -> Case:
    """Starts a case for a caller that has asked its own rule of engine.access first: a 個別協定 under an
    agreement is started by the project's 担当課 (``individual_start_refusal``), whom ``start_refusal`` — the
    rule for new proposals (R-5.1) — would turn away."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or not organisation.active:
        raise NotFoundError("選んだ企業等は登録されていないか、無効になっています。一覧から選び直してください")
    version = latest(session, process_id)
    if version is None or not (version.starts_cases or by_engine):
        raise NotFoundError(f"プロセス「{process_id}」はデプロイされていません")
    process = compiled_version(version)
    start_data = {**(data or {}), "initiated_by": initiated_by, "organisation_name": organisation.name}
    workflow = start_workflow(process, start_data)
    case = Case(
        process_version_id=version.id, process_id=process_id, organisation_id=organisation.id,
        title=organisation.name, initiated_by=initiated_by, status="running", started_at=now,
        started_by_id=actor.user_id, updated_at=now,
    )
    session.add(case)
    session.flush()
    era, year = era_of(now.date())
    case.number = f"{'R' if era == '令和' else era}{year}-{case.id:04d}"
    save_workflow(case, workflow, now)
    publish(session, CaseStarted(now, case.id))
    sync_case(session, case, workflow, now)
    _audit(session, actor, "case_started", case, at=now, process_id=process_id, version=version.version,
           initiated_by=initiated_by)
    return case


def _case_departments(session: Session, case_id: int) -> set[int]:
    """The divisions a case involves, as engine.access.readable_cases counts them: projects, tasks, and the
    divisions that took part in ① or ④ (R-5.1, R-5.4)."""
    from_projects = session.scalars(select(Project.department_id).where(Project.case_id == case_id))
    from_tasks = session.scalars(select(HumanTask.department_id).where(HumanTask.case_id == case_id))
    took_part = session.scalars(select(CaseParticipant.department_id).where(CaseParticipant.case_id == case_id))
    return {d for d in [*from_projects, *from_tasks, *took_part] if d is not None}


def visible_case(session: Session, actor: Actor, case_id: int) -> Case:
    """The case, or CaseNotFoundError when it does not exist or this person may not read it (one answer)."""
    case = session.get(Case, case_id)
    if case is None or not may_read_case(actor, case.organisation_id, _case_departments(session, case_id)):
        raise CaseNotFoundError(case_id)
    return case


def visible_task(session: Session, actor: Actor, task_id: str) -> HumanTask:
    # The case, its version, its workflow state and its organisation come in the same query: completing
    # needs the first three, and the notices of the next tasks name the organisation.
    row = session.get(HumanTask, task_id, options=[
        joinedload(HumanTask.case).joinedload(Case.process_version),
        joinedload(HumanTask.case).joinedload(Case.workflow),
        joinedload(HumanTask.case).joinedload(Case.organisation),
    ]) if _is_uuid(task_id) else None
    if row is None or not may_read_task(actor, row):
        raise TaskNotFoundError(task_id)
    return row


def _is_uuid(text: str) -> bool:
    try:
        UUID(str(text))
    except ValueError:
        return False
    return True


def _actionable(session: Session, actor: Actor, task_id: str) -> HumanTask:
    row = visible_task(session, actor, task_id)
    if not may_claim(actor, row):  # claiming, releasing and completing share one rule (engine.access)
        raise NotAllowedError("閲覧のみの権限ではタスクを処理できません" if not actor.may_change_cases
                              else "このタスクはあなたの担当ではありません")
    if row.state != READY:
        raise TaskConflictError("このタスクは既に完了しています。受信箱を開き直してください")
    return row


def complete(session: Session, actor: Actor, task_id: str, submitted: Mapping[str, Any], now: datetime,
             expected_case_version: int | None = None) -> Case:
    row = _actionable(session, actor, task_id)
    if claimed_by_another(actor, row):  # checked before anything is read or written: nothing changes
        raise TaskConflictError(_taken_message(
            session, row, "完了できません。担当者の変更（総合政策課）か、担当者による担当の解除の後に処理してください"))
    case = row.case
    if expected_case_version is not None and case.version_id != expected_case_version:
        raise TaskConflictError("この案件は画面を開いた後に更新されました。内容を確認して再度送信してください")
    process = compiled_version(case.process_version)
    workflow = case_workflow(case)
    ready = find_ready_task(workflow, UUID(row.id))
    cleaned = validate_submission(process.forms[ready.form_ref], submitted, ready.data, form_options(session),
                                  date_bounds(session, case, now))
    cleaned = assign_project_ids(cleaned, ready.data)
    verified = case.organisation.verified
    _refuse(step_refusal(ready.data, cleaned, organisation_verified=verified))  # R-3 at ⑥, whatever the form
    spiff_task = workflow.get_task_from_id(ready.id)
    subworkflow = spiff_task.workflow
    complete_task(workflow, ready.id, cleaned)
    _refuse(signing_refusal(ready.data, cleaned, case_data(workflow), organisation_verified=verified))  # ⑦
    finished = subworkflow.data if subworkflow is not workflow and subworkflow.is_completed() else None
    # Everything the step changes is written in the one flush that ends sync_case (issue #15), the case row
    # first: the rows it adds name the case (a relationship), so the flush orders the case row, and with it the
    # check of its version, before them. Of two completions that read the same case, the second stops there
    # with a conflict, before it adds projects or tasks.
    with session.no_autoflush:
        row.state, row.completed_at, row.completed_by_id = COMPLETED, now, actor.user_id
        row.claimed_by_id = row.claimed_by_id or actor.user_id
        save_workflow(case, workflow, now)
        _audit(session, actor, "task_completed", case, row, at=now, data=cleaned, project=row.project_key)
        _touch(case, now)
        sync_case(session, case, workflow, now, StepInput(cleaned, row.project_key, finished, row.id))
    publish(session, TaskCompleted(now, case.id, row.id, actor.user_id, cleaned))
    return case


def _refuse(errors: Mapping[str, str]) -> None:
    """R-3 (engine.domain.conclusion) refused the step: nothing has been saved, the clerk reads why."""
    if errors:
        raise FormDataError(dict(errors))
def _taken_message(session: Session, row: HumanTask, what_now: str) -> str:
    holder = session.get(UserAccount, row.claimed_by_id)
    return f"このタスクは{holder.display_name if holder else '他の人'}さんが担当しているため、{what_now}"


def _touch(case: Case, now: datetime) -> None:
    """Writes the case row, and so checks and raises its version, even when the clock shows the same time:
    of two requests that read the same case version, the later write is refused (TaskConflictError)."""
    case.updated_at = now
    flag_modified(case, "updated_at")


def deliver(session: Session, actor: Actor, case: Case, message: str, payload: Mapping[str, Any],
            now: datetime) -> bool:
    """A BPMN message reaches the case (e.g. an agreement's 終了の申出): run, saved, audited and projected like a
    completed task. False, with nothing changed, if the case is not waiting for that message."""
    workflow = case_workflow(case)
    if not deliver_message(workflow, message, payload):
        return False
    save_workflow(case, workflow, now)
    _audit(session, actor, f"message_{message}", case, at=now,
           **{key: value for key, value in payload.items() if key != "decided_by_id"})
    sync_case(session, case, workflow, now)
    return True


def claim(session: Session, actor: Actor, task_id: str, now: datetime) -> HumanTask:
    row = _actionable(session, actor, task_id)
    if claimed_by_another(actor, row):
        raise TaskConflictError(_taken_message(
            session, row, "担当するには、担当者の変更（総合政策課）を依頼してください"))
    row.claimed_by_id, row.claimed_at = actor.user_id, now
    _touch(row.case, now)  # two claims at once cannot both win
    _audit(session, actor, "task_claimed", row.case, row, at=now)
    return row


def release(session: Session, actor: Actor, task_id: str, now: datetime) -> HumanTask:
    row = _actionable(session, actor, task_id)
    if not may_release(actor, row):
        raise NotAllowedError("自分が担当しているタスクのみ戻せます")
    row.claimed_by_id, row.claimed_at = None, None
    _touch(row.case, now)
    _audit(session, actor, "task_released", row.case, row, at=now)
    return row


def reassign(session: Session, actor: Actor, task_id: str, assignee_id: int, now: datetime) -> HumanTask:
    row = visible_task(session, actor, task_id)
    if not may_reassign(actor):
        raise NotAllowedError("担当者の変更は総合政策課または管理者のみ行えます")
    if row.state != READY:
        raise TaskConflictError("このタスクは既に完了しています")
    assignee = session.get(UserAccount, assignee_id)
    if assignee is None or not assignee.active:
        raise NotFoundError("選んだ担当者は登録されていないか、無効になっています。一覧から選び直してください")
    if not acts_in_lane(actor_for(session, assignee), row):
        raise NotAllowedError(f"{assignee.display_name} さんはこのタスクのレーンの担当ではありません")
    previous = row.claimed_by_id
    row.claimed_by_id, row.claimed_at = assignee.id, now
    _touch(row.case, now)
    _audit(session, actor, "task_reassigned", row.case, row, at=now, from_user=previous, to_user=assignee.id)
    if previous != assignee.id:
        publish(session, TaskReassigned(now, row.case_id, row.id, assignee.id, actor.user_id))
    return row


def cancel(session: Session, actor: Actor, case_id: int, reason: str, now: datetime) -> Case:
    """Withdraws a running case (取り下げ): the workflow is cancelled and its open tasks closed."""
    case = visible_case(session, actor, case_id)  # a case this person may not read is not found, as on reads
    if not may_cancel_case(actor, case.organisation_id):
        raise NotAllowedError("案件を取り下げられるのは総合政策課・管理者・当該企業等のみです")
    if case.status != "running":
        raise CaseStateError("この案件は既に終了しています")
    if not case.process_version.starts_cases:  # e.g. an agreement's lifecycle: ending it is a 申出 or a 解除
        raise CaseStateError("この案件はシステムが進めるため取り下げできません。協定の終了は申出または協定台帳からの解除で行います")
    if not (reason or "").strip():
        raise CaseStateError("取り下げの理由を入力してください")
    workflow = case_workflow(case)
    workflow.cancel()
    save_workflow(case, workflow, now)
    for row in session.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == READY)):
        row.state, row.completed_at = CANCELLED, now
    case.status, case.outcome, case.ended_at, case.cancel_reason = "cancelled", "withdrawn", now, reason.strip()
    case.active_steps, case.waiting_since, case.next_timer_at, case.updated_at = [], None, None, now
    _audit(session, actor, "case_cancelled", case, at=now, reason=reason.strip())
    return case


def fire_case_timers(session: Session, actor: Actor, case: Case, now: datetime) -> None:
    workflow = case_workflow(case)
    fire_timers(workflow)
    save_workflow(case, workflow, now)
    sync_case(session, case, workflow, now)
    _audit(session, actor, "timer_fired", case, at=now)
    publish(session, TimerFired(now, case.id))
