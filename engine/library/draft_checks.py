"""Checking a set of definition files before it is deployed: validation, then the scenarios (dry run).

The two steps a draft goes through (issue #6 items 3 and 4), kept apart from the database so they run
outside any transaction. Scripts run only in the dry run, and only once validation has passed: a draft the
restricted environment refuses never executes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.definitions.bundle import Bundle
from engine.definitions.compiler import compile_process
from engine.errors import DefinitionError, DefinitionProblem
from engine.library.scenarios import ScenarioResult, run_bundle


@dataclass(frozen=True)
class ValidationReport:
    problems: list[DefinitionProblem]
    notes: list[DefinitionProblem] = field(default_factory=list)  # shown, but never block a deploy

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class DryRun:
    """The scenarios run against a draft; ``executed`` is False when validation refused the draft first."""

    validation: ValidationReport
    results: list[ScenarioResult]

    @property
    def executed(self) -> bool:
        return self.validation.ok

    @property
    def failed(self) -> list[ScenarioResult]:
        return [r for r in self.results if not r.passed]

    @property
    def passed(self) -> bool:
        return self.executed and not self.failed


def validate_files(files: Mapping[str, str], process_id: str) -> ValidationReport:
    """Every deploy-time check (XML and XSD, layout, lanes, forms, expressions, calls), nothing run."""
    try:
        process = compile_process(bundle_of(files), process_id)
    except DefinitionError as error:
        return ValidationReport(error.problems, error.notes)
    return ValidationReport([], process.notes)


def dry_run_files(files: Mapping[str, str], process_id: str) -> DryRun:
    validation = validate_files(files, process_id)
    if not validation.ok:
        return DryRun(validation, [])  # a refused draft's scripts are never run
    return DryRun(validation, run_bundle(bundle_of(files), [process_id]))


def bundle_of(files: Mapping[str, str]) -> Bundle:
    return Bundle({path: text.encode("utf-8") for path, text in files.items()})
