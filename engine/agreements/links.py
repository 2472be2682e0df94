"""Which of an agreement's cases and tasks the person may open, by the same rules as the pages themselves.

The register shows every agreement a 担当課 works under, but not every case behind it is theirs: another
department's individual agreement, or a lifecycle period with none of their projects. A link the person may
not open would answer 404, so its case id is left out (the number is still shown, as text) and a task is
marked not openable. The rules are the case page's (``engine.cases.service.visible_case``) and the task page's
(``access.may_read_task``); nothing is decided here.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from engine.access import Actor
from engine.agreements.views import AgreementRow, LinkedCaseView
from engine.cases.service import visible_case
from engine.errors import CaseNotFoundError


class CaseLinks:
    """Answers "may this person open case N?" once per case, for one page."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session, self.actor = session, actor
        self._known: dict[int, bool] = {}

    def may_open(self, case_id: int | None) -> bool:
        if case_id is None:
            return False
        if case_id not in self._known:
            try:
                visible_case(self.session, self.actor, case_id)
                self._known[case_id] = True
            except CaseNotFoundError:
                self._known[case_id] = False
        return self._known[case_id]

    def shown(self, case_id: int | None) -> int | None:
        return case_id if self.may_open(case_id) else None

    def row(self, row: AgreementRow) -> AgreementRow:
        if self.actor.reads_everything:
            return row
        return replace(
            row,
            case_id=self.shown(row.case_id),
            projects=[replace(p, case_id=self.shown(p.case_id)) for p in row.projects],
            renewals=[replace(p, case_id=self.shown(p.case_id)) for p in row.renewals],
            individuals=[replace(i, case_id=self.shown(i.case_id)) for i in row.individuals],
        )

    def linked(self, cases: list[LinkedCaseView]) -> list[LinkedCaseView]:
        return [c for c in cases if self.may_open(c.id)]
