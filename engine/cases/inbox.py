"""The inbox as one read (issue #3 item 4): a view's tasks, the count of every view and the filter choices.

A page of the inbox needs all three; reading them in one unit of work keeps the counts in the tabs and
in the menu consistent with the rows shown, and keeps the web view at one engine call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor, Role
from engine.cases import choices, queries
from engine.cases.queries import InboxView, TaskFilter
from engine.cases.revisions import RevisionRequest, returned_tasks
from engine.cases.views import TaskSummary
from engine.domain.guideline import Lane
from engine.library.deployment import compiled_version
from engine.paging import keyset as paging
from engine.paging.keyset import Page, PageRequest
from engine.persistence.models import HumanTask

if TYPE_CHECKING:
    from engine.context import Context

VIEWS: tuple[InboxView, ...] = ("mine", "group", "completed")


@dataclass(frozen=True)
class InboxCounts:
    mine: int = 0
    group: int = 0
    completed: int = 0

    @property
    def open(self) -> int:
        """What waits for this person: claimed by them or open to their group (the menu badge)."""
        return self.mine + self.group


@dataclass(frozen=True)
class InboxPage:
    view: InboxView
    listing: Page[TaskSummary]  # this page's tasks, the total the pager shows and the cursors
    counts: InboxCounts
    organisations: list[str] = field(default_factory=list)  # choices for the organisation filter
    steps: list[str] = field(default_factory=list)  # choices for the step filter
    # task id → the 企業等's request that sent the step back to the city (engine.cases.revisions)
    revisions: dict[str, RevisionRequest] = field(default_factory=dict)

    @property
    def tasks(self) -> list[TaskSummary]:
        return self.listing.items


def counts(session: Session, actor: Actor, views: tuple[InboxView, ...] = VIEWS) -> InboxCounts:
    """Each view's tasks, counted up to engine.paging's cap (a tab then says 「1,000件以上」)."""
    if actor.user_id is None:
        return InboxCounts()
    tasks = select(HumanTask.id)  # a view's condition is the task's own columns: no join, an index read
    return InboxCounts(**{view: paging.count(session, tasks.where(queries.view_condition(actor, view)))
                          for view in views})


def _choices(session: Session, actor: Actor) -> tuple[list[str], list[str]]:
    """Every organisation (a 企業等 contact: its own) and the user tasks of every deployed version in the lanes
    this person works in (engine.cases.choices), not what the view's own tasks happen to hold."""
    lanes = {Lane.ORGANISATION} if actor.role is Role.ORGANISATION else {Lane.COORDINATOR, Lane.DEPARTMENT}
    steps = {name for version in choices.versions(session)
             for lane, name in compiled_version(version).user_steps if lane in lanes}
    return [name for _, name in choices.organisations(session, actor)], sorted(steps)


class Inbox:
    """Reads for the inbox pages and the menu badge; nothing here changes a case."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def page(self, actor: Actor, view: InboxView | None = None, filters: TaskFilter | None = None,
             request: PageRequest | None = None, cursor: str | None = None) -> InboxPage:
        """Without a view: 「自分のタスク」 when I have claimed something, else 「グループのタスク」.

        Unfiltered, the pager's total is the tab's count itself, so the two can never disagree."""
        filters = filters or TaskFilter()
        with self.context.unit_of_work() as session:
            found = counts(session, actor)
            if view not in VIEWS:
                view = "mine" if found.mine else "group"
            organisations, steps = _choices(session, actor)
            listing = queries.task_page(session, actor, view, request, filters, cursor,
                                        total=None if filters.narrows else getattr(found, view))
            ids = [t.id for t in listing.items if t.id]
            return InboxPage(view, listing, found, organisations, steps,
                             returned_tasks(session, ids) if view != "completed" else {})

    def tasks(self, actor: Actor, view: InboxView = "open", request: PageRequest | None = None,
              filters: TaskFilter | None = None, cursor: str | None = None) -> Page[TaskSummary]:
        """A page of one view, or of ``open``: what waits for me, mine first, then my group's (the API)."""
        with self.context.unit_of_work() as session:
            return queries.task_page(session, actor, view, request, filters, cursor)

    def counts(self, actor: Actor) -> InboxCounts:
        with self.context.unit_of_work() as session:
            return counts(session, actor)

    def waiting_count(self, actor: Actor) -> int:
        """What waits for this person (the menu badge on every page): mine and my group's, never the
        completed, which only the inbox's own tab shows."""
        with self.context.unit_of_work() as session:
            return counts(session, actor, ("mine", "group")).open
