"""Which projects count (R-3.3, R-3.4, R-3.6): the one home of the rule every surface reads.

A project is a partnership project (連携事業) — counted for R-3.3's "at least 3 projects" and R-3.4's
"at least 3 of the 7 categories" — when its 担当課 judged at ⑤ that it is implemented (実施する) and ticked
none of R-3.6's exclusions. R-3.6 says an excluded project "is not a partnership project at all", so a
project judged 実施する *and* excluded is counted by nothing: not ⑥'s figures, not the DMN, not the case
header, not 集計, not the agreement register and not the exports. A project dropped from the list at ③
(``removed``) is not one either.

The rule reads four attributes, so the same function serves a ``project`` row and the process data
(``projects`` + ``project_decisions``, see ``decided``). Tables keep its result in ``project.counted``
(written only through ``is_counted``) so SQL can filter and group on it.

Since R-3.6 makes an excluded project no partnership project, a ⑤ decision that ticks an exclusion *and*
says 実施する records a contradiction (⑥'s figures and the registers would disagree with the decision as read).
``decision_errors`` refuses it on every completion, whatever the form says; ``is_counted`` still counts such a
record (saved before the refusal existed) as nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from engine.domain.guideline import CATEGORIES

IMPLEMENT = "implement"  # ⑤'s "実施する" (project_decision.implementation)


class ProjectRecord(Protocol):
    """What the rule reads of a project; a ``project`` row and ``DecidedProject`` both have it."""

    @property
    def category(self) -> str | None: ...

    @property
    def implementation(self) -> str | None: ...

    @property
    def exclusions(self) -> Sequence[str] | None: ...

    @property
    def removed(self) -> bool: ...


P = TypeVar("P", bound=ProjectRecord)


@dataclass(frozen=True)
class DecidedProject:
    """A project as the process data holds it: its entry in ``projects`` joined with its ⑤ decision."""

    key: str
    category: str | None
    implementation: str | None
    exclusions: tuple[str, ...] = ()
    removed: bool = False


@dataclass(frozen=True)
class Tally:
    """R-3.3's project count and R-3.4's category count over the partnership projects."""

    project_count: int
    category_count: int


def is_counted(project: ProjectRecord) -> bool:
    """R-3.3/R-3.4 with R-3.6: judged 実施する at ⑤, no R-3.6 exclusion ticked, still on the list."""
    return project.implementation == IMPLEMENT and not (project.exclusions or []) and not project.removed


def counted_projects(projects: Iterable[P]) -> list[P]:
    """The partnership projects among ``projects``, in their order."""
    return [project for project in projects if is_counted(project)]


def counted_categories(projects: Iterable[ProjectRecord]) -> list[str]:
    """The R-4 categories ("1".."7") the partnership projects span, sorted."""
    return categories_spanned(p.category for p in counted_projects(projects))


def categories_spanned(categories: Iterable[str | None]) -> list[str]:
    """R-3.4's "categories": each of R-4's seven once, sorted; for lists already limited to partnership
    projects (the agreement registers select ``project.counted`` in SQL)."""
    return sorted({c for c in categories if c in CATEGORIES})


def tally(projects: Iterable[ProjectRecord]) -> Tally:
    counted = counted_projects(projects)
    return Tally(len(counted), len(counted_categories(counted)))


DECISION = "project_decision"  # ⑤'s output for one project (docs/process-data.md)


def decision_errors(submitted: Mapping[str, Any]) -> dict[str, str]:
    """R-3.6 with R-5.5: a project that falls under an exclusion cannot be judged 実施する at ⑤.

    Keyed by the field's dotted path, for the completion path to show next to the 事業実施の判断.
    """
    decision = submitted.get(DECISION)
    if not isinstance(decision, Mapping):
        return {}
    if decision.get("implementation") == IMPLEMENT and decision.get("exclusions"):
        return {f"{DECISION}.implementation": "ガイドライン２⑹に該当する事業は連携事業に当たらないため、「実施する」は選べません"
                                               "（R-3.6）。該当の選択を見直すか、「実施しない」を選んでください"}
    return {}


def decided(projects: Iterable[Mapping[str, Any]], decisions: Mapping[str, Mapping[str, Any]] | None
            ) -> list[DecidedProject]:
    """Process data → records: ``projects`` (③'s list) with ``project_decisions`` (⑤'s output, by id).

    A project without a ⑤ decision (not feasible at ④, or not decided yet) has no implementation.
    """
    decisions = decisions or {}
    found = []
    for project in projects or []:
        decision = decisions.get(project.get("id")) or {}
        found.append(DecidedProject(
            key=project.get("id") or "", category=project.get("category"),
            implementation=decision.get("implementation"), exclusions=tuple(decision.get("exclusions") or ()),
        ))
    return found
