"""Deploy-time checks of what SpiffWorkflow does not check until a case runs into it.

Each problem names the file, the element (id, name, lane) and the XML line, so a process owner can find
it in the modeler. The checks cover the contract in docs/process-data.md.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask, StandardLoopTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask as UserTaskMixin
from SpiffWorkflow.specs.MultiChoice import MultiChoice

from engine.definitions.foreign import foreign_expression_hint
from engine.domain.guideline import OUTCOMES, Lane
from engine.errors import DefinitionProblem
from engine.forms.definition import FormDefinition
from engine.workflow.scripting import SCRIPT_ENGINE, ScriptRefusedError

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
NS = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS}

# Elements that need a shape in the diagram (everything a modeler draws as a box, circle or diamond).
_FLOW_NODES = (
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask",
    "callActivity", "subProcess", "transaction", "startEvent", "endEvent", "intermediateCatchEvent",
    "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
    "eventBasedGateway", "complexGateway",
)
FLOW_NODES = _FLOW_NODES  # public name for other definition modules (the version diff)


@dataclass(frozen=True)
class ElementLocation:
    file_name: str
    line: int | None
    name: str | None
    lane: str | None


def locate_elements(files: Mapping[str, bytes]) -> dict[str, ElementLocation]:
    """Maps each element id to where it stands (file, XML line, name, lane) for error messages."""
    found: dict[str, ElementLocation] = {}
    for file_name, content in files.items():
        root = etree.fromstring(content)
        lanes = {ref.text.strip(): lane.get("name") for lane in root.iterfind(".//bpmn:lane", NS)
                 for ref in lane.iterfind("bpmn:flowNodeRef", NS) if ref.text}
        for element in root.iter():
            element_id = element.get("id") if isinstance(element.tag, str) else None
            if element_id and etree.QName(element).namespace == BPMN_NS:
                found[element_id] = ElementLocation(file_name, element.sourceline, element.get("name"),
                                                    lanes.get(element_id))
    return found


def check_diagram_xml(file_name: str, content: bytes) -> Iterator[DefinitionProblem]:
    """Lanes must be roles, and every element needs diagram layout so modelers can open the file."""
    root = etree.fromstring(content)
    drawn = {shape.get("bpmnElement") for shape in root.iterfind(".//bpmndi:BPMNShape", NS)}
    drawn |= {edge.get("bpmnElement") for edge in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    for lane in root.iterfind(".//bpmn:lane", NS):
        if Lane.from_bpmn(lane.get("name")) is None:
            yield DefinitionProblem(file_name, "レーン名は「企業等」「総合政策課」「担当課」のいずれかにしてください",
                                    lane.get("id"), lane.get("name"), line=lane.sourceline)
    for process in root.iterfind("bpmn:process", NS):
        has_lanes = process.find("bpmn:laneSet", NS) is not None
        in_lane = {ref.text.strip() for ref in process.iterfind(".//bpmn:flowNodeRef", NS) if ref.text}
        for tag in (*_FLOW_NODES, "sequenceFlow", "lane"):
            for element in process.iterfind(f".//bpmn:{tag}", NS):
                element_id = element.get("id")
                if element_id not in drawn:
                    yield DefinitionProblem(file_name, "図（BPMN DI）に配置されていません",
                                            element_id, element.get("name"), line=element.sourceline)
                if has_lanes and tag in _FLOW_NODES and element.getparent() is process and element_id not in in_lane:
                    yield DefinitionProblem(file_name, "どのレーンにも属していません",
                                            element_id, element.get("name"), line=element.sourceline)


def expression_problem(source: str, *, script: bool = False) -> str | None:
    hint = None if script else foreign_expression_hint(source)
    if hint:
        return hint
    try:
        if script:
            SCRIPT_ENGINE.validate_script(source)
        else:
            SCRIPT_ENGINE.validate(source)
    except SyntaxError as error:
        return f"構文エラー（{error.lineno}行目）: {error.msg}"
    except ScriptRefusedError as error:
        return f"制限された環境では実行できません: {error}"
    return None


def _dmn_cell_problem(text: str) -> str | None:
    """A DMN input cell is either an expression compared with ``==`` or starts with an operator."""
    if expression_problem(text) is None:
        return None
    return expression_problem(f"v {text}") and expression_problem(text.replace("?", "dmninputexpr"))


_ISO_LOOKING = re.compile(r"^(R\d*/|P(\d|T\d)|\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def _timer_problem(task_spec) -> str | None:
    """Timer expressions are Python (notes §5): an ISO value must be quoted, and a date needs its offset."""
    definition = task_spec.event_definition
    expression = definition.expression.strip()
    if _ISO_LOOKING.match(expression):
        return f"タイマー式「{expression}」は引用符で囲んでください（例: \"{expression}\"）"
    try:
        literal = ast.literal_eval(expression)
    except (ValueError, SyntaxError):
        return None  # an expression over case data: checked when it runs
    if not isinstance(literal, str):
        return f"タイマー式「{expression}」は ISO 8601 の文字列にしてください"
    try:
        if isinstance(definition, CycleTimerEventDefinition):
            TimerEventDefinition.parse_iso_recurring_interval(literal)
        elif isinstance(definition, DurationTimerEventDefinition):
            TimerEventDefinition.parse_iso_duration(literal)
        else:
            moment = TimerEventDefinition.get_datetime(literal)
            if moment.tzinfo is None:
                return f"タイマーの日時「{literal}」には時差を付けてください（例: +09:00）"
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises a bare Exception for a bad duration
        return f"タイマー式「{literal}」は ISO 8601 として読めません"
    return None


def _task_expressions(task_spec) -> Iterator[tuple[str, str, bool]]:
    """(what, source, is_script) for every piece of Python SpiffWorkflow 3.2 will evaluate for a task spec."""
    for what, attribute in (("スクリプト", "script"), ("事前スクリプト", "prescript"), ("事後スクリプト", "postscript")):
        source = getattr(task_spec, attribute, None)
        if source:
            yield what, source, True
    yield from _flow_expressions(task_spec)
    yield from _event_expressions(getattr(task_spec, "event_definition", None))
    for name, parameter in (getattr(task_spec, "operation_params", None) or {}).items():
        if isinstance(parameter, dict) and parameter.get("value"):
            yield f"サービスのパラメータ「{name}」", parameter["value"], False
    engine = getattr(task_spec, "dmnEngine", None)
    if engine is not None:
        table = engine.decision_table
        for column in table.inputs:
            yield f"判定表 {table.id} の入力「{column.label or column.id}」", column.expression, False


def _flow_expressions(task_spec) -> Iterator[tuple[str, str, bool]]:
    """Gateway conditions, and the cardinality and conditions of multi-instance and standard loops."""
    if isinstance(task_spec, MultiChoice):
        for condition, target in task_spec.cond_task_specs:
            if condition is not None:
                target_spec = task_spec._wf_spec.task_specs.get(target)
                target_name = (target_spec.bpmn_name or target_spec.bpmn_id) if target_spec else target
                yield f"分岐条件（→ {target_name}）", condition.args[0], False
    if isinstance(task_spec, MultiInstanceTask):
        attributes = (("繰り返し回数", "cardinality"), ("完了条件", "condition"))
    elif isinstance(task_spec, StandardLoopTask):
        attributes = (("繰り返しの条件", "condition"),)
    else:
        attributes = ()
    for what, attribute in attributes:
        source = getattr(task_spec, attribute, None)
        if isinstance(source, str) and source:
            yield what, source, False


_EVENT_EXPRESSIONS = {
    "Timer": "タイマー式", "Conditional": "条件イベントの条件", "Message": "メッセージの内容",
    "Signal": "シグナルの内容", "Error": "エラーの内容", "Escalation": "エスカレーションの内容",
}


def _event_expressions(definition) -> Iterator[tuple[str, str, bool]]:
    """Timer and condition expressions, payloads thrown with an event, and message correlation keys."""
    if definition is None:
        return
    for inner in getattr(definition, "event_definitions", None) or ():  # a multiple event
        yield from _event_expressions(inner)
    expression = getattr(definition, "expression", None)
    if isinstance(expression, str) and expression:
        name = type(definition).__name__
        yield next((what for key, what in _EVENT_EXPRESSIONS.items() if key in name), "イベントの式"), expression, False
    for prop in (*(getattr(definition, "correlation_properties", None) or ()),
                 *(getattr(definition, "process_correlations", None) or ())):
        if prop.retrieval_expression:
            yield f"メッセージの相関キー「{prop.name}」", prop.retrieval_expression, False


def _dmn_problems(task_spec, location) -> Iterator[DefinitionProblem]:
    engine = getattr(task_spec, "dmnEngine", None)
    if engine is None:
        return
    table = engine.decision_table
    for rule in table.rules:
        for entry in rule.inputEntries:
            for cell in (lhs for lhs in entry.lhs if lhs):
                problem = _dmn_cell_problem(cell)
                if problem:
                    yield _problem(task_spec, location, f"判定表 {table.id} {rule.row_number}行目の条件「{cell}」: {problem}")
        for entry in rule.outputEntries:
            if entry.text:
                problem = expression_problem(entry.text)
                if problem:
                    yield _problem(task_spec, location, f"判定表 {table.id} {rule.row_number}行目の出力「{entry.text}」: {problem}")


def _problem(task_spec, location: Mapping[str, ElementLocation], message: str) -> DefinitionProblem:
    where = location.get(task_spec.bpmn_id)
    return DefinitionProblem(
        where.file_name if where else task_spec._wf_spec.file or "",
        message,
        task_spec.bpmn_id,
        task_spec.bpmn_name or (where.name if where else None),  # a loop's own spec carries neither
        task_spec.lane or (where.lane if where else None),
        where.line if where else None,
    )


def check_specs(top: BpmnProcessSpec, called: Mapping[str, BpmnProcessSpec], forms: Mapping[str, FormDefinition],
                location: Mapping[str, ElementLocation]) -> Iterator[DefinitionProblem]:
    for spec in (top, *called.values()):
        condition = getattr(spec, "completion_condition", None)
        problem = expression_problem(condition) if condition else None
        if problem:
            yield DefinitionProblem(spec.file or "", f"完了条件「{condition.strip()[:60]}」: {problem}", spec.name)
        for task_spec in spec.task_specs.values():
            if task_spec.bpmn_id is None:
                continue
            yield from _check_task(task_spec, spec is top, forms, location)


def _check_task(task_spec, is_top: bool, forms, location) -> Iterator[DefinitionProblem]:
    if isinstance(task_spec, UserTaskMixin):
        form_ref = task_spec.extensions.get("formRef")
        if Lane.from_bpmn(task_spec.lane) is None:
            yield _problem(task_spec, location, "ユーザータスクは役割のレーン（企業等・総合政策課・担当課）に置いてください")
        if not form_ref:
            yield _problem(task_spec, location, "フォーム（camunda:formRef）が指定されていません")
        elif form_ref not in forms:
            yield _problem(task_spec, location, f"フォーム「{form_ref}」が見つかりません（forms/{form_ref}.form）")
    if is_top and type(task_spec).__name__ == "EndEvent":
        outcome = task_spec.extensions.get("properties", {}).get("outcome")
        if outcome not in OUTCOMES:
            yield _problem(task_spec, location,
                           f"終了イベントに結果（outcome: {', '.join(OUTCOMES)}）が指定されていません")
    for what, source, is_script in _task_expressions(task_spec):
        problem = expression_problem(source, script=is_script)
        if problem:
            yield _problem(task_spec, location, f"{what}「{source.strip()[:60]}」: {problem}")
    if isinstance(task_spec, CatchingEvent) and isinstance(task_spec.event_definition, TimerEventDefinition):
        problem = _timer_problem(task_spec)
        if problem:
            yield _problem(task_spec, location, problem)
    yield from _dmn_problems(task_spec, location)
