"""Workflow state to JSON and back, with the restricted script engine re-attached after every load.

SpiffWorkflow does not serialize the script engine: a loaded workflow would otherwise run scripts with
plain ``exec`` (notes §7). Loading through ``load_workflow`` is the only way the engine reads state.
"""

from __future__ import annotations

from datetime import date
from importlib.metadata import version

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.scripting import SCRIPT_ENGINE

SPIFF_VERSION = version("SpiffWorkflow")


def _serializer() -> BpmnWorkflowSerializer:
    registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
    registry.register(date, lambda value: {"value": value.isoformat()}, lambda data: date.fromisoformat(data["value"]))
    return BpmnWorkflowSerializer(registry)


SERIALIZER = _serializer()
SERIALIZER_VERSION = SERIALIZER.VERSION


def dump_workflow(workflow: BpmnWorkflow) -> str:
    return SERIALIZER.serialize_json(workflow)


def load_workflow(state: str) -> BpmnWorkflow:
    workflow = SERIALIZER.deserialize_json(state)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow
