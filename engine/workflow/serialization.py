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

A case's stored state leaves its specs out (``dump_state``): they are stored once, under the digest of their
serialized form (``SpecForm``), and a state names them by that digest. A load whose digest is known
(``KNOWN_SPECS``) neither reads nor parses them. A digest names content, so it means the same in every
database and process, whatever version or draft the specs came from. What remains, ~30 task records repeating the same
keys and ids (~16 KB at ⑤), is stored compressed (~3 KB, a tenth of a millisecond each way), so a completion
rewrites a few KB instead of the ~65 KB it did. A self-contained state (``dump_workflow``) is still what draft
checks and scenario runs pass around in memory.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from importlib.metadata import version
from typing import Any, NamedTuple

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.process_spec import BpmnProcessSpecConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
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


class OwnStateConverter(BpmnWorkflowConverter):
    """A top-level workflow without its specs: the library's ``to_dict`` less ``spec`` and
    ``subprocess_specs``, which are stored apart (module docstring) and never converted on a save."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


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
STATE_SERIALIZER = BpmnWorkflowSerializer(_registry({**SPIFF_CONFIG, BpmnWorkflow: OwnStateConverter}))
# Converts specs to dicts and nothing else. A registry of its own: ``serialize_json`` switches its registry to
# encoder mode for the whole call, in which ``to_dict`` leaves objects for the JSON encoder, so converting with
# SERIALIZER's registry while another thread serializes a draft's workflow could leave objects in the text.
_SPEC_CONVERTER = BpmnWorkflowSerializer(_registry(SPIFF_CONFIG))


class SpecForm(NamedTuple):
    """A workflow's specs serialized (``{"spec": …, "subprocess_specs": …}``, keys sorted, compact) and the
    SHA-256 of that text. Migration 0018 writes the same text from a stored state, so the digests agree."""

    digest: str
    text: str


def spec_text(specs: dict[str, Any]) -> str:
    return json.dumps(specs, sort_keys=True, separators=(",", ":"))


def spec_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


Specs = tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]


class KnownSpecs:
    """Specs already rebuilt, both ways: by digest (loading) and by the spec objects (saving). The most
    recently used few are kept; each entry holds its objects, so an ``id`` seen here is never a reused one."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._by_digest: OrderedDict[str, tuple[SpecForm, Specs]] = OrderedDict()
        self._by_object: dict[int, tuple[SpecForm, Specs]] = {}
        self._lock = threading.Lock()

    def specs(self, digest: str) -> Specs | None:
        with self._lock:
            entry = self._by_digest.get(digest)
            if entry is not None:
                self._by_digest.move_to_end(digest)
            return None if entry is None else entry[1]

    def form(self, workflow: BpmnWorkflow) -> SpecForm:
        with self._lock:
            entry = self._by_object.get(id(workflow.spec))
        if entry is not None and _same_objects(entry[1], workflow):
            return entry[0]
        form = _serialized_specs(workflow)
        self.keep(form, (workflow.spec, dict(workflow.subprocess_specs)))
        return form

    def keep(self, form: SpecForm, specs: Specs) -> None:
        with self._lock:
            self._by_digest[form.digest] = self._by_object[id(specs[0])] = (form, specs)
            self._by_digest.move_to_end(form.digest)
            while len(self._by_digest) > self.size:
                _, (_, (spec, _)) = self._by_digest.popitem(last=False)
                self._by_object.pop(id(spec), None)

    def clear(self) -> None:
        with self._lock:
            self._by_digest.clear()
            self._by_object.clear()


def _same_objects(specs: Specs, workflow: BpmnWorkflow) -> bool:
    spec, subprocess_specs = specs
    return spec is workflow.spec and subprocess_specs.keys() == workflow.subprocess_specs.keys() and all(
        subprocess_specs[name] is other for name, other in workflow.subprocess_specs.items())


def _serialized_specs(workflow: BpmnWorkflow) -> SpecForm:
    text = spec_text({"spec": _SPEC_CONVERTER.to_dict(workflow.spec),
                      "subprocess_specs": {name: _SPEC_CONVERTER.to_dict(spec)
                                           for name, spec in workflow.subprocess_specs.items()}})
    return SpecForm(spec_digest(text), text)


KNOWN_SPECS = KnownSpecs()


def dump_workflow(workflow: BpmnWorkflow) -> str:
    """The workflow with its specs, self-contained: for states that never reach the database (drafts)."""
    return SERIALIZER.serialize_json(workflow)


def dump_state(workflow: BpmnWorkflow) -> tuple[bytes, SpecForm]:
    """The workflow's own state, compressed, and the specs it names by their digest (stored apart, once)."""
    return pack(STATE_SERIALIZER.serialize_json(workflow)), KNOWN_SPECS.form(workflow)


def pack(state: str) -> bytes:
    return zlib.compress(state.encode("utf-8"), 1)  # level 1: ~5× smaller at ~0.1 ms; level 6 gains 10 % more


def unpack(state: bytes) -> str:
    return zlib.decompress(state).decode("utf-8")


def load_workflow(state: str) -> BpmnWorkflow:
    """A self-contained state (``dump_workflow``), or one stored by the library itself."""
    workflow = SERIALIZER.deserialize_json(state)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow


def load_state(state: bytes, digest: str, specs: Callable[[], str]) -> BpmnWorkflow:
    """An own state (``dump_state``) whose specs ``specs()`` reads only when they are not known yet. A state
    written by an older serializer goes through the library's migrations with its specs put back, since those
    migrations rewrite specs too (notes §8)."""
    dct = json.loads(unpack(state))
    known = KNOWN_SPECS.specs(digest) if dct.get(SERIALIZER.VERSION_KEY) == SERIALIZER_VERSION else None
    if known is None:
        return _load_with_specs(dct, digest, specs())
    del dct[SERIALIZER.VERSION_KEY]
    dct["spec"], dct["subprocess_specs"] = known[0], dict(known[1])  # objects: restore passes them through
    workflow = SERIALIZER.from_dict(dct)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow


def _load_with_specs(dct: dict[str, Any], digest: str, text: str) -> BpmnWorkflow:
    current = dct.get(SERIALIZER.VERSION_KEY) == SERIALIZER_VERSION
    dct.update(json.loads(text))
    SERIALIZER.migrate(dct)
    workflow = SERIALIZER.from_dict(dct)
    if current:
        KNOWN_SPECS.keep(SpecForm(digest, text), (workflow.spec, dict(workflow.subprocess_specs)))
    workflow.script_engine = SCRIPT_ENGINE
    return workflow
