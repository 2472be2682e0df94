"""Domain errors raised by the engine. The web layer maps them to HTTP; messages are for a city clerk."""

from __future__ import annotations

from dataclasses import dataclass


class RenkeiError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "error"


@dataclass(frozen=True)
class DefinitionProblem:
    """One thing wrong with a process definition: which file, which element, which line."""

    file_name: str
    message: str
    element_id: str | None = None
    element_name: str | None = None
    lane: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file_name
        if self.line:
            where += f":{self.line}"
        if self.element_id:
            label = f"{self.element_id}（{self.element_name}）" if self.element_name else self.element_id
            where += f" {label}"
        if self.lane:
            where += f" [レーン {self.lane}]"
        return f"{where}: {self.message}"


class DefinitionError(RenkeiError):
    """A definition was refused; nothing was deployed."""

    code = "definition_invalid"

    def __init__(self, problems: list[DefinitionProblem], notes: list[DefinitionProblem] | None = None) -> None:
        self.problems = list(problems)
        self.notes = list(notes or [])  # what does not block (foreign attributes that change nothing)
        super().__init__("プロセス定義に問題があります:\n" + "\n".join(f"- {p}" for p in self.problems))


class FormDataError(RenkeiError):
    """Submitted data does not fit the task's form; ``errors`` maps each field path to its message."""

    code = "validation_failed"

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("入力内容に誤りがあります: " + "; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class PageRequestError(FormDataError):
    """Paging input a list cannot use (a cursor it did not hand out, a limit that is not a number): a 400
    naming the parameter, never a 500 from the database (engine.paging)."""

    code = "bad_request"


class NotFoundError(RenkeiError):
    """The thing does not exist, or the caller may not see it (the two are never told apart)."""

    code = "not_found"


class TaskNotFoundError(NotFoundError):
    def __init__(self, task_id: object) -> None:
        super().__init__(f"タスク {task_id} は見つかりません")


class CaseNotFoundError(NotFoundError):
    def __init__(self, case_id: object) -> None:
        super().__init__(f"案件 {case_id} は見つかりません")


class NotAllowedError(RenkeiError):
    """The caller may see the thing but not do this to it (e.g. a manager, or another person's claim)."""

    code = "forbidden"


class TaskConflictError(RenkeiError):
    """Someone else completed, claimed or changed the task first; nothing of this request was saved."""

    code = "conflict"


class CaseStateError(RenkeiError):
    """The case cannot do this in its current state (e.g. cancelling a finished case)."""

    code = "case_state"


class WorkflowFailure(RenkeiError):
    """The process itself failed (a script or condition error); the case was left as it was."""

    code = "workflow_error"


class DatabaseUnavailableError(RenkeiError):
    """The database cannot be reached right now (stopped, restarting, out of connections); nothing was saved.

    ``kind`` groups failures of one cause for the log (the class and first line of the driver's message,
    digits masked), so an outage writes a line per cause rather than a traceback per request; ``detail`` is
    the driver's first line as it was.
    """

    code = "database_unavailable"

    def __init__(self, kind: str, detail: str = "") -> None:
        self.kind = kind
        self.detail = detail or kind
        super().__init__("データベースに接続できないため、ただいまシステムを利用できません。"
                         "しばらく待ってから、もう一度お試しください。")


class ScriptOverrunError(WorkflowFailure):
    """Process code went over its time, operation or size limit (engine.workflow.budget); nothing saved."""

    code = "script_overrun"

    def __init__(self, what: str, element_id: str | None, element_name: str | None, limit: str) -> None:
        self.element_id, self.element_name, self.limit = element_id, element_name, limit
        named = f"『{element_name or element_id}』（{element_id}）" if element_id else ""
        super().__init__(f"{what}{named}が{limit}を超えました。無限ループや大きすぎる繰り返しがないか確認してください")
