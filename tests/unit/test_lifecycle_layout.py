"""The agreement lifecycle's diagram reads cleanly (issue #13 item 6): no label under a shape or crossed by a
flow, every data object's name beside it, and each pool tall enough for its name on one line.

Only the layout (BPMN DI) is checked, from the file as the modelers and the board draw it.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from lxml import etree

from tests.conftest import PROCESSES

BPMN = PROCESSES / "agreement_lifecycle" / "agreement_lifecycle.bpmn"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
CONTAINERS = {"participant", "lane", "subProcess"}  # shapes that hold others: a label may sit inside them
PX_PER_CHARACTER = 13  # bpmn-js writes pool names in 12 px; a full-width character is about as wide

ROOT = etree.parse(str(BPMN)).getroot()
ELEMENTS = {e.get("id"): e for e in ROOT.iter() if e.get("id")}


def box(bounds) -> tuple[float, float, float, float]:
    x, y = float(bounds.get("x")), float(bounds.get("y"))
    return x, y, x + float(bounds.get("width")), y + float(bounds.get("height"))


def kind(element_id: str) -> str:
    return etree.QName(ELEMENTS[element_id]).localname


SHAPES = {
    s.get("bpmnElement"): box(s.find("dc:Bounds", NS))
    for s in ROOT.iterfind(".//bpmndi:BPMNShape", NS)
}
LABELS = {
    d.get("bpmnElement"): box(d.find("bpmndi:BPMNLabel/dc:Bounds", NS))
    for d in ROOT.iterfind(".//bpmndi:*", NS)
    if d.find("bpmndi:BPMNLabel/dc:Bounds", NS) is not None
}
FLOWS = {
    e.get("bpmnElement"): [(float(w.get("x")), float(w.get("y"))) for w in e.iterfind("di:waypoint", NS)]
    for e in ROOT.iterfind(".//bpmndi:BPMNEdge", NS)
}


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def crosses(segment, rect) -> bool:
    """Whether an axis-parallel or slanted segment passes through the rectangle (sampled every pixel)."""
    (x1, y1), (x2, y2) = segment
    steps = int(max(abs(x2 - x1), abs(y2 - y1))) or 1
    return any(
        rect[0] < x1 + (x2 - x1) * i / steps < rect[2] and rect[1] < y1 + (y2 - y1) * i / steps < rect[3]
        for i in range(steps + 1)
    )


def test_every_data_object_has_its_name_beside_it_clear_of_every_shape():
    data_objects = [i for i in SHAPES if kind(i) == "dataObjectReference"]
    assert len(data_objects) == 5
    for data_object in data_objects:
        assert data_object in LABELS, f"{data_object}: the name would be drawn under the icon"


@pytest.mark.parametrize("owner", sorted(LABELS))
def test_a_label_lies_on_no_shape_but_its_own(owner):
    for other, shape in SHAPES.items():
        if other != owner and kind(other) not in CONTAINERS:
            assert not overlaps(LABELS[owner], shape), f"{owner}'s label lies on {other}"


@pytest.mark.parametrize("owner", sorted(LABELS))
def test_no_flow_runs_through_a_label(owner):
    for flow, points in FLOWS.items():
        crossing = flow != owner and any(crosses(s, LABELS[owner]) for s in pairwise(points))
        assert not crossing, f"{flow} crosses {owner}'s label"


@pytest.mark.parametrize("pool", ["participant_agreement_lifecycle", "participant_agreement_period"])
def test_a_pool_is_tall_enough_for_its_name_on_one_line(pool):
    top, bottom = SHAPES[pool][1], SHAPES[pool][3]
    assert bottom - top >= PX_PER_CHARACTER * len(ELEMENTS[pool].get("name"))
