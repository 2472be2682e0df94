"""What a draft changes compared with the deployed version, in the words of the diagram (issue #6 item 5).

Read from the XML and the form files rather than from compiled specs, so the difference shows even for a
draft that does not validate yet. Elements are matched by id, as SpiffWorkflow's own SpecDiff does; the
process owner sees tasks added and removed, steps moved between lanes, renamed, given another form, or
whose script, condition, timer or repetition changed, and which form and decision files changed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from engine.definitions.bounded_json import read_json
from engine.definitions.lint import BPMN_NS, FLOW_NODES, NS
from engine.definitions.parser import CAMUNDA_NS

KINDS = {
    "userTask": "ユーザータスク",
    "scriptTask": "スクリプトタスク",
    "businessRuleTask": "判定表タスク",
    "callActivity": "呼び出しプロセス",
    "subProcess": "サブプロセス",
    "startEvent": "開始イベント",
    "endEvent": "終了イベント",
    "intermediateCatchEvent": "中間イベント",
    "intermediateThrowEvent": "中間イベント",
    "boundaryEvent": "境界イベント",
    "exclusiveGateway": "排他ゲートウェイ",
    "parallelGateway": "並行ゲートウェイ",
    "inclusiveGateway": "包含ゲートウェイ",
    "eventBasedGateway": "イベントゲートウェイ",
    "sequenceFlow": "分岐条件",
}
_IGNORED_CHILDREN = ("documentation", "incoming", "outgoing")
_IGNORED_ATTRIBUTES = ("name", f"{{{CAMUNDA_NS}}}formRef", f"{{{CAMUNDA_NS}}}formRefBinding")


@dataclass(frozen=True)
class ElementInfo:
    process_id: str
    element_id: str
    kind: str
    name: str | None
    lane: str | None
    form_ref: str | None
    definition: str  # the element without name, form, documentation and wiring: scripts, conditions, timers…

    @property
    def label(self) -> str:
        return f"{self.name}（{self.element_id}）" if self.name else self.element_id


@dataclass(frozen=True)
class ElementChange:
    before: ElementInfo
    after: ElementInfo

    @property
    def moved(self) -> bool:
        return self.before.lane != self.after.lane

    @property
    def details(self) -> list[str]:
        found = []
        if self.before.name != self.after.name:
            found.append(f"名前: {self.before.name or '（なし）'} → {self.after.name or '（なし）'}")
        if self.moved:
            found.append(f"レーン: {self.before.lane or '（なし）'} → {self.after.lane or '（なし）'}")
        if self.before.form_ref != self.after.form_ref:
            found.append(
                f"フォーム: {self.before.form_ref or '（なし）'} → {self.after.form_ref or '（なし）'}"
            )
        if self.before.definition != self.after.definition:
            found.append("スクリプト・条件・タイマー・繰り返しなどの設定")
        return found


@dataclass(frozen=True)
class FileChange:
    path: str
    change: str  # 追加 / 削除 / 変更


@dataclass(frozen=True)
class VersionDiff:
    base_version: int | None
    added: list[ElementInfo]
    removed: list[ElementInfo]
    changed: list[ElementChange]
    forms: list[FileChange]
    decisions: list[FileChange]

    @property
    def moved(self) -> list[ElementChange]:
        return [change for change in self.changed if change.moved]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.forms or self.decisions)

    def summary(self) -> dict[str, list[str]]:
        """For the audit trail: what changed, by element id and file."""
        return {
            "added": [e.element_id for e in self.added],
            "removed": [e.element_id for e in self.removed],
            "moved": [c.after.element_id for c in self.moved],
            "changed": [c.after.element_id for c in self.changed if not c.moved],
            "forms": [f"{f.change} {f.path}" for f in self.forms],
            "decisions": [f"{f.change} {f.path}" for f in self.decisions],
        }


def _definition(element) -> str:
    clone = copy.deepcopy(element)
    for child in list(clone):
        if isinstance(child.tag, str) and etree.QName(child).localname in _IGNORED_CHILDREN:
            clone.remove(child)
    for attribute in _IGNORED_ATTRIBUTES:
        clone.attrib.pop(attribute, None)
    for node in clone.iter():
        if node.text:
            node.text = node.text.strip()
        node.tail = None
    return etree.tostring(clone, method="c14n").decode()


def elements(files: Mapping[str, str]) -> dict[tuple[str, str], ElementInfo]:
    """Every flow node and every conditional sequence flow of every BPMN file, keyed by (process, id)."""
    found: dict[tuple[str, str], ElementInfo] = {}
    for path, text in files.items():
        if not path.endswith(".bpmn"):
            continue
        try:
            root = etree.fromstring(text.encode("utf-8"))
        except etree.XMLSyntaxError:
            continue
        for process in root.iterfind("bpmn:process", NS):
            lanes = {
                ref.text.strip(): lane.get("name")
                for lane in process.iterfind(".//bpmn:lane", NS)
                for ref in lane.iterfind("bpmn:flowNodeRef", NS)
                if ref.text
            }
            for element in process.iter(*(f"{{{BPMN_NS}}}{tag}" for tag in (*FLOW_NODES, "sequenceFlow"))):
                tag = etree.QName(element).localname
                if tag == "sequenceFlow" and element.find("bpmn:conditionExpression", NS) is None:
                    continue
                key = (process.get("id"), element.get("id"))
                found[key] = ElementInfo(
                    key[0],
                    key[1],
                    KINDS.get(tag, tag),
                    element.get("name"),
                    lanes.get(key[1]),
                    element.get(f"{{{CAMUNDA_NS}}}formRef"),
                    _definition(element),
                )
    return found


def _file_changes(before: Mapping[str, str], after: Mapping[str, str], suffix: str, same) -> list[FileChange]:
    paths = sorted({p for p in (*before, *after) if p.endswith(suffix)})
    changes = []
    for path in paths:
        if path not in before:
            changes.append(FileChange(path, "追加"))
        elif path not in after:
            changes.append(FileChange(path, "削除"))
        elif not same(before[path], after[path]):
            changes.append(FileChange(path, "変更"))
    return changes


def _same_json(first: str, second: str) -> bool:
    try:
        return read_json(first) == read_json(second)
    except json.JSONDecodeError:
        return first == second


def _same_xml(first: str, second: str) -> bool:
    return first.strip() == second.strip()


def diff_files(before: Mapping[str, str], after: Mapping[str, str], base_version: int | None) -> VersionDiff:
    old, new = elements(before), elements(after)
    changed = [ElementChange(old[key], new[key]) for key in new if key in old and old[key] != new[key]]
    return VersionDiff(
        base_version=base_version,
        added=[new[key] for key in new if key not in old and new[key].kind != "分岐条件"],
        removed=[old[key] for key in old if key not in new and old[key].kind != "分岐条件"],
        changed=[change for change in changed if change.details],
        forms=_file_changes(before, after, ".form", _same_json),
        decisions=_file_changes(before, after, ".dmn", _same_xml),
    )
