"""Cases and their human tasks: start, complete, claim, release, reassign, cancel (``service``), routing by lane
(``routing``), the tables kept in step with the workflow (``projection``), reads (``queries``, ``inbox``,
``task_view``) and timers (``timers``). Values returned to callers are in ``views``."""

from __future__ import annotations

from engine.front import front

PUBLIC = {
    "AgreementView": "engine.cases.views",
    "CaseStatus": "engine.cases.views",
    "HistoryEntry": "engine.cases.views",
    "Inbox": "engine.cases.inbox",
    "ProjectView": "engine.cases.views",
    "SORT_COLUMNS": "engine.cases.queries",
    "TaskFilter": "engine.cases.queries",
    "TaskPage": "engine.cases.task_view",
    "TaskPages": "engine.cases.task_view",
    "TaskSummary": "engine.cases.views",
    "VIEWS": "engine.cases.inbox",
}
__all__ = sorted(PUBLIC)
__getattr__ = front(__name__, PUBLIC)
