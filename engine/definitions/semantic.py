"""What a definition means, without how it is drawn (issue #13 item 4).

bpmn-js and Camunda Modeler save the diagram interchange (shapes, bounds, waypoints) and sometimes the
process's elements in another order, and stamp their own name and version on the file. None of that changes
what a case does, so a version is identified by a canonical form that leaves it out: the XML without its
DI section and exporter stamp, with the elements of a process, lane set or sub-process in id order, and JSON
files with their keys sorted. DMN rules keep their order (the first matching rule wins).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from lxml import etree

from engine.definitions.bounded_json import read_json

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_DIAGRAM_NAMESPACES = (
    "http://www.omg.org/spec/BPMN/20100524/DI",
    "https://www.omg.org/spec/DMN/20191111/DMNDI/",
    "http://www.omg.org/spec/DMN/20180521/DC/",
    "http://www.omg.org/spec/DD/20100524/DC",
    "http://www.omg.org/spec/DD/20100524/DI",
)
_TOOL_STAMPS = ("exporter", "exporterVersion")
# BPMN containers whose children's order means nothing to the engine.
_UNORDERED = {"definitions", "process", "subProcess", "laneSet", "lane", "collaboration", "childLaneSet"}
# References listed by text, also without meaning in their order.
_REFERENCE_LISTS = {"incoming", "outgoing", "flowNodeRef"}


def _parse(text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    return etree.fromstring(data, parser)


def without_layout(text: str | bytes) -> bytes | None:
    """The canonical semantic form of a BPMN or DMN file, or None if it is not well-formed XML."""
    try:
        root = _parse(text)
    except etree.XMLSyntaxError:
        return None
    for attribute in _TOOL_STAMPS:
        root.attrib.pop(attribute, None)
    for node in list(root.iter()):
        if not isinstance(node.tag, str):  # comments and processing instructions carry no meaning
            if node.getparent() is not None:
                node.getparent().remove(node)
            continue
        if etree.QName(node).namespace in _DIAGRAM_NAMESPACES and node.getparent() is not None:
            node.getparent().remove(node)
    for node in root.iter(etree.Element):
        node.text = node.text.strip() if node.text else None
        node.tail = None
        qname = etree.QName(node)
        if qname.namespace == BPMN_NS and qname.localname in _UNORDERED:
            node[:] = sorted(node, key=_order)
    return etree.tostring(root, method="c14n")


def _order(node) -> tuple[str, str, str]:
    if not isinstance(node.tag, str):
        return ("", "", "")
    qname = etree.QName(node)
    if qname.localname in _REFERENCE_LISTS:
        return (qname.text, "", node.text or "")
    return (qname.text, node.get("id") or "", "" if node.get("id") else etree.tostring(node).decode())


def _canonical_file(name: str, content: str | bytes) -> bytes:
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    if name.endswith((".bpmn", ".dmn")):
        found = without_layout(text)
        if found is not None:
            return found
    elif name.endswith((".form", ".json")):
        try:
            return json.dumps(read_json(text), sort_keys=True, ensure_ascii=False).encode()
        except (json.JSONDecodeError, ValueError):
            pass
    return text.encode("utf-8")


def fingerprint(files: Mapping[str, str | bytes]) -> str:
    """Identifies what a set of files means (scenario files are tests, not part of a version's meaning)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        if "/scenarios/" in name:
            continue
        digest.update(name.encode() + b"\0" + _canonical_file(name, files[name]) + b"\0")
    return digest.hexdigest()


def _raw(files: Mapping[str, str | bytes]) -> dict[str, bytes]:
    return {
        name: content.encode("utf-8") if isinstance(content, str) else content
        for name, content in files.items()
        if "/scenarios/" not in name
    }


def changed(before: Mapping[str, str | bytes], after: Mapping[str, str | bytes]) -> bool:
    """The files differ at all, scenarios aside."""
    return _raw(before) != _raw(after)


def layout_only(before: Mapping[str, str | bytes], after: Mapping[str, str | bytes]) -> bool:
    """True when the files differ, but only in layout: DI, bounds, waypoints, element order, tool stamps."""
    return changed(before, after) and fingerprint(before) == fingerprint(after)
