"""Workflow state to JSON and back, with the restricted script engine re-attached after every load.

SpiffWorkflow does not serialize the script engine: a loaded workflow would otherwise run scripts with
plain ``exec`` (notes §7). Loading through ``load_workflow`` is the only way the engine reads state.

Every stored state carries its process spec (and the specs of the processes it calls), so a running case
keeps the version it started on. Rebuilding those spec objects is most of the cost of a load (a 37-element
process: ~3 ms of ~3.5 ms), yet all the cases of one version carry the same spec. So a spec is rebuilt once
per distinct serialized form and then shared by every workflow loaded from that form, exactly as the
workflows started from one compiled version share its spec (``runner.start_workflow``). Sharing is safe
because SpiffWorkflow keeps run-time state on tasks, not on specs; the one exception, Camunda-style
multi-instance specs that rewrite themselves (notes §3), is not used: Renkei parses with the Spiff parser.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from datetime import date
from importlib.metadata import version
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.process_spec import BpmnProcessSpecConverter
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.workflow.scripting import SCRIPT_ENGINE

SPIFF_VERSION = version("SpiffWorkflow")


class SharedSpecs:
    """Process specs already rebuilt, by their serialized form; the most recently used few per process id.

    Draft checks load their scenarios through here too, so each edited draft adds a form under a production
    process id; evicting the least recently used keeps the versions that running cases use.
    """

    def __init__(self, per_process: int = 16) -> None:
        self.per_process = per_process
        self._by_process: dict[str, OrderedDict[int, tuple[dict[str, Any], BpmnProcessSpec]]] = {}
        self._lock = threading.Lock()

    def find(self, serialized: dict[str, Any]) -> BpmnProcessSpec | None:
        """The spec rebuilt from a form equal to ``serialized`` (compared in full, not by a hash)."""
        with self._lock:
            kept = self._by_process.get(serialized.get("name"), OrderedDict())
            candidates = list(kept.items())
        for key, (form, spec) in reversed(candidates):  # the most recently used first
            if form == serialized:
                with self._lock:
                    if key in kept:
                        kept.move_to_end(key)
                return spec
        return None

    def keep(self, form: dict[str, Any], spec: BpmnProcessSpec) -> None:
        with self._lock:
            kept = self._by_process.setdefault(form.get("name"), OrderedDict())
            kept[id(spec)] = (form, spec)
            while len(kept) > self.per_process:
                kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._by_process.clear()


SHARED_SPECS = SharedSpecs()


class SharedProcessSpecConverter(BpmnProcessSpecConverter):
    """Rebuilds a process spec only the first time its serialized form is seen (see the module docstring)."""

    def from_dict(self, dct: dict[str, Any]) -> BpmnProcessSpec:
        spec = SHARED_SPECS.find(dct)
        if spec is None:
            form = copy.deepcopy(dct)  # the library's from_dict consumes the dict it is given
            spec = super().from_dict(dct)
            SHARED_SPECS.keep(form, spec)
        return spec


def _registry(config: dict) -> Any:
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(date, lambda value: {"value": value.isoformat()}, lambda data: date.fromisoformat(data["value"]))
    return registry


def library_serializer() -> BpmnWorkflowSerializer:
    """SpiffWorkflow's serializer as the library ships it (with Renkei's data types): every load rebuilds
    the specs. The benchmark compares the engine against it; the state it reads and writes is the same."""
    return BpmnWorkflowSerializer(_registry(SPIFF_CONFIG))


SERIALIZER = BpmnWorkflowSerializer(_registry({**SPIFF_CONFIG, BpmnProcessSpec: SharedProcessSpecConverter}))
SERIALIZER_VERSION = SERIALIZER.VERSION


def dump_workflow(workflow: BpmnWorkflow) -> str:
    return SERIALIZER.serialize_json(workflow)


def load_workflow(state: str) -> BpmnWorkflow:
    workflow = SERIALIZER.deserialize_json(state)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow
