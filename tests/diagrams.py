"""Tiny but complete BPMN bundles (with lanes and diagram layout) for tests of deployment checks.

``tiny_bundle()`` is valid; each keyword breaks one thing, so a test shows one rule at a time.
"""

from __future__ import annotations

import json

from engine.definitions.bundle import Bundle

FORM = {"id": "note", "type": "default", "components": [
    {"type": "textfield", "key": "note", "label": "メモ", "validate": {"required": True}}]}


def tiny_bpmn(*, script: str = "checked = True", condition: str = "checked", lane: str = "総合政策課",
              form_ref: str = "note", outcome: str = "concluded", timer: str | None = None,
              drop_shape: str | None = None) -> str:
    timer_xml = (f'<bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f3b</bpmn:outgoing>'
                 f'<bpmn:timerEventDefinition id="wait_def"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">'
                 f'{timer}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>') if timer else ""
    after_gateway = "wait" if timer else "end"
    shapes = {
        "pool": (100, 50, 900, 200), "lane1": (130, 50, 870, 200), "start": (180, 130, 36, 36),
        "work": (250, 108, 100, 80), "check": (400, 108, 100, 80), "gw": (550, 123, 50, 50),
        "end": (800, 130, 36, 36), "end2": (650, 210, 36, 36),
    }
    if timer:
        shapes["wait"] = (680, 130, 36, 36)
    edges = {"f1": [(216, 148), (250, 148)], "f2": [(350, 148), (400, 148)], "f2b": [(500, 148), (550, 148)],
             "f3": [(600, 148), (800 if not timer else 680, 148)], "f4": [(575, 173), (575, 228), (650, 228)]}
    if timer:
        edges["f3b"] = [(716, 148), (800, 148)]
    horizontal = ' isHorizontal="true"'
    di = "".join(
        f'<bpmndi:BPMNShape id="{k}_di" bpmnElement="{"collab_pool" if k == "pool" else k}"'
        f'{horizontal if k in ("pool", "lane1") else ""}>'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
        for k, (x, y, w, h) in shapes.items() if k != drop_shape
    ) + "".join(
        f'<bpmndi:BPMNEdge id="{k}_di" bpmnElement="{k}">'
        + "".join(f'<di:waypoint x="{x}" y="{y}"/>' for x, y in points) + "</bpmndi:BPMNEdge>"
        for k, points in edges.items() if k != drop_shape
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://example.org/renkei">
  <bpmn:collaboration id="collab"><bpmn:participant id="collab_pool" name="tiny" processRef="tiny"/></bpmn:collaboration>
  <bpmn:process id="tiny" name="小さな手続き" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane1" name="{lane}">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>work</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>check</bpmn:flowNodeRef><bpmn:flowNodeRef>gw</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>end</bpmn:flowNodeRef><bpmn:flowNodeRef>end2</bpmn:flowNodeRef>
      {"<bpmn:flowNodeRef>wait</bpmn:flowNodeRef>" if timer else ""}
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="work" name="① 作業" camunda:formRef="{form_ref}"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:scriptTask id="check" name="確認" scriptFormat="python"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f2b</bpmn:outgoing>
      <bpmn:script>{_escape(script)}</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gw" name="確認済み？" default="f4"><bpmn:incoming>f2b</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
    {timer_xml}
    <bpmn:endEvent id="end" name="完了"><bpmn:extensionElements><camunda:properties><camunda:property name="outcome" value="{outcome}"/></camunda:properties></bpmn:extensionElements><bpmn:incoming>{"f3b" if timer else "f3"}</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end2" name="中止"><bpmn:extensionElements><camunda:properties><camunda:property name="outcome" value="withdrawn"/></camunda:properties></bpmn:extensionElements><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="check"/>
    <bpmn:sequenceFlow id="f2b" sourceRef="check" targetRef="gw"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="{after_gateway}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{_escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>
    {'<bpmn:sequenceFlow id="f3b" sourceRef="wait" targetRef="end"/>' if timer else ""}
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="end2"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="collab">{di}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def tiny_bundle(form: dict | None = None, **changes) -> Bundle:
    return Bundle({
        "tiny/tiny.bpmn": tiny_bpmn(**changes).encode(),
        "tiny/forms/note.form": json.dumps(form or FORM, ensure_ascii=False).encode(),
        "tiny/process.json": json.dumps({"name": "小さな手続き", "starts_cases": True}).encode(),
    })
