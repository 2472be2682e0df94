"""Moving running cases to a newer version of their process, where SpiffWorkflow's diff says it is safe.

A case keeps the version it started on (issue #6 item 5) unless a process owner moves it. The rule is the
conservative one of SpiffWorkflow's documentation (notes §11): no task the case has already completed or
started may be changed or removed by the new version. Every case is checked and shown with its reasons;
a dry run shows who each case would wait for after the move; the move itself is one transaction for all
chosen cases, audited per case, and undoable as long as the case has not moved on since.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.access import Actor
from engine.cases.projection import sync_case
from engine.cases.routing import Directory, RoutingError, route
from engine.cases.stored import SavedState, case_workflow, save_workflow, saved_workflow
from engine.errors import CaseStateError, NotFoundError
from engine.library import catalogue as library
from engine.library.case_diff import assess, migrate_in_memory
from engine.library.deployment import compiled_version
from engine.persistence.models import (
    Case,
    CaseMigration,
    Department,
    HumanTask,
    ProcessVersion,
    UserAccount,
)
from engine.persistence.models.human_task import CANCELLED, READY
from engine.persistence.models.process_version import latest
from engine.workflow.runner import ready_tasks

if TYPE_CHECKING:
    from engine.context import Context

class MigrationRefusedError(CaseStateError):
    """At least one chosen case cannot move; none was moved."""

    code = "migration_refused"


@dataclass(frozen=True)
class WaitingTask:
    """A task a case would wait on after the move, and who it would be routed to."""

    name: str
    lane: str
    routed_to: str
    project: str | None
    project_title: str | None = None


@dataclass(frozen=True)
class CaseCheck:
    case_id: int
    number: str
    title: str
    organisation_name: str
    from_version: int
    to_version: int
    active_steps: list[str]
    reasons: list[str]  # why the case cannot move; empty when it can
    waiting_after: list[WaitingTask]  # what the case would wait on after the move (movable cases only)
    notes: list[str] = field(default_factory=list)  # why a movable case can move despite changes it has met

    @property
    def movable(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class MigrationRecord:
    id: int
    case_id: int
    number: str
    from_version: int
    to_version: int
    migrated_at: datetime
    migrated_by: str | None
    reverted_at: datetime | None
    undo_refused: str | None  # why it can no longer be undone; None when it can

    @property
    def revertible(self) -> bool:
        return self.reverted_at is None and self.undo_refused is None


@dataclass(frozen=True)
class MigrationOverview:
    process_id: str
    name: str
    target_version: int | None
    cases: list[CaseCheck]  # running cases on older versions
    history: list[MigrationRecord]


def _state_hash(state: bytes) -> str:
    return hashlib.sha256(state).hexdigest()


class MigrationService:
    """Moving open cases between versions. Each method is one unit of work and takes its Actor."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def overview(self, actor: Actor, process_id: str) -> MigrationOverview:
        library.require_reader(actor)
        with self.context.unit_of_work() as session:
            target = latest(session, process_id)
            if target is None:
                raise NotFoundError(f"プロセス「{process_id}」はデプロイされていません")
            checks = [
                self._check(session, case, target) for case in _older_cases(session, target)
            ]
            return MigrationOverview(
                process_id, target.name, target.version, checks, _history(session, process_id)
            )

    def dry_run(self, actor: Actor, process_id: str, case_ids: Iterable[int]) -> list[CaseCheck]:
        """What moving these cases would do, case by case; nothing is saved."""
        library.require_editor(actor)
        with self.context.unit_of_work() as session:
            target = _target(session, process_id)
            return [
                self._check(session, case, target)
                for case in _chosen(session, process_id, case_ids)
            ]

    def migrate(self, actor: Actor, process_id: str, case_ids: Iterable[int]) -> list[CaseCheck]:
        """Moves every chosen case to the current version, or none if any of them cannot move."""
        library.require_editor(actor)
        with self.context.unit_of_work() as session:
            target = _target(session, process_id)
            cases = _chosen(session, process_id, case_ids, lock=True)
            checks = [self._check(session, case, target) for case in cases]
            refused = [check for check in checks if not check.movable]
            if refused:
                raise MigrationRefusedError(
                    "次の案件は移行できないため、どの案件も移行していません: "
                    + " / ".join(f"{c.number}: {'、'.join(c.reasons)}" for c in refused)
                )
            for case in cases:
                self._move(session, actor, case, target)
            return checks

    def revert(self, actor: Actor, migration_id: int) -> None:
        """Puts the case back on its previous version and state, if nothing has happened to it since."""
        library.require_editor(actor)
        with self.context.unit_of_work() as session:
            record = session.get(CaseMigration, migration_id)
            if record is None:
                raise NotFoundError(f"移行記録 {migration_id} は見つかりません")
            case = session.scalar(select(Case).where(Case.id == record.case_id).with_for_update())
            refused = _undo_refused(session, record, case)
            if refused:
                raise CaseStateError(refused)
            self._restore(session, actor, case, record)

    # --- one case ------------------------------------------------------------------------------------
    def _check(self, session: Session, case: Case, target: ProcessVersion) -> CaseCheck:
        """Whether the case can move and why; for one that can, what it would wait on (nothing is saved)."""
        compiled = compiled_version(target)
        workflow = case_workflow(case)
        reasons, notes = assess(workflow, compiled)
        waiting: list[WaitingTask] = []
        if not reasons:
            try:
                migrate_in_memory(workflow, compiled)
                waiting, unrouted = _waiting(session, case, workflow)
                reasons += unrouted
            except CaseStateError as error:
                reasons = [str(error)]
        return CaseCheck(
            case.id,
            case.number or "",
            case.title,
            case.organisation.name,
            case.process_version.version,
            target.version,
            list(case.active_steps or []),
            reasons,
            waiting,
            notes,
        )

    def _move(self, session: Session, actor: Actor, case: Case, target: ProcessVersion) -> None:
        now = self.context.clock()
        previous, from_version = case.workflow.state, case.process_version
        previous_serializer, previous_specs = case.workflow.serializer_version, case.workflow.spec_digest
        workflow = case_workflow(case)
        migrate_in_memory(workflow, compiled_version(target))
        state = save_workflow(case, workflow, now, target)
        case.updated_at = now
        _refresh_open_rows(session, case, workflow)
        sync_case(session, case, workflow, now)
        session.add(
            CaseMigration(
                case_id=case.id,
                from_version_id=from_version.id,
                to_version_id=target.id,
                previous_state=previous,
                previous_spec_digest=previous_specs,
                previous_serializer_version=previous_serializer,
                migrated_state_hash=_state_hash(state),
                migrated_at=now,
                migrated_by_id=actor.user_id,
            )
        )
        _audit(session, actor, case, "case_migrated", now, from_version.version, target.version)

    def _restore(self, session: Session, actor: Actor, case: Case, record: CaseMigration) -> None:
        now = self.context.clock()
        previous_version = session.get(ProcessVersion, record.from_version_id)
        to_version = case.process_version.version
        workflow = saved_workflow(session, record.previous_state, record.previous_spec_digest)
        save_workflow(case, SavedState(record.previous_state, record.previous_spec_digest,
                                       record.previous_serializer_version), now, previous_version)
        case.updated_at = now
        ready = {str(task.id) for task in ready_tasks(workflow)}
        for row in session.scalars(
            select(HumanTask).where(
                HumanTask.case_id == case.id, HumanTask.id.in_(ready), HumanTask.state == CANCELLED
            )
        ):
            row.state, row.completed_at = READY, None  # the tasks the move closed are open again
        _refresh_open_rows(session, case, workflow)
        sync_case(session, case, workflow, now)
        record.reverted_at, record.reverted_by_id = now, actor.user_id
        _audit(
            session,
            actor,
            case,
            "case_migration_reverted",
            now,
            to_version,
            previous_version.version,
            migration_id=record.id,
        )


def _audit(session: Session, actor: Actor, case: Case, action: str, now: datetime, from_version: int,
           to_version: int, **detail: int) -> None:
    audit.record(session, actor, action, now, case.id, process_id=case.process_id, from_version=from_version,
                 to_version=to_version, **detail)


def _waiting(session: Session, case: Case, workflow: BpmnWorkflow) -> tuple[list[WaitingTask], list[str]]:
    """The tasks the case would wait on, routed by the projection's own rule, and why any cannot be routed."""
    directory = Directory(session.scalars(select(Department)))
    found, problems = [], []
    for task in ready_tasks(workflow):
        try:
            holder = route(task, case, directory).holder
        except RoutingError as error:
            holder = ""
            problems.append(f"移行後に{error}")
        project = task.project or {}
        found.append(WaitingTask(task.name, task.lane.value if task.lane else "", holder, project.get("id"),
                                 project.get("title")))
    return found, problems


def _refresh_open_rows(session: Session, case: Case, workflow: BpmnWorkflow) -> None:
    """Gives the open tasks that keep their id across the move their new name, form, lane and party.

    SpiffWorkflow re-predicts a task that was ready in place (same id), and the projection only adds rows
    for new ids, so without this a renamed step would keep its old name in the inbox and on the case.
    """
    directory = Directory(session.scalars(select(Department)))
    ready = {str(task.id): task for task in ready_tasks(workflow)}
    open_rows = select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == READY)
    for row in session.scalars(open_rows):
        task = ready.get(row.id)
        if task is None:
            continue  # the projection cancels it
        routed = route(task, case, directory)
        lane = task.lane.value if task.lane else ""
        if (row.lane, row.organisation_id, row.department_id) != (lane, routed.organisation_id,
                                                                    routed.department_id):
            row.claimed_by_id, row.claimed_at = None, None  # whoever took it may not belong to the new party
        row.bpmn_id, row.name, row.lane, row.form_ref = task.bpmn_id, task.name, lane, task.form_ref
        row.organisation_id, row.department_id = routed.organisation_id, routed.department_id


def _target(session: Session, process_id: str) -> ProcessVersion:
    target = latest(session, process_id)
    if target is None:
        raise NotFoundError(f"プロセス「{process_id}」はデプロイされていません")
    return target


def _older_cases(session: Session, target: ProcessVersion) -> list[Case]:
    return list(
        session.scalars(
            select(Case)
            .where(
                Case.process_id == target.process_id,
                Case.status == "running",
                Case.process_version_id != target.id,
            )
            .order_by(Case.id)
        )
    )


def _chosen(session: Session, process_id: str, case_ids: Iterable[int], lock: bool = False) -> list[Case]:
    wanted = sorted({int(i) for i in case_ids})
    if not wanted:
        raise CaseStateError("移行する案件を選んでください")
    query = select(Case).where(Case.id.in_(wanted)).order_by(Case.id)
    cases = list(session.scalars(query.with_for_update() if lock else query))
    found = {case.id for case in cases}
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise NotFoundError(f"案件 {', '.join(missing)} は見つかりません")
    target = _target(session, process_id)
    for case in cases:
        if case.process_id != process_id or case.status != "running":
            raise CaseStateError(f"案件 {case.number} はこのプロセスの進行中の案件ではありません")
        if case.process_version_id == target.id:
            raise CaseStateError(f"案件 {case.number} は既に最新のバージョン {target.version} で動いています")
    return cases


def _undo_refused(session: Session, record: CaseMigration, case: Case) -> str | None:
    if record.reverted_at is not None:
        return "この移行は既に元に戻されています"
    newer = session.scalar(
        select(CaseMigration.id).where(
            CaseMigration.case_id == record.case_id,
            CaseMigration.id > record.id,
            CaseMigration.reverted_at.is_(None),
        )
    )
    if newer is not None or case.process_version_id != record.to_version_id:
        return "この案件はその後さらに移行されたため、この移行は元に戻せません"
    if case.status != "running" or _state_hash(case.workflow.state) != record.migrated_state_hash:
        return "移行後に案件が進んだため、元に戻せません"
    return None


def _history(session: Session, process_id: str) -> list[MigrationRecord]:
    rows = session.execute(
        select(CaseMigration, Case, UserAccount.display_name)
        .join(Case, CaseMigration.case_id == Case.id)
        .outerjoin(UserAccount, CaseMigration.migrated_by_id == UserAccount.id)
        .where(Case.process_id == process_id)
        .order_by(CaseMigration.id.desc())
        .limit(200)
    )
    versions = {
        v.id: v.version
        for v in session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id))
    }
    return [
        MigrationRecord(
            record.id,
            case.id,
            case.number or "",
            versions[record.from_version_id],
            versions[record.to_version_id],
            record.migrated_at,
            name,
            record.reverted_at,
            _undo_refused(session, record, case) if record.reverted_at is None else None,
        )
        for record, case, name in rows
    ]
