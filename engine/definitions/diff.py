"""What one set of definition files changes compared with another, in the words of the diagram (issue #6
item 5, issue #13 item 4): a draft against the deployed version, or any two versions.

Read from the XML and the form files rather than from compiled specs, so the difference shows even for a
draft that does not validate yet. Elements are matched by id, as SpiffWorkflow's own SpecDiff does; the
reviewer sees elements added and removed, and for each changed one every changed property with its old and
new value (engine.definitions.element_properties), long ones (scripts) as a line diff. Changes of the
drawing alone are told apart (engine.definitions.semantic): 「レイアウトのみの変更」.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from engine.definitions import semantic
from engine.definitions.bounded_json import read_json
from engine.definitions.element_properties import LABELS, properties
from engine.definitions.lint import BPMN_NS, FLOW_NODES, NS

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
_LONG = 60  # a value longer than this, or of several lines, is shown as a line diff


@dataclass(frozen=True)
class ElementInfo:
    process_id: str
    element_id: str
    kind: str
    properties: dict[str, str | None]
    path: str = ""  # the BPMN file holding the element

    @property
    def name(self) -> str | None:
        return self.properties.get("名前")

    @property
    def lane(self) -> str | None:
        return self.properties.get("レーン")

    @property
    def form_ref(self) -> str | None:
        return self.properties.get("フォーム")

    @property
    def label(self) -> str:
        return f"{self.name}（{self.element_id}）" if self.name else self.element_id


@dataclass(frozen=True)
class PropertyChange:
    """One property of one element, before and after; ``lines`` for a long value (a script, a repetition)."""

    label: str
    before: str | None
    after: str | None

    @property
    def long(self) -> bool:
        return any(v is not None and ("\n" in v or len(v) > _LONG) for v in (self.before, self.after))

    @property
    def lines(self) -> list[tuple[str, str]]:
        """(kind, line): kind is "same", "removed" or "added", in reading order."""
        old, new = (self.before or "").splitlines(), (self.after or "").splitlines()
        found: list[tuple[str, str]] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            if tag == "equal":
                found += [("same", line) for line in old[i1:i2]]
                continue
            found += [("removed", line) for line in old[i1:i2]]
            found += [("added", line) for line in new[j1:j2]]
        return found

    def __str__(self) -> str:
        return f"{self.label}: {self.before or '（なし）'} → {self.after or '（なし）'}"


@dataclass(frozen=True)
class ElementChange:
    before: ElementInfo
    after: ElementInfo

    @property
    def moved(self) -> bool:
        return self.before.lane != self.after.lane

    @property
    def properties(self) -> list[PropertyChange]:
        return [
            PropertyChange(label, self.before.properties.get(label), self.after.properties.get(label))
            for label in LABELS
            if self.before.properties.get(label) != self.after.properties.get(label)
        ]

    @property
    def details(self) -> list[str]:
        """One line per changed property, for the audit trail and plain-text readers."""
        return [str(change) if not change.long else f"{change.label}: 変更" for change in self.properties]


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
    metadata: list[FileChange] = field(default_factory=list)
    layout: dict[str, list[str]] = field(default_factory=dict)  # BPMN file → ids drawn elsewhere
    files_changed: bool = False  # the files differ at all (scenarios aside)
    meaning_changed: bool = False  # what a case does differs: the semantic fingerprints differ

    @property
    def moved(self) -> list[ElementChange]:
        return [change for change in self.changed if change.moved]

    @property
    def empty(self) -> bool:
        return not any((self.added, self.removed, self.changed, self.forms, self.decisions, self.metadata))

    @property
    def layout_only(self) -> bool:
        """Only the drawing changed (positions, waypoints, order of the XML): 「レイアウトのみの変更」."""
        return self.files_changed and not self.meaning_changed

    @property
    def unlisted(self) -> bool:
        """The meaning changed somewhere this diff does not itemise (a message, a process attribute…)."""
        return self.meaning_changed and self.empty

    def markers(self, path: str) -> dict[str, list[str]]:
        """Element ids of one BPMN file by how they changed, for colouring the diagram."""
        changed = [c.after.element_id for c in self.changed if c.after.path == path]
        return {
            "added": [e.element_id for e in self.added if e.path == path],
            "changed": changed,
            "removed": [e.element_id for e in self.removed if e.path == path],
            "layout": [i for i in self.layout.get(path, []) if i not in changed],
        }

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


def _lanes(process) -> dict[str, str | None]:
    return {
        ref.text.strip(): lane.get("name")
        for lane in process.iterfind(".//bpmn:lane", NS)
        for ref in lane.iterfind("bpmn:flowNodeRef", NS)
        if ref.text
    }


def _kind(element) -> str:
    tag = etree.QName(element).localname
    if tag == "sequenceFlow" and element.find("bpmn:conditionExpression", NS) is None:
        return "シーケンスフロー"
    return KINDS.get(tag, tag)


def _parse(text: str):
    try:
        return etree.fromstring(text.encode("utf-8"))
    except etree.XMLSyntaxError:
        return None


def elements(files: Mapping[str, str]) -> dict[tuple[str, str], ElementInfo]:
    """Every flow node and sequence flow of every BPMN file, keyed by (process, id)."""
    found: dict[tuple[str, str], ElementInfo] = {}
    tags = tuple(f"{{{BPMN_NS}}}{tag}" for tag in (*FLOW_NODES, "sequenceFlow"))
    for path, text in files.items():
        root = _parse(text) if path.endswith(".bpmn") else None
        if root is None:
            continue
        for process in root.iterfind("bpmn:process", NS):
            lanes = _lanes(process)
            for element in process.iter(*tags):
                key = (process.get("id"), element.get("id"))
                settings = properties(element, lanes.get(key[1]))
                found[key] = ElementInfo(key[0], key[1], _kind(element), settings, path)
    return found


def _geometry(text: str) -> dict[str, str]:
    """Each drawn element's shape bounds or edge waypoints, by the element's id."""
    root = _parse(text)
    if root is None:
        return {}
    drawn = {}
    for node in (*root.iterfind(".//bpmndi:BPMNShape", NS), *root.iterfind(".//bpmndi:BPMNEdge", NS)):
        points = [
            " ".join(f"{key}={point.get(key)}" for key in ("x", "y", "width", "height") if point.get(key))
            for point in node.iter(etree.Element)
            if etree.QName(point).localname in ("Bounds", "waypoint")
        ]
        drawn[node.get("bpmnElement")] = ";".join(points)
    return drawn


def _layout(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, list[str]]:
    """The elements of each BPMN file present on both sides but drawn elsewhere (moved, resized, rerouted)."""
    found = {}
    for path in after:
        if path.endswith(".bpmn") and path in before and before[path] != after[path]:
            old, new = _geometry(before[path]), _geometry(after[path])
            found[path] = [i for i in new if i in old and old[i] != new[i]]
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
    if first.strip() == second.strip():
        return True
    return semantic.without_layout(first) == semantic.without_layout(second)


def diff_files(before: Mapping[str, str], after: Mapping[str, str], base_version: int | None) -> VersionDiff:
    old, new = elements(before), elements(after)
    changed = [ElementChange(old[key], new[key]) for key in new if key in old and old[key] != new[key]]
    return VersionDiff(
        base_version=base_version,
        added=[new[key] for key in new if key not in old],
        removed=[old[key] for key in old if key not in new],
        changed=[change for change in changed if change.properties],
        forms=_file_changes(before, after, ".form", _same_json),
        decisions=_file_changes(before, after, ".dmn", _same_xml),
        metadata=_file_changes(before, after, "/process.json", _same_json),
        layout=_layout(before, after),
        files_changed=semantic.changed(before, after),
        meaning_changed=semantic.fingerprint(before) != semantic.fingerprint(after),
    )
