"""Comparing any two versions of a process, or a draft with the current version (issue #13 item 4).

A reviewer chooses the older and the newer side; the page lists each changed property old → new and draws
the newer diagram with the changed elements coloured (and the older one, for what was removed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor
from engine.definitions.diff import VersionDiff, diff_files
from engine.definitions.identifiers import bpmn_path
from engine.errors import NotFoundError
from engine.library import catalogue as library
from engine.persistence.models import ProcessVersion
from engine.persistence.models.process_version import latest

if TYPE_CHECKING:
    from engine.context import Context


@dataclass(frozen=True)
class Comparison:
    process_id: str
    process_name: str
    numbers: list[int]  # every deployed version, newest first: what the reviewer may choose from
    before: int | None  # the older version (None: nothing deployed yet)
    after: int | None  # the newer version, None when the newer side is a draft
    draft_id: int | None
    diff: VersionDiff
    before_xml: str | None  # the main diagram of each side, for the visual diff
    after_xml: str | None

    @property
    def main_bpmn(self) -> str:
        return bpmn_path(self.process_id)

    @property
    def markers(self) -> dict[str, list[str]]:
        return self.diff.markers(self.main_bpmn)


class ComparisonService:
    def __init__(self, context: Context) -> None:
        self.context = context

    def versions(self, actor: Actor, process_id: str, before: int | None, after: int | None) -> Comparison:
        """Two deployed versions; without a choice, the current version against the one before it."""
        library.require_reader(actor)
        with self.context.unit_of_work() as session:
            numbers = _numbers(session, process_id)
            if not numbers:
                raise NotFoundError(f"プロセス「{process_id}」はデプロイされていません")
            after = after or numbers[0]
            before = before or max(after - 1, 1)
            old = library.version(session, process_id, before)
            new = library.version(session, process_id, after)
            return _comparison(process_id, new.name, numbers, before, after, None, old.files, new.files)

    def draft(self, actor: Actor, draft_id: int) -> Comparison:
        """A draft against the current version of its process."""
        library.require_reader(actor)
        with self.context.unit_of_work() as session:
            found = library.draft(session, draft_id)
            current = latest(session, found.process_id)
            numbers = _numbers(session, found.process_id)
            return _comparison(
                found.process_id,
                current.name if current else found.process_id,
                numbers,
                current.version if current else None,
                None,
                found.id,
                dict(current.files) if current else {},
                dict(found.files),
            )


def _numbers(session: Session, process_id: str) -> list[int]:
    return list(session.scalars(
        select(ProcessVersion.version)
        .where(ProcessVersion.process_id == process_id)
        .order_by(ProcessVersion.version.desc())
    ))


def _comparison(process_id, name, numbers, before, after, draft_id, old, new) -> Comparison:
    main = bpmn_path(process_id)
    diff = diff_files(old, new, before)
    return Comparison(process_id, name, numbers, before, after, draft_id, diff, old.get(main), new.get(main))
