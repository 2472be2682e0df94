"""The task page (/tasks/<id>): the task's form rendered from its definition, the case around it, and
claiming, releasing, reassigning and completing it (issue #3 items 4–6).

A stale page (the task was completed or the case changed meanwhile) and refused input come back from
the engine as a Submission, and the page is shown again with the clerk's input and the reason.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.accounts import manages_partners
from engine.cases import TaskPage, TaskPages
from engine.errors import NotAllowedError, TaskConflictError
from web.engine_access import actor, engine
from web.tasks.form_input import apply_row_action, parse_form
from web.tasks.form_view import FormView

bp = Blueprint("tasks", __name__, url_prefix="/tasks")

# Who did what in the case context; claiming and releasing are left out (they decide nothing).
HISTORY_ACTIONS = {
    "case_started": "案件を開始", "task_completed": "完了", "task_reassigned": "担当者を変更",
    "timer_fired": "期限の到来", "case_cancelled": "取り下げ",
}


def _render(page: TaskPage, values=None, errors=None, conflict: str | None = None, status: int = 200):
    detail = page.detail
    me = actor()
    form_view = FormView(detail.form, dict(detail.data if values is None else values), detail.data, detail.options,
                         errors or {}, disabled=not detail.may_complete)
    claimed_by_other = detail.summary.claimed_by_id not in (None, me.user_id)
    return render_template("tasks/task.html", page=page, task=detail.summary, fv=form_view, conflict=conflict,
                           claimed_by_other=claimed_by_other, me=me, history_actions=HISTORY_ACTIONS,
                           manages_partners=manages_partners(me)), status


def _version() -> int | None:
    text = request.form.get("_case_version", "")
    return int(text) if text.isdecimal() else None


@bp.get("/<task_id>")
@login_required
def show(task_id: str):
    return _render(TaskPages(engine()).page(actor(), task_id))


@bp.post("/<task_id>")
@login_required
def submit(task_id: str):
    values = parse_form(request.form)
    if request.form.get("_row"):  # add or remove a row without JavaScript: nothing is saved
        page = TaskPages(engine()).page(actor(), task_id)
        return _render(page, apply_row_action(values, request.form["_row"]))
    result = TaskPages(engine()).submit(actor(), task_id, values, _version())
    if result.completed:
        flash(f"「{request.form.get('_step', 'タスク')}」を完了しました。", "success")
        return redirect(url_for("inbox.index"))
    if result.conflict and not result.page.detail.may_complete:
        return render_template("tasks/conflict.html", page=result.page, message=result.conflict), 409
    return _render(result.page, values, result.errors, result.conflict, 409 if result.conflict else 422)


@bp.post("/<task_id>/claim")
@login_required
def claim(task_id: str):
    try:
        engine().claim(actor(), task_id)
    except TaskConflictError as error:
        flash(str(error), "error")
        return redirect(url_for("inbox.index"))
    flash("このタスクの担当になりました。", "success")
    # the page puts the focus on the form's first field: taking a task is the step before filling it in
    return redirect(url_for("tasks.show", task_id=task_id, claimed=1))


@bp.post("/<task_id>/release")
@login_required
def release(task_id: str):
    engine().release(actor(), task_id)
    flash("担当を外しました。タスクはグループのタスクに戻りました。", "success")
    return redirect(url_for("inbox.index", view="group"))


@bp.post("/<task_id>/reassign")
@login_required
def reassign(task_id: str):
    assignee = request.form.get("assignee_id", "")
    if not assignee.isdecimal():
        flash("担当者を選択してください。", "error")
        return redirect(url_for("tasks.show", task_id=task_id))
    try:
        engine().reassign(actor(), task_id, int(assignee))
    except NotAllowedError as error:
        flash(str(error), "error")
        return redirect(url_for("tasks.show", task_id=task_id))
    flash("担当者を変更しました。", "success")
    return redirect(url_for("tasks.show", task_id=task_id))
