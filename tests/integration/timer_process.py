"""A small deployable process for the timer worker's tests: wait on a timer, then run a script.

``start → wait (timer) → divide (script: share = 100 / divisor) → end``: a case started with ``divisor = 0``
fails when its timer fires, any other case completes.
"""

from __future__ import annotations

import json

from engine.definitions.bundle import Bundle

_SHAPES = {
    "start": (180, 120, 36, 36),
    "wait": (260, 120, 36, 36),
    "divide": (340, 98, 100, 80),
    "end": (500, 120, 36, 36),
}
_EDGES = {"f1": ((216, 138), (260, 138)), "f2": ((296, 138), (340, 138)), "f3": ((440, 138), (500, 138))}


def timer_bpmn(timer: str) -> str:
    shapes = "".join(
        f'<bpmndi:BPMNShape id="{k}_di" bpmnElement="{k}"><dc:Bounds x="{x}" y="{y}" width="{w}" '
        f'height="{h}"/></bpmndi:BPMNShape>'
        for k, (x, y, w, h) in _SHAPES.items()
    )
    edges = "".join(
        f'<bpmndi:BPMNEdge id="{k}_di" bpmnElement="{k}"><di:waypoint x="{a[0]}" y="{a[1]}"/>'
        f'<di:waypoint x="{b[0]}" y="{b[1]}"/></bpmndi:BPMNEdge>'
        for k, (a, b) in _EDGES.items()
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://example.org/renkei">
  <bpmn:process id="timed" name="タイマーの試験" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait" name="待機">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="wait_def">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">{timer}</bpmn:timeDate>
      </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="divide" name="按分" scriptFormat="python"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:script>share = 100 / divisor</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="end" name="完了"><bpmn:extensionElements><camunda:properties>
      <camunda:property name="outcome" value="concluded"/></camunda:properties></bpmn:extensionElements>
      <bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="divide"/>
    <bpmn:sequenceFlow id="f3" sourceRef="divide" targetRef="end"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="timed">{shapes}{edges}</bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def timer_bundle(timer: str = '"2025-05-01T10:00:00+09:00"') -> Bundle:
    return Bundle(
        {
            "timed/timed.bpmn": timer_bpmn(timer).encode(),
            "timed/process.json": json.dumps({"name": "タイマーの試験", "starts_cases": True}).encode(),
        }
    )
