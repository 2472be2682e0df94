"""Cases and their human tasks: start, complete, claim, release, reassign, cancel (``service``), routing by lane
(``routing``), the tables kept in step with the workflow (``projection``), reads (``queries``, ``inbox``,
``task_view``) and timers (``timers``). Values returned to callers are in ``views``."""
