"""Whole-file checks of the BPMN XML itself (issue #13 item 1), before SpiffWorkflow parses anything.

SpiffWorkflow's parser builds only what a start event reaches (notes §13): a task cut off by a deleted flow,
a task with no incoming flow, a flow to a missing id never become part of the spec, so checks over the spec
never see them. These checks walk every element of every process in every file: flows and references,
reachability from a start event and a way on to an end, gateways' conditions and defaults, each user task's
lane and form, the Python of elements the parser skips, and the policy for foreign attributes
(``engine.definitions.foreign``). Each problem names file, element id, name, lane and XML line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from lxml import etree

from engine.definitions.foreign import BPMN_NS, CAMUNDA_NS, SPIFF_NS, construct_problems, foreign_findings
from engine.definitions.lint import FLOW_NODES, expression_problem
from engine.domain.guideline import Lane
from engine.errors import DefinitionProblem

_SCOPES = {"process", "subProcess", "transaction", "adHocSubProcess"}
_FLOW = {*FLOW_NODES, "adHocSubProcess"}
_STOP = {*_SCOPES, "definitions", "laneSet", "collaboration"}
_REFERENCES = (  # (attribute, the element it names, what it is called)
    ("messageRef", "message", "メッセージ"), ("errorRef", "error", "エラー"), ("signalRef", "signal", "シグナル"),
    ("escalationRef", "escalation", "エスカレーション"),
)


def _tag(local: str) -> str:
    return f"{{{BPMN_NS}}}{local}"


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


@dataclass
class _File:
    name: str
    root: etree._Element
    ids: dict[str, etree._Element] = field(default_factory=dict)
    lanes: dict[str, str] = field(default_factory=dict)

    def where(self, element) -> tuple[str | None, str | None, str | None, int | None]:
        """(id, name, lane, line) of the flow element (or lane, process) that ``element`` belongs to."""
        while element.getparent() is not None and _local(element.getparent()) not in _STOP:
            element = element.getparent()
        element_id = element.get("id")
        return element_id, element.get("name"), self.lanes.get(element_id or ""), element.sourceline

    def problem(self, element, message: str) -> DefinitionProblem:
        element_id, name, lane, line = self.where(element)
        return DefinitionProblem(self.name, message, element_id, name, lane, line)


@dataclass(frozen=True)
class XmlReport:
    problems: list[DefinitionProblem]
    notes: list[DefinitionProblem]


def check_files(bpmn_files: Mapping[str, bytes], dmn_files: Mapping[str, bytes], form_ids: Iterable[str]) -> XmlReport:
    """Every problem and note of the whole files; files that are not well-formed are left to the parser."""
    files = [_read(name, content) for name, content in bpmn_files.items()]
    files = [f for f in files if f is not None]
    known = {
        "process": {p.get("id") for f in files for p in f.root.iter(_tag("process"))},
        "decision": _decision_ids(dmn_files),
        **{kind: {e.get("id") for f in files for e in f.root.iter(_tag(kind))} for _, kind, _ in _REFERENCES},
    }
    problems: list[DefinitionProblem] = []
    notes: list[DefinitionProblem] = []
    for file in files:
        problems.extend(_reference_problems(file, known))
        for process in file.root.iter(_tag("process")):
            problems.extend(_scope_problems(file, process))
        problems.extend(_user_task_problems(file, set(form_ids)))
        problems.extend(construct_problems(file.name, file.root, file.where))
        for finding in foreign_findings(file.name, file.root, file.where):
            (problems if finding.blocking else notes).append(finding.problem)
    return XmlReport(problems, notes)


def _read(name: str, content: bytes) -> _File | None:
    try:
        root = etree.fromstring(content)
    except etree.XMLSyntaxError:
        return None  # reported by the parser step with its line
    file = _File(name, root)
    for element in root.iter():
        element_id = element.get("id") if isinstance(element.tag, str) else None
        if element_id:
            file.ids.setdefault(element_id, element)
    for lane in root.iter(_tag("lane")):
        for ref in lane.iterfind(_tag("flowNodeRef")):
            if ref.text:
                file.lanes[ref.text.strip()] = lane.get("name")
    for scope in root.iter(*(_tag(kind) for kind in _SCOPES - {"process"})):  # inner elements: the lane around
        lane = file.lanes.get(scope.get("id") or "")
        for inner in scope.iter():
            if lane and isinstance(inner.tag, str) and inner.get("id"):
                file.lanes.setdefault(inner.get("id"), lane)
    return file


def _decision_ids(dmn_files: Mapping[str, bytes]) -> set[str]:
    found = set()
    for content in dmn_files.values():
        try:
            root = etree.fromstring(content)
        except etree.XMLSyntaxError:
            continue
        found |= {e.get("id") for e in root.iter() if isinstance(e.tag, str) and _local(e) == "decision"}
    return found


def _reference_problems(file: _File, known: Mapping[str, set]) -> Iterator[DefinitionProblem]:
    """Lanes naming missing elements, events naming missing messages, calls and decisions pointing nowhere."""
    for lane in file.root.iter(_tag("lane")):
        for ref in lane.iterfind(_tag("flowNodeRef")):
            target = (ref.text or "").strip()
            if target not in file.ids:
                yield DefinitionProblem(file.name, f"レーンに載っている要素「{target}」が図にありません",
                                        lane.get("id"), lane.get("name"), line=ref.sourceline)
    for attribute, kind, what in _REFERENCES:
        for element in file.root.iter():
            value = element.get(attribute) if isinstance(element.tag, str) else None
            if value is not None and value not in known[kind]:
                yield file.problem(element, f"{what}「{value}」（{attribute}）が定義されていません")
    for definition in file.root.iter(_tag("messageEventDefinition")):
        if definition.get("messageRef") is None and _local(definition.getparent()) != "endEvent":
            yield file.problem(definition, "メッセージ（messageRef）が指定されていません")
    yield from _call_problems(file, known)


def _call_problems(file: _File, known: Mapping[str, set]) -> Iterator[DefinitionProblem]:
    for call in file.root.iter(_tag("callActivity")):
        called = (call.get("calledElement") or "").strip()
        if not called:
            yield file.problem(call, "呼び出すプロセス（calledElement）が指定されていません")
        elif called not in known["process"]:
            yield file.problem(call, f"呼び出すプロセス「{called}」が見つかりません（{called}/{called}.bpmn）")
    for task in file.root.iter(_tag("businessRuleTask")):
        spiff = task.find(f"{_tag('extensionElements')}/{{{SPIFF_NS}}}calledDecisionId")
        decision = (task.get(f"{{{CAMUNDA_NS}}}decisionRef") or (spiff.text if spiff is not None else "") or "").strip()
        if not decision:
            yield file.problem(task, "判定表（camunda:decisionRef）が指定されていません")
        elif decision not in known["decision"]:
            yield file.problem(task, f"判定表「{decision}」が見つかりません（{decision}.dmn）")


def _user_task_problems(file: _File, form_ids: set[str]) -> Iterator[DefinitionProblem]:
    for task in file.root.iter(_tag("userTask")):
        if Lane.from_bpmn(file.lanes.get(task.get("id") or "")) is None:
            yield file.problem(task, "ユーザータスクは役割のレーン（企業等・総合政策課・担当課）に置いてください")
        form_ref = (task.get(f"{{{CAMUNDA_NS}}}formRef") or "").strip()
        if not form_ref:
            yield file.problem(task, "フォーム（camunda:formRef）が指定されていません")
        elif form_ref not in form_ids:
            yield file.problem(task, f"フォーム「{form_ref}」が見つかりません（forms/{form_ref}.form）")


# --- flows: references, reachability, a way to an end, gateways ------------------------------------------
def _scope_problems(file: _File, scope) -> Iterator[DefinitionProblem]:
    nodes = {n.get("id"): n for n in scope if _local(n) in _FLOW and n.get("id")}
    flows = [f for f in scope if _local(f) == "sequenceFlow"]
    valid: list[tuple[etree._Element, str, str]] = []
    for flow in flows:
        refused = list(_flow_end_problems(file, flow, nodes))
        yield from refused
        if not refused:
            valid.append((flow, flow.get("sourceRef"), flow.get("targetRef")))
    outgoing: dict[str, list[str]] = {node: [] for node in nodes}
    incoming: dict[str, list[str]] = {node: [] for node in nodes}
    for _, source, target in valid:
        outgoing[source].append(target)
        incoming[target].append(source)
    ad_hoc = _local(scope) == "adHocSubProcess"
    if not ad_hoc:
        yield from _reachability_problems(file, scope, nodes, outgoing, incoming)
    yield from _gateway_problems(file, nodes, valid)
    for child in nodes.values():
        if _local(child) in _SCOPES:
            yield from _scope_problems(file, child)


def _flow_end_problems(file: _File, flow, nodes) -> Iterator[DefinitionProblem]:
    for attribute, what in (("sourceRef", "接続元"), ("targetRef", "接続先")):
        ref = flow.get(attribute)
        if not ref or ref not in file.ids:
            yield file.problem(flow, f"流れの{what}「{ref or ''}」（{attribute}）が図にありません")
        elif ref not in nodes:
            yield file.problem(flow, f"流れの{what}「{ref}」は別のプロセス（またはサブプロセス）の要素です")


def _is_entry(node) -> bool:
    """Nodes a scope may begin at without an incoming flow."""
    local = _local(node)
    return (local in ("startEvent", "boundaryEvent") or node.get("triggeredByEvent") == "true"
            or (local == "intermediateCatchEvent" and node.find(_tag("linkEventDefinition")) is not None))


def _walk(starts: Iterable[str], edges: Mapping[str, list[str]]) -> set[str]:
    seen, pending = set(), list(starts)
    while pending:
        current = pending.pop()
        if current not in seen:
            seen.add(current)
            pending.extend(edges.get(current, ()))
    return seen


def _reachability_problems(file, scope, nodes, outgoing, incoming) -> Iterator[DefinitionProblem]:
    boundary = {}
    for node_id, node in nodes.items():
        if _local(node) == "boundaryEvent" and node.get("attachedToRef") in nodes:
            boundary.setdefault(node.get("attachedToRef"), []).append(node_id)
    forward = {n: outgoing[n] + boundary.get(n, []) for n in nodes}
    starts = [n for n, node in nodes.items() if _local(node) == "startEvent" and node.get("triggeredByEvent") != "true"]
    starts += [n for n, node in nodes.items() if node.get("triggeredByEvent") == "true"
               or (_local(node) == "intermediateCatchEvent" and node.find(_tag("linkEventDefinition")) is not None)]
    if nodes and not any(_local(node) == "startEvent" for node in nodes.values()):
        yield file.problem(scope, "開始イベントがありません")
    reached = _walk(starts, forward)
    roots = [n for n in nodes if n not in reached and not incoming[n] and not _is_entry(nodes[n])]
    explained = _walk(roots, forward) - reached
    for node_id in roots:
        after = sorted(explained & _walk([node_id], forward) - {node_id}, key=lambda n: nodes[n].sourceline or 0)
        more = f"（このため {', '.join(after[:5])}{' ほか' if len(after) > 5 else ''} にも進めません）" if after else ""
        yield file.problem(nodes[node_id], f"入ってくる流れ（シーケンスフロー）がありません。前の要素からつないでください{more}")
    for node_id in nodes:
        if node_id not in reached and node_id not in explained and _local(nodes[node_id]) != "boundaryEvent":
            yield file.problem(nodes[node_id], "開始イベントからたどり着けません（流れがつながっていません）")
    yield from _dead_end_problems(file, nodes, outgoing, forward, reached)
    yield from _unreached_expression_problems(file, [nodes[n] for n in nodes if n not in reached])


def _dead_end_problems(file, nodes, outgoing, forward, reached) -> Iterator[DefinitionProblem]:
    ends = [n for n, node in nodes.items() if _local(node) == "endEvent"]
    backward: dict[str, list[str]] = {}
    for source, targets in forward.items():
        for target in targets:
            backward.setdefault(target, []).append(source)
    finishing = _walk(ends, backward)
    dead = {n for n in reached if not outgoing[n] and _local(nodes[n]) != "endEvent"
            and nodes[n].get("triggeredByEvent") != "true"}
    for node_id in sorted(dead, key=lambda n: nodes[n].sourceline or 0):
        yield file.problem(nodes[node_id], "出ていく流れがありません。終了イベントまでつないでください")
    if any(node.find(f"{_tag('terminateEventDefinition')}") is not None for node in nodes.values()):
        return  # a branch may wait in a loop for ever: a terminate end elsewhere ends the whole scope
    for node_id in sorted(reached - finishing - dead, key=lambda n: nodes[n].sourceline or 0):
        if not (_walk([node_id], forward) & dead) and nodes[node_id].get("triggeredByEvent") != "true":
            yield file.problem(nodes[node_id], "ここから終了イベントにたどり着く道がありません（抜け出せない繰り返し）")


def _gateway_problems(file, nodes, valid) -> Iterator[DefinitionProblem]:
    flows_from: dict[str, list] = {}
    for flow, source, _ in valid:
        flows_from.setdefault(source, []).append(flow)
    for node_id, node in nodes.items():
        default = node.get("default")
        leaving = flows_from.get(node_id, [])
        if default and default not in {f.get("id") for f in leaving}:
            yield file.problem(node, f"既定の流れ「{default}」（default）は、この要素から出ている流れではありません")
        if _local(node) in ("exclusiveGateway", "inclusiveGateway") and len(leaving) > 1:
            for flow in leaving:
                condition = flow.find(_tag("conditionExpression"))
                if flow.get("id") != default and (condition is None or not (condition.text or "").strip()):
                    yield file.problem(flow, f"分岐「{node.get('name') or node_id}」から出る流れに、条件も既定の流れ"
                                             "（default）の指定もありません。条件（Python の式）を書くか、既定の流れにしてください")


# --- the Python of elements the parser never reaches ------------------------------------------------------
_EXPRESSIONS = (  # (child path, what, is a script)
    ("bpmn:script", "スクリプト", True), ("bpmn:conditionExpression", "分岐条件", False),
    (".//bpmn:timeDate", "タイマー式", False), (".//bpmn:timeDuration", "タイマー式", False),
    (".//bpmn:timeCycle", "タイマー式", False), (".//bpmn:loopCardinality", "繰り返し回数", False),
    (".//bpmn:completionCondition", "完了条件", False), (".//bpmn:condition", "条件イベントの条件", False),
    ("bpmn:extensionElements/spiffworkflow:preScript", "事前スクリプト", True),
    ("bpmn:extensionElements/spiffworkflow:postScript", "事後スクリプト", True),
)
_NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}


def _unreached_expression_problems(file: _File, elements) -> Iterator[DefinitionProblem]:
    """Reachable elements' Python is compiled by the lint over the parsed spec; these the parser never sees."""
    pending = list(elements)
    unreached_ids = {e.get("id") for e in elements}
    scope = elements[0].getparent() if elements else None
    if scope is not None:
        pending += [f for f in scope if _local(f) == "sequenceFlow" and f.get("sourceRef") in unreached_ids]
    for element in pending:
        for path, what, is_script in _EXPRESSIONS:
            for found in element.iterfind(path, _NS):
                source = (found.text or "").strip()
                problem = expression_problem(source, script=is_script) if source else None
                if problem:
                    yield file.problem(element, f"{what}「{source[:60]}」: {problem}")
