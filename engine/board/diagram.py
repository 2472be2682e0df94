"""案件詳細: the case's own diagrams with how far each element got, and its history with readable data.

This is the one board page that reads a workflow (one case): completed, current and repeated elements
and multi-instance progress come from the workflow's task tree; who did what, when and with what data
from the audit trail and the human_task rows; the diagrams from the process version the case runs on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from lxml import etree
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor, sees_city_data, visible_data
from engine.audit import ACTION_LABELS
from engine.board.labels import readable
from engine.board.views import DataField, Diagram, ElementState, HistoryItem
from engine.definitions.compiler import CompiledProcess, called_process_ids
from engine.definitions.identifiers import bpmn_path
from engine.definitions.lint import NS
from engine.domain.guideline import CATEGORIES, Lane
from engine.domain.projects import is_counted
from engine.persistence.models import AuditEvent, Case, Department, HumanTask, Project, UserAccount

_ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING
ACTIONS = {
    "case_started": "案件を開始", "task_completed": "完了", "task_claimed": "担当する",
    "task_released": "担当を外す", "task_reassigned": "担当者を変更", "timer_fired": "期限（タイマー）の到来",
    "case_cancelled": "取り下げ", "organisation_registered": "企業等の新規登録（公開ページ）",
}
TASK_ACTIONS = {"task_completed", "task_claimed", "task_released", "task_reassigned"}
IMPLEMENTATION = {"implement": "実施する", "not_implement": "実施しない"}


def bpmn_file(files: Mapping[str, str], process_id: str) -> str:
    """The file that holds the process: named after it, or (a called process drawn as a second pool, e.g.
    agreement_period inside agreement_lifecycle.bpmn) whichever .bpmn file declares it."""
    named = bpmn_path(process_id)
    if named in files:
        return named
    for name, content in sorted(files.items()):
        if name.endswith(".bpmn") and process_id in content:
            root = etree.fromstring(content.encode("utf-8"))
            if root.find(f".//bpmn:process[@id='{process_id}']", NS) is not None:
                return name
    raise KeyError(f"no .bpmn file holds the process {process_id!r}")


def bpmn_xml(files: Mapping[str, str], process_id: str) -> str:
    return files[bpmn_file(files, process_id)]


# What an element without a name is called on the page (its id is for the process owner, not for people).
UNNAMED = {"exclusiveGateway": "分岐", "inclusiveGateway": "分岐", "parallelGateway": "並行する手順の分岐・合流",
           "eventBasedGateway": "イベントの待ち合わせ", "startEvent": "開始", "endEvent": "終了",
           "intermediateCatchEvent": "待機", "intermediateThrowEvent": "通知", "boundaryEvent": "期限・割り込み",
           "scriptTask": "自動処理", "serviceTask": "自動処理", "callActivity": "呼び出し", "subProcess": "サブプロセス"}


def element_names(xml: str) -> dict[str, str]:
    root = etree.fromstring(xml.encode("utf-8"))
    return {node.get("id"): node.get("name") or UNNAMED.get(etree.QName(node).localname, "手順")
            for node in root.iterfind(".//bpmn:process//*[@id]", NS)}


def call_activities(xml: str) -> dict[str, str]:
    """{call activity id: the process it calls}."""
    root = etree.fromstring(xml.encode("utf-8"))
    return {node.get("id"): node.get("calledElement") for node in root.iterfind(".//bpmn:callActivity", NS)}


def _element_progress(workflow: BpmnWorkflow) -> dict[tuple[str, str], dict[str, int | None]]:
    """Per (process, element): completions (a loop counts every pass), open now, multi-instance progress."""
    found: dict[tuple[str, str], dict[str, int | None]] = defaultdict(
        lambda: {"completed": 0, "active": 0, "done": None, "total": None})
    for task in workflow.get_tasks():
        spec = task.task_spec
        if not spec.bpmn_id:
            continue
        entry = found[(task.workflow.spec.name, spec.bpmn_id)]
        if isinstance(spec, MultiInstanceTask):
            if task.state & (TaskState.STARTED | TaskState.COMPLETED):
                info = spec.task_info(task)
                done = len(info["completed"])
                entry["done"] = done
                entry["total"] = done + len(info["running"]) + len(info["future"])
            continue  # its instances are counted one by one below
        if task.state == TaskState.COMPLETED:
            entry["completed"] += 1
        elif task.state & _ACTIVE:
            entry["active"] += 1
    return found


def diagrams(files: Mapping[str, str], process: CompiledProcess, workflow: BpmnWorkflow,
             history: list[HistoryItem]) -> list[Diagram]:
    """One diagram per file: a called process in the caller's own file is drawn (and filled in) there."""
    progress = _element_progress(workflow)
    by_file: dict[str, list[str]] = defaultdict(list)
    for process_id in called_process_ids(process.bundle, process.process_id):
        by_file[bpmn_file(files, process_id)].append(process_id)
    shown = []
    for index, (file_name, process_ids) in enumerate(by_file.items()):
        xml = files[file_name]
        elements = _elements(xml, set(process_ids), progress, history)
        if index > 0 and not elements:
            continue  # a called process this case never entered
        name = etree.fromstring(xml.encode("utf-8")).find(
            f".//bpmn:process[@id='{process_ids[0]}']", NS).get("name") or process_ids[0]
        shown.append(Diagram(process_ids[0], name, xml, elements, called=index > 0))
    return shown


def _elements(xml: str, process_ids: set[str], progress: Mapping[tuple[str, str], Mapping[str, int | None]],
              history: list[HistoryItem]) -> dict[str, ElementState]:
    entries = defaultdict(list)
    for item in history:
        if item.process_id in process_ids and item.bpmn_id and item.action in TASK_ACTIONS:
            entries[item.bpmn_id].append(item.index)
    names = element_names(xml)
    elements = {bpmn_id: ElementState(bpmn_id, names.get(bpmn_id, bpmn_id), p["completed"], p["active"],
                                      p["done"], p["total"], entries.get(bpmn_id, []))
                for (owner, bpmn_id), p in progress.items() if owner in process_ids}
    for bpmn_id, indexes in entries.items():
        elements.setdefault(bpmn_id, ElementState(bpmn_id, names.get(bpmn_id, bpmn_id), 0, 0, history=indexes))
    return elements


def history(session: Session, case: Case, process: CompiledProcess, actor: Actor) -> list[HistoryItem]:
    """Who did what and when, with the data each step saved: for a 企業等 only its shared part
    (``engine.access.visible_data``), so the city's judgements at ② – ⑥ never reach its case page."""
    tasks = {t.id: t for t in session.scalars(select(HumanTask).where(HumanTask.case_id == case.id))}
    departments = {d.id: d for d in session.scalars(select(Department))}
    department_names = {d.code: d.name for d in departments.values()}
    events = session.execute(select(AuditEvent, UserAccount.display_name)
                             .outerjoin(UserAccount, AuditEvent.actor_id == UserAccount.id)
                             .where(AuditEvent.case_id == case.id).order_by(AuditEvent.at, AuditEvent.id)).all()
    people = _people(session, [e for e, _ in events])
    items = []
    for index, (event, person) in enumerate(events):
        task = tasks.get(event.task_id or "")
        detail = event.detail or {}
        data: list[DataField] = []
        if event.action == "task_completed" and task is not None and task.form_ref in process.forms:
            saved = visible_data(actor, detail.get("data") or {}, process.shared)
            data = readable(process.forms[task.form_ref].components, saved, department_names)
        party = None
        if task is not None:
            party = case.organisation.name if task.lane == Lane.ORGANISATION.value else \
                getattr(departments.get(task.department_id), "name", None)
        items.append(HistoryItem(
            index=index, at=event.at, action=event.action, action_label=action_label(event.action),
            step=event.step, lane=event.lane, person=person or ("システム" if event.actor_id is None else None),
            party=party, process_id=task.process_id if task else None, bpmn_id=task.bpmn_id if task else None,
            project=task.project_title if task is not None and task.project_key else None,
            data=data, note=_note(event.action, detail, people)))
    return items


def action_label(action: str) -> str:
    """The case page's word for the action, else the audit trail's; never the stored key."""
    return ACTIONS.get(action) or ACTION_LABELS.get(action) or "記録"


def _people(session: Session, events: list[AuditEvent]) -> dict[int, str]:
    ids = {v for e in events if e.action == "task_reassigned" for v in
           ((e.detail or {}).get("from_user"), (e.detail or {}).get("to_user")) if v}
    if not ids:
        return {}
    return dict(session.execute(select(UserAccount.id, UserAccount.display_name).where(UserAccount.id.in_(ids))).all())


def _note(action: str, detail: Mapping, people: Mapping[int, str]) -> str | None:
    if action == "task_reassigned":
        before = people.get(detail.get("from_user"), "（未割当て）")
        return f"{before} → {people.get(detail.get('to_user'), '')}"
    if action == "case_cancelled":
        return f"理由：{detail.get('reason', '')}"
    if action == "case_started":
        return "市からの提案" if detail.get("initiated_by") == "city" else "企業等からの提案"
    return None


def projects(session: Session, case: Case, actor: Actor) -> list[dict[str, str | bool | None]]:
    """The case's projects; whether ⑤ found an R-3.6 item (and so whether one counts) is the city's to see."""
    departments = {d.id: d.name for d in session.scalars(select(Department))}
    internal = sees_city_data(actor)
    return [{"key": p.key, "title": p.title, "category": CATEGORIES.get(p.category or "", ""),
             "department": departments.get(p.department_id), "removed": p.removed,
             "implementation": IMPLEMENTATION.get(p.implementation or ""),
             "counted": is_counted(p) if internal else None, "excluded": bool(p.exclusions) and internal}
            for p in session.scalars(select(Project).where(Project.case_id == case.id).order_by(Project.id))]
