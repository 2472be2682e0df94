"""What Renkei does with attributes and constructs written for another engine (issue #13 item 2).

SpiffWorkflow ignores unknown extension attributes silently (notes §13): a Camunda ``candidateGroups`` or a
Zeebe ``assignmentDefinition`` parses fine and simply does nothing, so a diagram drawn for Camunda would run
with other people, other dates and other data than its owner meant. Every such attribute or element is
therefore either honoured (read by ``engine.definitions.parser``), refused with what to do instead, or — when
it changes nothing anywhere (modeler settings, history) — listed as a note that does not block a deploy.
The table in docs/process-owners.md mirrors ``ATTRIBUTES`` and ``ELEMENTS``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from engine.errors import DefinitionProblem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
MODELER_NS = "http://camunda.org/schema/modeler/1.0"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
PREFIXES = {CAMUNDA_NS: "camunda", ZEEBE_NS: "zeebe", MODELER_NS: "modeler", SPIFF_NS: "spiffworkflow"}
# Namespaces that carry nothing but looks (bpmn-js colours) or XML itself: allowed without a word.
_SILENT = {
    "http://www.w3.org/2001/XMLSchema-instance", "http://www.w3.org/XML/1998/namespace",
    "http://www.omg.org/spec/BPMN/non-normative/color/1.0", "http://bpmn.io/schema/bpmn/biocolor/1.0",
}

HONOURED, REFUSED, NOTE = "honoured", "refused", "note"

_LANE = "担当はレーンで決まります。{name} は使えません（タスクを企業等・総合政策課・担当課のレーンに置いてください）"
_FORM = "フォームは camunda:formRef で指定します（forms/<id>.form）。{name} は使えません"
_DUE = "期限はタスクのデータ due_dates で指定します（docs/process-data.md「Reminders」）。{name} は使えません"
_PRIORITY = "Renkei のタスクに優先度はありません。{name} を外してください"
_CODE = ("Java のクラスや式・外部ワーカーによる実装は Renkei にはありません。{name} を外し、"
         "処理はスクリプトタスク（Python）に書いてください")
_ASYNC = "非同期実行（ジョブ）は Renkei にはありません。{name} を外してください"
_LISTENER = "リスナーは Renkei にはありません。{name} を外し、処理はスクリプトタスク（Python）に書いてください"
_MAPPING = ("入出力の対応付け（{name}）は使えません。変数はスクリプトタスク（Python）で作ります。"
            "呼び出し先のプロセスには案件のデータがそのまま渡されます")
_RESULT = ("{name} は使えません。スクリプトでは変数に代入し（例: result = ...）、"
           "判定表は出力列の名前で結果を書き込みます")
_CALLED = "呼び出し先は同じバージョンに同梱されたプロセスです（bpmn:callActivity の calledElement）。{name} は使えません"
_DECISION = "判定表は同じバージョンに同梱された DMN を camunda:decisionRef で指定します。{name} は使えません"
_STARTER = "誰が案件を始められるかは Renkei の権限で決まります。{name} は使えません"
_LOOP = "繰り返しは bpmn:loopDataInputRef と bpmn:inputDataItem で指定します（docs/process-data.md）。{name} は使えません"
_SCRIPT = "スクリプトは bpmn:script に Python で書きます。{name} は使えません"
_EXTERNAL = "外部のスクリプト（{name}）は使えません。スクリプトは図の中に Python で書いてください"
_ERROR_VARS = "エラーやエスカレーションの内容を変数に入れる {name} は使えません。境界イベントの後の流れで扱ってください"
_HELP = "利用者への説明はフォームの text 要素に書きます。{name} は使えません"
_NOT_READ = "{name} は Renkei の動きに影響しません（読み込みません）"
_UNKNOWN = "{name} は Renkei では使えません（無視されるため、意図した動きになりません）。外してください"

# (namespace, local name) of an attribute → (what Renkei does, message). Not listed: refused (_UNKNOWN) for
# camunda/zeebe/spiffworkflow, a note for other namespaces.
ATTRIBUTES: dict[tuple[str, str], tuple[str, str]] = {
    (CAMUNDA_NS, "formRef"): (HONOURED, "ユーザータスクのフォーム"),
    (CAMUNDA_NS, "formRefBinding"): (HONOURED, "フォームは常に同じバージョンに同梱されたもの"),
    (CAMUNDA_NS, "decisionRef"): (HONOURED, "ビジネスルールタスクの判定表"),
    **{(CAMUNDA_NS, name): (REFUSED, _LANE) for name in ("assignee", "candidateGroups", "candidateUsers")},
    **{(CAMUNDA_NS, name): (REFUSED, _FORM) for name in ("formKey", "formRefVersion", "formHandlerClass")},
    **{(CAMUNDA_NS, name): (REFUSED, _DUE) for name in ("dueDate", "followUpDate")},
    (CAMUNDA_NS, "priority"): (REFUSED, _PRIORITY),
    **{(CAMUNDA_NS, name): (REFUSED, _CODE) for name in (
        "class", "expression", "delegateExpression", "type", "topic", "variableMappingClass",
        "variableMappingDelegateExpression")},
    **{(CAMUNDA_NS, name): (REFUSED, _ASYNC) for name in ("asyncBefore", "asyncAfter", "async", "exclusive")},
    (CAMUNDA_NS, "resultVariable"): (REFUSED, _RESULT),
    (CAMUNDA_NS, "mapDecisionResult"): (REFUSED, _RESULT),
    **{(CAMUNDA_NS, name): (REFUSED, _CALLED) for name in (
        "calledElementBinding", "calledElementVersion", "calledElementVersionTag", "calledElementTenantId",
        "caseRef", "caseBinding", "caseVersion", "caseTenantId")},
    **{(CAMUNDA_NS, name): (REFUSED, _DECISION) for name in (
        "decisionRefBinding", "decisionRefVersion", "decisionRefVersionTag", "decisionRefTenantId")},
    **{(CAMUNDA_NS, name): (REFUSED, _STARTER) for name in ("candidateStarterGroups", "candidateStarterUsers",
                                                            "initiator")},
    **{(CAMUNDA_NS, name): (REFUSED, _LOOP) for name in ("collection", "elementVariable")},
    (CAMUNDA_NS, "resource"): (REFUSED, _EXTERNAL),
    **{(CAMUNDA_NS, name): (REFUSED, _ERROR_VARS) for name in (
        "errorCodeVariable", "errorMessageVariable", "escalationCodeVariable")},
    **{(CAMUNDA_NS, name): (NOTE, _NOT_READ) for name in (
        "historyTimeToLive", "versionTag", "isStartableInTasklist", "jobPriority", "taskPriority", "modelerTemplate",
        "modelerTemplateVersion")},
    **{(MODELER_NS, name): (NOTE, _NOT_READ) for name in ("executionPlatform", "executionPlatformVersion")},
    (SPIFF_NS, "scriptsOnInstances"): (HONOURED, "マルチインスタンスの各回で事前・事後スクリプトを実行"),
}

# (namespace, local name) of an element inside extensionElements → (what Renkei does, message).
ELEMENTS: dict[tuple[str, str], tuple[str, str]] = {
    (CAMUNDA_NS, "properties"): (HONOURED, "終了イベントの outcome（他の要素では読みません）"),
    **{(CAMUNDA_NS, name): (REFUSED, _LISTENER) for name in ("taskListener", "executionListener")},
    **{(CAMUNDA_NS, name): (REFUSED, _MAPPING) for name in ("inputOutput", "in", "out")},
    **{(CAMUNDA_NS, name): (REFUSED, _FORM) for name in ("formData", "formField")},
    **{(CAMUNDA_NS, name): (REFUSED, _CODE) for name in ("connector", "field")},
    (CAMUNDA_NS, "potentialStarter"): (REFUSED, _STARTER),
    (CAMUNDA_NS, "failedJobRetryTimeCycle"): (REFUSED, _ASYNC),
    (ZEEBE_NS, "assignmentDefinition"): (REFUSED, _LANE),
    **{(ZEEBE_NS, name): (REFUSED, _CODE) for name in ("taskDefinition", "taskHeaders", "userTask")},
    (ZEEBE_NS, "ioMapping"): (REFUSED, _MAPPING),
    (ZEEBE_NS, "calledElement"): (REFUSED, _CALLED),
    (ZEEBE_NS, "calledDecision"): (REFUSED, _DECISION),
    **{(ZEEBE_NS, name): (REFUSED, _FORM) for name in ("formDefinition", "userTaskForm")},
    (ZEEBE_NS, "taskSchedule"): (REFUSED, _DUE),
    (ZEEBE_NS, "priorityDefinition"): (REFUSED, _PRIORITY),
    (ZEEBE_NS, "script"): (REFUSED, _SCRIPT),
    (ZEEBE_NS, "loopCharacteristics"): (REFUSED, _LOOP),
    **{(ZEEBE_NS, name): (REFUSED, _LISTENER) for name in ("executionListeners", "taskListeners")},
    **{(ZEEBE_NS, name): (NOTE, _NOT_READ) for name in ("properties", "versionTag")},
    **{(SPIFF_NS, name): (HONOURED, "SpiffWorkflow が実行") for name in (
        "preScript", "postScript", "messageVariable", "messagePayload", "calledDecisionId",
        "processVariableCorrelation", "properties")},
    (SPIFF_NS, "serviceTaskOperator"): (REFUSED, _CODE),
    (SPIFF_NS, "instructionsForEndUser"): (REFUSED, _HELP),
    **{(SPIFF_NS, name): (REFUSED, _LANE) for name in ("allowGuest", "guestConfirmation")},
    **{(SPIFF_NS, name): (NOTE, _NOT_READ) for name in ("unitTests", "taskMetadataValues")},
}


@dataclass(frozen=True)
class Finding:
    blocking: bool
    problem: DefinitionProblem


def _qualified(namespace: str | None, local: str) -> str:
    prefix = PREFIXES.get(namespace or "")
    return f"{prefix}:{local}" if prefix else (f"{{{namespace}}}{local}" if namespace else local)


def _verdict(table, namespace: str, local: str) -> tuple[str, str]:
    found = table.get((namespace, local))
    if found:
        return found
    if namespace in PREFIXES and namespace != MODELER_NS:
        return REFUSED, _UNKNOWN
    return NOTE, _NOT_READ


def foreign_findings(file_name: str, root, where) -> Iterator[Finding]:
    """Every foreign attribute and extension element of a BPMN file, judged by the tables above.

    ``where(element)`` gives (id, name, lane, line) of the BPMN element an extension belongs to.
    """
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        namespace = etree.QName(element).namespace
        if namespace == BPMN_NS:
            yield from _attribute_findings(file_name, element, where)
        elif namespace not in _SILENT and _in_extension(element):
            yield from _element_finding(file_name, element, where)


def _attribute_findings(file_name, element, where) -> Iterator[Finding]:
    for attribute in element.attrib:
        qname = etree.QName(attribute)
        if not qname.namespace or qname.namespace in _SILENT:
            continue
        kind, message = _verdict(ATTRIBUTES, qname.namespace, qname.localname)
        if kind != HONOURED:
            yield _finding(file_name, element, where, kind, message, _qualified(qname.namespace, qname.localname))


def _in_extension(element) -> bool:
    """True for the outermost foreign element directly inside bpmn:extensionElements (children go with it)."""
    parent = element.getparent()
    return parent is not None and etree.QName(parent) == etree.QName(BPMN_NS, "extensionElements")


def _element_finding(file_name, element, where) -> Iterator[Finding]:
    qname = etree.QName(element)
    kind, message = _verdict(ELEMENTS, qname.namespace, qname.localname)
    owner = element.getparent().getparent()
    if (kind == HONOURED and qname == etree.QName(CAMUNDA_NS, "properties")
            and etree.QName(owner).localname != "endEvent"):
        kind, message = NOTE, _NOT_READ
    if kind != HONOURED:
        yield _finding(file_name, owner, where, kind, message, _qualified(qname.namespace, qname.localname),
                       line=element.sourceline)


def _finding(file_name, element, where, kind, message, name, line=None) -> Finding:
    element_id, element_name, lane, own_line = where(element)
    return Finding(kind == REFUSED, DefinitionProblem(file_name, message.format(name=name), element_id,
                                                      element_name, lane, line or own_line))


# --- constructs that parse but would not run as drawn ------------------------------------------------------
_PYTHON = {"", "python", "python3", "text/x-python", "text/python", "application/x-python"}
_STOPPING_TASKS = {
    "task": "種類のないタスク（bpmn:task）では案件がそこで止まります。ユーザータスク（レーンとフォーム）か"
            "スクリプトタスク（Python）にしてください",
    "manualTask": "手作業タスク（manualTask）では案件がそこで止まります。担当者が記録するならユーザータスク"
                  "（レーンとフォーム）にしてください",
    "serviceTask": "サービスタスクは Renkei では実行できません。処理はスクリプトタスク（Python）に書いてください",
}
_NAIVE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$")


def construct_problems(file_name: str, root, where) -> Iterator[DefinitionProblem]:
    """Task kinds where a case would stop, scripts Renkei cannot run, and timer dates without an offset."""
    for element in root.iter(f"{{{BPMN_NS}}}*"):
        local = etree.QName(element).localname
        if local in _STOPPING_TASKS:
            yield _at(file_name, element, where, _STOPPING_TASKS[local])
        language = element.get("scriptFormat") if local == "scriptTask" else element.get("language")
        if language is not None and language.strip().lower() not in _PYTHON:
            yield _at(file_name, element, where,
                      f"スクリプト・条件・式は Python で書きます（「{language}」は使えません）", element.sourceline)
        if local == "scriptTask" and element.get(f"{{{CAMUNDA_NS}}}resource") is None:
            script = element.find(f"{{{BPMN_NS}}}script")
            if script is None or not (script.text or "").strip():
                yield _at(file_name, element, where, "スクリプトが空です。Python の処理を書くか、要素を削除してください")
        if local == "timeDate":
            problem = naive_date_problem(element.text or "")
            if problem:
                yield _at(file_name, element, where, problem, element.sourceline)
    expression_language = root.get("expressionLanguage")
    if expression_language and not any(word in expression_language.lower() for word in ("python", "xpath")):
        yield DefinitionProblem(file_name, f"式は Python で書きます（expressionLanguage「{expression_language}」は使えません）",
                                root.get("id"), line=root.sourceline)


def naive_date_problem(text: str) -> str | None:
    """The TEXT of a timeDate must carry its offset: SpiffWorkflow attaches the server's zone otherwise."""
    source = text.strip()
    try:
        literal = ast.literal_eval(source)
    except (ValueError, SyntaxError):
        literal = source
    if isinstance(literal, str) and _NAIVE_DATE.match(literal.strip()):
        return f"タイマーの日時「{literal.strip()}」には時差を付けてください（例: +09:00）"
    return None


def _at(file_name, element, where, message, line=None) -> DefinitionProblem:
    element_id, element_name, lane, own_line = where(element)
    return DefinitionProblem(file_name, message, element_id, element_name, lane, line or own_line)


_FOREIGN_EXPRESSION = re.compile(r"^\s*([$#]\{|=(?!=))")


def foreign_expression_hint(source: str) -> str | None:
    """JUEL (``${...}``, ``#{...}``) and FEEL (``= ...``) look alike in a modeler; Renkei's are Python."""
    if _FOREIGN_EXPRESSION.match(source or ""):
        return ('条件・式は Python で書きます（JUEL の ${…} や FEEL の「= …」は使えません）。'
                '例: necessity == "conclude"')
    return None
