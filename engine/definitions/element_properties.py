"""The settings of one BPMN element a reviewer reads, each under its Japanese label (issue #13 item 4).

A diff that says only "the script changed" asks the reviewer to trust it; one that shows the old and new
script lets them check it. Each property is read as text: the name, lane, form, condition, timer, script,
repetition (multi-instance), called process, decision, default flow and, for a sequence flow, what it
connects. Whatever else the element holds is kept as canonical XML under その他の設定, so no change is hidden.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from engine.definitions.parser import CAMUNDA_NS

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS}
_DECLARATION = re.compile(r' xmlns(:\w+)?="[^"]*"')
_TIMERS = {"timeDate": "日時", "timeDuration": "待つ期間", "timeCycle": "繰り返し"}
_READ_CHILDREN = {
    "documentation",
    "incoming",
    "outgoing",
    "script",
    "conditionExpression",
    "multiInstanceLoopCharacteristics",
}
_READ_ATTRIBUTES = {
    "id",
    "name",
    "default",
    "calledElement",
    "sourceRef",
    "targetRef",
    "scriptFormat",
    f"{{{CAMUNDA_NS}}}formRef",
    f"{{{CAMUNDA_NS}}}formRefBinding",
    f"{{{CAMUNDA_NS}}}decisionRef",
}
LABELS = (
    "名前",
    "レーン",
    "フォーム",
    "接続",
    "条件",
    "タイマー",
    "スクリプト",
    "繰り返し（マルチインスタンス）",
    "呼び出すプロセス",
    "判定表",
    "既定の分岐",
    "その他の設定",
)


def _text(node) -> str | None:
    if node is None:
        return None
    return (node.text or "").strip() or None


def _timer(element) -> str | None:
    definition = element.find("bpmn:timerEventDefinition", NS)
    if definition is None:
        return None
    for tag, label in _TIMERS.items():
        value = _text(definition.find(f"bpmn:{tag}", NS))
        if value is not None:
            return f"{label}: {value}"
    return "（式なし）"


def _multi_instance(element) -> str | None:
    loop = element.find("bpmn:multiInstanceLoopCharacteristics", NS)
    if loop is None:
        return None
    lines = ["順番に（1件ずつ）" if loop.get("isSequential") == "true" else "並行して"]
    for tag, label in (
        ("loopCardinality", "回数"),
        ("loopDataInputRef", "入力コレクション"),
        ("loopDataOutputRef", "出力コレクション"),
        ("completionCondition", "完了条件"),
    ):
        value = _text(loop.find(f"bpmn:{tag}", NS))
        if value is not None:
            lines.append(f"{label}: {value}")
    for tag, label in (("inputDataItem", "各回の入力"), ("outputDataItem", "各回の出力")):
        item = loop.find(f"bpmn:{tag}", NS)
        if item is not None:
            lines.append(f"{label}: {item.get('name') or item.get('id')}")
    return "\n".join(lines)


def _script(element) -> str | None:
    script = element.find("bpmn:script", NS)
    if script is None or script.text is None:
        return None
    return script.text.strip("\n") or None


def _connection(element) -> str | None:
    if etree.QName(element).localname != "sequenceFlow":
        return None
    return f"{element.get('sourceRef')} → {element.get('targetRef')}"


def _other(element) -> str | None:
    """What the labelled properties do not cover, as XML lines (a timer without its expression, extension
    properties, attributes…), with attributes sorted and namespace declarations left out."""
    clone = copy.deepcopy(element)
    for child in list(clone):
        if not isinstance(child.tag, str) or etree.QName(child).localname in _READ_CHILDREN:
            clone.remove(child)
    for definition in clone.iterfind("bpmn:timerEventDefinition", NS):
        for child in list(definition):
            if isinstance(child.tag, str) and etree.QName(child).localname in _TIMERS:
                definition.remove(child)
    for attribute in _READ_ATTRIBUTES:
        clone.attrib.pop(attribute, None)
    for node in clone.iter(etree.Element):
        node.text = node.text.strip() if node.text and node.text.strip() else None
        node.tail = None
        attributes = sorted(node.attrib.items())
        node.attrib.clear()
        node.attrib.update(attributes)
    lines = [f"{etree.QName(name).localname}=\"{value}\"" for name, value in clone.attrib.items()]
    lines += [
        _DECLARATION.sub("", etree.tostring(child, encoding=str, pretty_print=True)).rstrip()
        for child in clone
        if isinstance(child.tag, str)
    ]
    return "\n".join(lines) or None


def properties(element, lane: str | None) -> dict[str, str | None]:
    """Every labelled property of ``element`` (None where it has none), in the order a reviewer reads them."""
    return {
        "名前": element.get("name"),
        "レーン": lane,
        "フォーム": element.get(f"{{{CAMUNDA_NS}}}formRef"),
        "接続": _connection(element),
        "条件": _text(element.find("bpmn:conditionExpression", NS)),
        "タイマー": _timer(element),
        "スクリプト": _script(element),
        "繰り返し（マルチインスタンス）": _multi_instance(element),
        "呼び出すプロセス": element.get("calledElement"),
        "判定表": element.get(f"{{{CAMUNDA_NS}}}decisionRef"),
        "既定の分岐": element.get("default"),
        "その他の設定": _other(element),
    }
