"""Turns a bundle of files into a runnable, checked process: parse, resolve calls, load forms, lint.

A fresh parser is used every time (a SpiffWorkflow parser keeps state and is left half-filled after an
error). Every problem found is collected and raised together, so one upload shows all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.definitions.bundle import Bundle
from engine.definitions.lint import NS, check_diagram_xml, check_specs, locate_elements
from engine.definitions.parser import RenkeiParser
from engine.definitions.routing import department_task_problems
from engine.errors import DefinitionError, DefinitionProblem
from engine.forms.definition import FormDefinition, load_form


@dataclass(frozen=True)
class CompiledProcess:
    """A process ready to start cases: its spec, the specs it calls, its forms and the files they came from."""

    process_id: str
    bundle: Bundle
    spec: BpmnProcessSpec
    called_specs: dict[str, BpmnProcessSpec]
    forms: dict[str, FormDefinition]
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.metadata.get("name") or self.spec.description or self.process_id


def called_process_ids(bundle: Bundle, process_id: str) -> list[str]:
    """The process and every process it calls, directly or not, in a stable order."""
    ordered, pending = [], [process_id]
    while pending:
        current = pending.pop(0)
        if current in ordered:
            continue
        ordered.append(current)
        content = bundle.files.get(f"{current}/{current}.bpmn")
        if content is None:
            continue
        try:
            root = etree.fromstring(content)
        except etree.XMLSyntaxError:
            continue  # reported by the parser step with its line
        pending.extend(call.get("calledElement") for call in root.iterfind(".//bpmn:callActivity", NS)
                       if call.get("calledElement"))
    return ordered


def _parse(parser: RenkeiParser, bundle: Bundle, problems: list[DefinitionProblem],
           layout: list[DefinitionProblem] | None = None) -> None:
    """Parse errors go to ``problems``; lane and layout problems (which do not stop parsing) to ``layout``."""
    layout = problems if layout is None else layout
    for file_name, content in bundle.with_suffix(".bpmn").items():
        try:
            parser.add_bpmn_str(content, filename=file_name)
            layout.extend(check_diagram_xml(file_name, content))
        except etree.XMLSyntaxError as error:
            problems.append(DefinitionProblem(file_name, f"XML として読めません: {error.msg}", line=error.lineno))
        except ValidationException as error:
            problems.append(DefinitionProblem(file_name, f"BPMN スキーマ違反: {error}", line=_line(error)))
    for file_name, content in bundle.with_suffix(".dmn").items():
        try:
            parser.add_dmn_str(content, filename=file_name)
        except etree.XMLSyntaxError as error:
            problems.append(DefinitionProblem(file_name, f"XML として読めません: {error.msg}", line=error.lineno))
        except ValidationException as error:
            problems.append(DefinitionProblem(file_name, f"DMN スキーマ違反: {error}", line=_line(error)))


def _line(error: ValidationException) -> int | None:
    line = getattr(error, "line_number", None)
    return int(line) if str(line or "").isdigit() else None


def _load_forms(bundle: Bundle, problems: list[DefinitionProblem]) -> dict[str, FormDefinition]:
    forms: dict[str, FormDefinition] = {}
    for file_name, content in bundle.forms().items():
        try:
            form = load_form(file_name, content)
        except DefinitionError as error:
            problems.extend(error.problems)
            continue
        forms[form.id] = form
    return forms


def compile_process(bundle: Bundle, process_id: str) -> CompiledProcess:
    """Raises DefinitionError listing every problem; returns a process that passed all checks."""
    selected = bundle.select(called_process_ids(bundle, process_id))
    if f"{process_id}/{process_id}.bpmn" not in selected.files:
        raise DefinitionError([DefinitionProblem(f"{process_id}/{process_id}.bpmn", "プロセス定義ファイルがありません")])
    problems: list[DefinitionProblem] = []
    layout: list[DefinitionProblem] = []  # reported together with the element checks, so one upload lists all
    parser = RenkeiParser()
    _parse(parser, selected, problems, layout)
    forms = _load_forms(selected, problems)
    if problems:
        raise DefinitionError(layout + problems)
    bpmn_files = selected.with_suffix(".bpmn")
    location = locate_elements(bpmn_files)
    try:
        spec = parser.get_spec(process_id)
        called = parser.get_subprocess_specs(process_id)
    except (ValidationException, SpiffWorkflowException) as error:
        element = location.get(getattr(error, "id", None) or "")
        raise DefinitionError([*layout, DefinitionProblem(
            getattr(error, "file_name", None) or f"{process_id}/{process_id}.bpmn", str(error).splitlines()[0],
            getattr(error, "id", None) or None, getattr(error, "name", None) or None,
            element.lane if element else None, element.line if element else None,
        )]) from None
    called_only = {pid for pid in {name.split("/")[0] for name in bpmn_files}
                   if selected.metadata(pid).get("starts_cases", True) is False}
    problems = [*layout, *check_specs(spec, called, forms, location),
                *department_task_problems(bpmn_files, called_only)]
    if problems:
        raise DefinitionError(problems)
    return CompiledProcess(process_id, selected, spec, called, forms, selected.metadata(process_id))
