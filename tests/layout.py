"""A change of layout only, as bpmn-js makes it on save: the diagram's shapes written in another order, one
shape nudged, the exporter's own stamp. Shared by the diff's unit tests, the deploy rule and the browser."""

from __future__ import annotations

import re


def reordered_and_nudged(text: str, nudged: str = "record_partnership") -> str:
    head, diagram = text.split("<bpmndi:BPMNDiagram", 1)
    shapes = re.findall(r"\s*<bpmndi:BPMNShape .*?</bpmndi:BPMNShape>", diagram, flags=re.S)
    for shape in shapes:
        diagram = diagram.replace(shape, "", 1)
    anchor = diagram.index("</bpmndi:BPMNPlane>")
    diagram = diagram[:anchor] + "".join(reversed(shapes)) + diagram[anchor:]
    diagram = re.sub(
        rf'(bpmnElement="{nudged}"[^>]*>\s*<dc:Bounds x=")(\d+)',
        lambda m: m.group(1) + str(int(m.group(2)) + 30),
        diagram,
    )
    stamp = 'exporter="bpmn-js" exporterVersion="18.3.1"'
    head = re.sub(r'exporter="[^"]*" exporterVersion="[^"]*"', stamp, head)
    return head + "<bpmndi:BPMNDiagram" + diagram
