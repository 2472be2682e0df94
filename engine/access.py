"""Who may see and do what (issue #11 item 3): the one home of every permission rule.

Every entry point — the pages, the JSON API, the CLI — reaches a rule through an engine service, and the
service asks a function here before it writes anything, so a refused request changes nothing and the page
and the API cannot give different answers. Each rule has a Python form (one row) and, where a listing
needs it, an SQL form next to it, so a listing and a single-item check cannot drift apart.
A task, case or agreement a caller may not read is reported as not found.

The rules, in the guideline's words:
- starting a case (R-5.1): a 企業等 contact proposes for its own organisation (企業等からの提案);
  総合政策課 (and administrators) start one on an organisation's behalf (市からの提案);
- a task is read by the party its lane names and by those who read everything (manager, 総合政策課,
  process owner, administrator); it is claimed, released and completed only by the party its lane names,
  and never by the read-only manager; 総合政策課 and administrators hand tasks over;
- a case is read by its 企業等, by the 担当課 with a project or task in it, by the divisions that attended ①
  or were consulted at ④ (R-5.1, R-5.4), and by those who read everything;
- a 個別協定 under a 包括連携協定 (R-1, R-2) is started by the 担当課 that owns the project (the owner and judge
  of a 個別協定) or by 総合政策課 (which owns the 包括連携協定); never by a 企業等 or the read-only manager;
- a case's data is read whole by city staff; a 企業等 reads only what is shared with it (its own input and
  what the city writes for it), never the city's internal judgements: which fields those are is said by the
  forms (``engine.forms.visibility``), who may read them is said here (``sees_city_data``);
- the agreement register is the city's ledger: every city account reads every agreement, a 企業等 its own;
  総合政策課 (and administrators) act on an agreement (R-8.2 全体会議, R-9.2 解除). What a lifecycle task
  records (申出, meetings, 実績, R-9.1) is a task completion and follows the task rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy import ColumnElement, Subquery, and_, false, literal, select, true, union_all

from engine.domain.guideline import Lane
from engine.forms.visibility import SharedData
from engine.persistence.models import Agreement, Case, CaseParticipant, HumanTask, Project


class Role(StrEnum):
    ORGANISATION = "organisation"  # a 企業等 contact: sees only its own organisation's cases
    DEPARTMENT = "department"  # staff of one or more 担当課
    COORDINATOR = "coordinator"  # staff of 総合政策課
    MANAGER = "manager"  # reads everything, changes nothing
    PROCESS_OWNER = "process_owner"  # edits and deploys process definitions
    ADMIN = "admin"  # manages users, organisations, departments

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ORGANISATION: "企業等", Role.DEPARTMENT: "担当課職員", Role.COORDINATOR: "総合政策課職員",
    Role.MANAGER: "管理職（閲覧のみ）", Role.PROCESS_OWNER: "プロセス管理者", Role.ADMIN: "システム管理者",
}


@dataclass(frozen=True)
class Actor:
    """The person an engine call acts for; the web layer builds it from the signed-in user."""

    user_id: int | None
    role: Role
    organisation_id: int | None = None
    department_ids: frozenset[int] = field(default_factory=frozenset)
    coordinator_department_id: int | None = None
    display_name: str = ""

    @property
    def is_coordinator(self) -> bool:
        return self.coordinator_department_id is not None and self.coordinator_department_id in self.department_ids

    @property
    def reads_everything(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN, Role.PROCESS_OWNER) or self.is_coordinator

    @property
    def may_change_cases(self) -> bool:
        return self.role is not Role.MANAGER

    @property
    def may_reassign(self) -> bool:
        return self.role is Role.ADMIN or self.is_coordinator


SYSTEM = Actor(user_id=None, role=Role.ADMIN, display_name="システム")

CITY, ORGANISATION = "city", "organisation"  # who a case's proposal comes from (Case.initiated_by)


def _coordinates(actor: Actor) -> bool:
    """総合政策課 or an administrator: the city's side of a partnership as a whole."""
    return actor.is_coordinator or actor.role is Role.ADMIN


# --- starting and withdrawing cases (R-5.1) -----------------------------------------------------------
def may_propose(actor: Actor) -> bool:
    """Whether this person starts cases at all (the 新しい提案 page and its menu entry)."""
    return actor.role is Role.ORGANISATION or (actor.may_change_cases and _coordinates(actor))


def proposes_as(actor: Actor) -> str:
    """Whose proposal a case this person starts is: a 企業等 contact's own, or the city's."""
    return ORGANISATION if actor.role is Role.ORGANISATION else CITY


def start_refusal(actor: Actor, organisation_id: int, initiated_by: str) -> str | None:
    """Why this person may not start a case for this organisation, or None when they may."""
    if not actor.may_change_cases:
        return "閲覧のみの権限では案件を開始できません"
    if actor.role is Role.ORGANISATION:
        if actor.organisation_id != organisation_id or initiated_by != ORGANISATION:
            return "自分の団体の提案のみ開始できます"
        return None
    if not _coordinates(actor):
        return "新しい提案を始められるのは総合政策課の職員と企業等の担当者です"
    if initiated_by != CITY:
        return "市の職員が始める案件は「市からの提案」として始めてください"
    return None


def may_start_case(actor: Actor, organisation_id: int, initiated_by: str) -> bool:
    return start_refusal(actor, organisation_id, initiated_by) is None


def individual_role_refusal(actor: Actor) -> str | None:
    """Why this person starts no 個別協定 at all (a 企業等, the read-only manager), or None."""
    if not actor.may_change_cases:
        return "閲覧のみの権限では個別協定を始められません"
    if actor.role is Role.ORGANISATION:
        return "個別協定は連携事業の担当課が始めます（ガイドライン１⑵）"
    if not (_coordinates(actor) or actor.department_ids):
        return "個別協定を始められるのは、連携事業の担当課と総合政策課です（ガイドライン１⑵）"
    return None


def individual_start_refusal(actor: Actor, project_department_id: int | None) -> str | None:
    """Why this person may not start a 個別協定 for a project owned by ``project_department_id`` (R-2), or None."""
    refusal = individual_role_refusal(actor)
    if refusal is not None or _coordinates(actor):
        return refusal
    if project_department_id is None or project_department_id not in actor.department_ids:
        return "個別協定を始められるのは、この連携事業の担当課と総合政策課です（ガイドライン１⑵）"
    return None


def may_start_individual_agreement(actor: Actor, project_department_id: int | None) -> bool:
    return individual_start_refusal(actor, project_department_id) is None


def may_cancel_case(actor: Actor, organisation_id: int) -> bool:
    """取り下げ: 総合政策課, administrators, and the case's own 企業等."""
    if actor.role is Role.ORGANISATION:
        return actor.organisation_id == organisation_id
    return _coordinates(actor) and actor.may_change_cases


# --- reading cases ------------------------------------------------------------------------------------
def may_read_case(actor: Actor, organisation_id: int, department_ids: set[int]) -> bool:
    """A 企業等 reads its own cases; a 担当課 cases with one of its projects or tasks, or that it took part in
    (①'s 同席, ④'s 協議: ``department_ids`` includes them); the rest read all."""
    if actor.reads_everything:
        return True
    if actor.role is Role.ORGANISATION:
        return organisation_id == actor.organisation_id
    return bool(department_ids & actor.department_ids)




def readable_cases(actor: Actor) -> ColumnElement[bool]:
    """SQL form of ``may_read_case`` over ``case`` rows (the board, GET /api/cases, the case page).

    A 担当課's condition is one correlated EXISTS over the (case, department) pairs of its projects, tasks
    and participations (issue #15): the database makes it a semi-join and picks per query how to run it. A
    page or a capped count walks the list's own index and probes ix_project_department_case and
    ix_human_task_department_case per case, stopping at its last row; three ``IN`` lists joined by ``OR``
    were read by building the department's whole set of cases first (PostgreSQL hashes each one)."""
    if actor.reads_everything:
        return true()
    if actor.role is Role.ORGANISATION:
        return Case.organisation_id == actor.organisation_id
    if not actor.department_ids:
        return false()
    involved = _involvement()
    return (select(literal(1)).select_from(involved)
            .where(involved.c.case_id == Case.id, involved.c.department_id.in_(list(actor.department_ids)),
                   involved.c.case_id + 0 <= Case.id)  # redundant on purpose: see _involvement
            .exists())


def _involvement() -> Subquery:
    """Which divisions a case involves, as (case_id, department_id) rows: the same three sources that
    ``may_read_case`` is given (engine.cases.service._case_departments).

    PostgreSQL keeps no statistics for a union and guesses 200 distinct cases in it, so for a 担当課 with
    tens of thousands it would read the whole union, make it distinct and look each case up (a kanban column
    took 33 ms, the filter choices 130 ms, at 100,000 cases). The redundant ``case_id + 0 <= id`` next to
    ``case_id = id`` in ``readable_cases`` rules that one plan out (the planner makes a semi-join's inner side
    distinct only when every clause joining it is an equality); probing per case and hashing remain. The
    ``+ 0`` keeps SQLite, which has no statistics unless ANALYZE ran, from probing the index with the range
    instead of the equality (a whole read of 20,000 cases took 7 s)."""
    return union_all(select(Project.case_id, Project.department_id),
                     select(HumanTask.case_id, HumanTask.department_id),
                     select(CaseParticipant.case_id, CaseParticipant.department_id)).subquery("involvement")


# --- case data: the city's internal judgements and what is shared with the 企業等 -------------------------
def sees_city_data(actor: Actor) -> bool:
    """City staff (and managers, process owners, administrators) read every field; a 企業等 contact reads only
    the fields shared with it: never the R-3.5 checks, ⑤'s R-3.6 exclusions or the city's reasons."""
    return actor.role is not Role.ORGANISATION


def visible_data(actor: Actor, data: Mapping[str, Any], shared: SharedData) -> dict[str, Any]:
    """The part of a case's (or a task's, or a step's saved) data this person may read; ``shared`` is the
    process's own (``CompiledProcess.shared``)."""
    return dict(data) if sees_city_data(actor) else shared.visible(data)


# --- tasks --------------------------------------------------------------------------------------------
def acts_in_lane(actor: Actor, task: HumanTask) -> bool:
    """The task is routed to this person's organisation or department."""
    if actor.role is Role.MANAGER:
        return False
    if task.lane == Lane.ORGANISATION:
        return actor.role is Role.ORGANISATION and task.organisation_id == actor.organisation_id
    return task.department_id is not None and task.department_id in actor.department_ids


def may_read_task(actor: Actor, task: HumanTask) -> bool:
    return actor.reads_everything or acts_in_lane(actor, task)




def may_claim(actor: Actor, task: HumanTask) -> bool:
    """Whether the task is this person's to work on; that it is still open and not someone else's is a
    conflict (409), not a permission."""
    return actor.may_change_cases and acts_in_lane(actor, task)


def claimed_by_another(actor: Actor, task: HumanTask) -> bool:
    """Claiming means something (issue #12 item 9): a task someone has taken is theirs to complete until it is
    released or reassigned (担当者の変更). A conflict of the moment (409), not a missing permission."""
    return task.claimed_by_id is not None and task.claimed_by_id != actor.user_id


def may_complete(actor: Actor, task: HumanTask) -> bool:
    """One's own lane, and not taken by someone else (an unclaimed group task: whoever completes it)."""
    return may_claim(actor, task) and not claimed_by_another(actor, task)


def may_release(actor: Actor, task: HumanTask) -> bool:
    """One's own claim, in one's own lane; 総合政策課 may also return anyone else's claim in its lanes to the group
    (an administrator outside the lane hands a task over with ``may_reassign`` instead)."""
    return may_claim(actor, task) and (task.claimed_by_id in (None, actor.user_id) or may_reassign(actor))


def may_reassign(actor: Actor) -> bool:
    """Handing a task to another person of its lane (担当者の変更)."""
    return actor.may_reassign


def routed_to(actor: Actor) -> ColumnElement[bool]:
    """SQL form of ``acts_in_lane``, for the inbox query (uses the state/department/organisation indexes)."""
    if actor.role is Role.MANAGER:
        return false()
    if actor.role is Role.ORGANISATION:
        return and_(HumanTask.lane == Lane.ORGANISATION.value, HumanTask.organisation_id == actor.organisation_id)
    if not actor.department_ids:
        return false()
    return and_(HumanTask.lane != Lane.ORGANISATION.value, HumanTask.department_id.in_(actor.department_ids))


def lists_lane(actor: Actor, lane: str) -> bool:
    """An agreement's page lists its open lifecycle tasks: a 企業等 those of its own lane (its 申出 is an
    action, not a task), city staff all of them (names and dates only; opening one follows ``may_read_task``)."""
    return actor.role is not Role.ORGANISATION or lane == Lane.ORGANISATION.value


# --- agreements (協定台帳) ------------------------------------------------------------------------------
AgreementAction = Literal["read", "call_general_meeting", "report_requirements_not_met", "give_notice"]


def may_act_on_agreement(actor: Actor, agreement: Agreement, action: AgreementAction) -> bool:
    if action == "read":
        return actor.role is not Role.ORGANISATION or agreement.organisation_id == actor.organisation_id
    if action == "give_notice":  # R-6.2: the 企業等 party itself (the city's notice is 総合政策課's confirmation)
        return (actor.may_change_cases and actor.role is Role.ORGANISATION
                and agreement.organisation_id == actor.organisation_id)
    # 総合政策課 owns every 包括連携協定: it calls the 全体会議 and reports
    return actor.may_change_cases and _coordinates(actor)


def may_attach_signed_copy(actor: Actor, agreement: Agreement, project_department_id: int | None) -> bool:
    """The signed scan is put on record by the agreement's owner (R-1, R-2): 総合政策課 for a 包括連携協定, the
    project's 担当課 for a 個別協定 (総合政策課 too, which keeps the city's ledger); never by a 企業等."""
    if not actor.may_change_cases or actor.role is Role.ORGANISATION:
        return False
    if _coordinates(actor):
        return True
    return agreement.kind != "comprehensive" and project_department_id in actor.department_ids


def may_register_agreements(actor: Actor) -> bool:
    """既存協定の登録 (issue #12 item 5): entering agreements signed before the system, by page or CSV, is
    総合政策課's (and administrators') — it owns every 包括連携協定 (R-1)."""
    return actor.may_change_cases and _coordinates(actor)


def readable_agreements(actor: Actor) -> ColumnElement[bool]:
    """SQL form of ``may_act_on_agreement(actor, agreement, "read")``."""
    return Agreement.organisation_id == actor.organisation_id if actor.role is Role.ORGANISATION else true()


# --- the rest of the city's screens -------------------------------------------------------------------
def is_city_staff(actor: Actor) -> bool:
    """Everyone but a 企業等 contact (e.g. a timer's failure is the city's to look into)."""
    return actor.role is not Role.ORGANISATION


def may_read_overview(actor: Actor) -> bool:
    """集計 and the process heat map: managers, 総合政策課, process owners, administrators."""
    return actor.reads_everything


def may_read_audit(actor: Actor) -> bool:
    return _coordinates(actor)


def manages_partners(actor: Actor) -> bool:
    """総合政策課 and administrators: organisations, their verification and their contacts."""
    return _coordinates(actor)


def manages_people(actor: Actor) -> bool:
    """Administrators only: departments, staff and every account."""
    return actor.role is Role.ADMIN


def may_read_processes(actor: Actor) -> bool:
    """The process library: process owners, administrators and the read-only manager."""
    return actor.role in (Role.PROCESS_OWNER, Role.ADMIN, Role.MANAGER)


def may_edit_processes(actor: Actor) -> bool:
    return actor.role in (Role.PROCESS_OWNER, Role.ADMIN)


def may_read_mail_outbox(actor: Actor) -> bool:
    return actor.role is Role.ADMIN


__all__ = [
    "CITY", "ORGANISATION", "SYSTEM", "Actor", "AgreementAction", "Role", "acts_in_lane",
    "claimed_by_another", "individual_role_refusal", "individual_start_refusal", "is_city_staff",
    "may_start_individual_agreement", "lists_lane", "manages_partners", "manages_people", "may_act_on_agreement",
    "may_attach_signed_copy", "may_cancel_case",
    "may_claim", "may_complete", "may_edit_processes", "may_propose", "may_read_audit", "may_read_case",
    "may_read_mail_outbox", "may_read_overview", "may_read_processes", "may_read_task", "may_reassign",
    "may_register_agreements", "may_release", "may_start_case", "proposes_as", "readable_agreements",
    "readable_cases", "routed_to", "sees_city_data", "start_refusal", "visible_data",
]
