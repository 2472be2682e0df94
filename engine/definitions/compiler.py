"""Turns a bundle of files into a runnable, checked process: parse, resolve calls, load forms, lint.

A fresh parser is used every time (a SpiffWorkflow parser keeps state and is left half-filled after an
error). Every problem found is collected and raised together, so one upload shows all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask as UserTaskMixin
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.definitions.bundle import Bundle
from engine.definitions.identifiers import bpmn_path
from engine.definitions.lint import NS, check_diagram_xml, check_specs, locate_elements
from engine.definitions.parser import RenkeiParser
from engine.definitions.routing import department_task_problems
from engine.definitions.spiff_messages import in_japanese, known
from engine.definitions.xml_checks import XmlReport, check_files
from engine.domain.guideline import Lane
from engine.errors import DefinitionError, DefinitionProblem
from engine.forms.definition import FormDefinition, load_form
from engine.forms.visibility import SharedData, shared_data, text_names, unshared_in_partner_texts


@dataclass(frozen=True)
class CompiledProcess:
    """A process ready to start cases: its spec, the specs it calls, its forms and the files they came from."""

    process_id: str
    bundle: Bundle
    spec: BpmnProcessSpec
    called_specs: dict[str, BpmnProcessSpec]
    forms: dict[str, FormDefinition]
    metadata: dict[str, Any] = field(default_factory=dict)
    notes: list[DefinitionProblem] = field(default_factory=list)  # foreign attributes that change nothing

    @property
    def name(self) -> str:
        return self.metadata.get("name") or self.spec.description or self.process_id

    @cached_property
    def user_steps(self) -> frozenset[tuple[Lane | None, str]]:
        """(lane, name) of every user task here and in the processes it calls: the steps a task of this
        process can be, as the inbox's step filter offers them (a task's name is its element's name)."""
        return frozenset((Lane.from_bpmn(task.lane), task.bpmn_name or task.bpmn_id)
                         for each in (self.spec, *self.called_specs.values()) for task in each.task_specs.values()
                         if isinstance(task, UserTaskMixin))

    @cached_property
    def shared(self) -> SharedData:
        """What of this process's case data a 企業等 may see: each user task's form read with its lane."""
        return shared_data(_forms_by_lane(self.spec, self.called_specs, self.forms))


def _forms_by_lane(spec: BpmnProcessSpec, called: dict[str, BpmnProcessSpec], forms: dict[str, FormDefinition]):
    """(is the task in the 企業等 lane, its form's components) for every user task with a form."""
    return [(Lane.from_bpmn(task.lane) is Lane.ORGANISATION, forms[task.extensions["formRef"]].components)
            for each in (spec, *called.values()) for task in each.task_specs.values()
            if isinstance(task, UserTaskMixin) and task.extensions.get("formRef") in forms]


def _visibility_problems(bundle: Bundle, spec: BpmnProcessSpec, called: dict[str, BpmnProcessSpec],
                         forms: dict[str, FormDefinition]) -> list[DefinitionProblem]:
    """A 企業等 form whose text shows a city field would show it empty: the field must be marked shared."""
    hidden = unshared_in_partner_texts(_forms_by_lane(spec, called, forms))
    partner_forms = {task.extensions.get("formRef") for each in (spec, *called.values())
                     for task in each.task_specs.values()
                     if isinstance(task, UserTaskMixin) and Lane.from_bpmn(task.lane) is Lane.ORGANISATION}
    files = {name.rsplit("/", 1)[-1].removesuffix(".form"): name for name in bundle.forms()}
    return [DefinitionProblem(files.get(form_id, f"forms/{form_id}.form"),
                              f"企業等のフォームの文面が市のみの項目「{name}」を表示しています（企業等には空欄で表示されます）。"
                              f"その項目を入力するフォームで properties の visibility を shared にしてください")
            for form_id in sorted(partner_forms & set(forms))
            for name in sorted(hidden & text_names(forms[form_id].components))]


def called_process_ids(bundle: Bundle, process_id: str) -> list[str]:
    """The process and every process it calls, directly or not, in a stable order."""
    ordered, pending = [], [process_id]
    while pending:
        current = pending.pop(0)
        if current in ordered:
            continue
        ordered.append(current)
        content = bundle.files.get(bpmn_path(current))
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
            problems.append(DefinitionProblem(file_name, _schema_message("BPMN", error), line=_line(error)))
    for file_name, content in bundle.with_suffix(".dmn").items():
        try:
            parser.add_dmn_str(content, filename=file_name)
        except etree.XMLSyntaxError as error:
            problems.append(DefinitionProblem(file_name, f"XML として読めません: {error.msg}", line=error.lineno))
        except ValidationException as error:
            problems.append(DefinitionProblem(file_name, _schema_message("DMN", error), line=_line(error)))


def _schema_message(kind: str, error: ValidationException) -> str:
    return in_japanese(str(error)) if known(str(error)) else f"{kind} スキーマ違反: {error}"


def _line(error: ValidationException) -> int | None:
    line = getattr(error, "line_number", None)
    return int(line) if str(line or "").isdecimal() else None


def _load_forms(bundle: Bundle, problems: list[DefinitionProblem], strict: bool) -> dict[str, FormDefinition]:
    forms: dict[str, FormDefinition] = {}
    for file_name, content in bundle.forms().items():
        try:
            form = load_form(file_name, content, strict)
        except DefinitionError as error:
            problems.extend(error.problems)
            continue
        forms[form.id] = form
    return forms


def compile_process(bundle: Bundle, process_id: str, *, deployed: bool = False) -> CompiledProcess:
    """Raises DefinitionError listing every problem; returns a process that passed all checks.

    Every way in (upload, the editors' save, the dry run, ``renkei deploy``, ``renkei test-processes``) comes
    here, so the whole-file checks of ``xml_checks`` run for all of them. ``deployed`` is for loading a version
    that is already stored: it was checked when it was deployed, and a rule added since must not stop the
    cases that run on it, so only what SpiffWorkflow needs to run it is checked again.
    """
    selected = bundle.select(called_process_ids(bundle, process_id))
    if bpmn_path(process_id) not in selected.files:
        raise DefinitionError([DefinitionProblem(bpmn_path(process_id), "プロセス定義ファイルがありません")])
    problems: list[DefinitionProblem] = []
    layout: list[DefinitionProblem] = []  # reported together with the element checks, so one upload lists all
    parser = RenkeiParser()
    _parse(parser, selected, problems, layout)
    forms = _load_forms(selected, problems, strict=not deployed)
    if problems:
        raise DefinitionError(layout + problems)
    bpmn_files = selected.with_suffix(".bpmn")
    whole = (XmlReport([], []) if deployed
             else check_files(bpmn_files, selected.with_suffix(".dmn"), forms))
    layout = [*layout, *whole.problems]
    location = locate_elements(bpmn_files)
    try:
        spec = parser.get_spec(process_id)
        called = parser.get_subprocess_specs(process_id)
    except (ValidationException, SpiffWorkflowException) as error:
        if whole.problems:  # the whole-file checks name the cause; SpiffWorkflow's words would only confuse
            raise DefinitionError(_unique(layout), whole.notes) from None
        element = location.get(getattr(error, "id", None) or "")
        raise DefinitionError([*layout, DefinitionProblem(
            getattr(error, "file_name", None) or bpmn_path(process_id), in_japanese(str(error)),
            getattr(error, "id", None) or None, getattr(error, "name", None) or None,
            element.lane if element else None, element.line if element else None,
        )], whole.notes) from None
    if deployed:  # the deploy-time rules below were applied when it was deployed
        return CompiledProcess(process_id, selected, spec, called, forms, selected.metadata(process_id), [])
    called_only = {pid for pid in {name.split("/")[0] for name in bpmn_files}
                   if selected.metadata(pid).get("starts_cases", True) is False}
    problems = [*layout, *check_specs(spec, called, forms, location),
                *department_task_problems(bpmn_files, called_only),
                *_visibility_problems(selected, spec, called, forms)]
    if problems:
        raise DefinitionError(_unique(problems), whole.notes)
    return CompiledProcess(process_id, selected, spec, called, forms, selected.metadata(process_id), whole.notes)


def _unique(problems: list[DefinitionProblem]) -> list[DefinitionProblem]:
    """The whole-file checks and the checks over the parsed spec may find the same thing: list it once."""
    seen, kept = set(), []
    for problem in problems:
        key = (problem.file_name, problem.element_id, problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept
