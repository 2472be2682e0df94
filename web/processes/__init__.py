"""プロセス定義 (issue #6): the library of processes and versions, drafts, the editors and deploying.

Process owners and administrators change definitions; managers read them; everyone else is refused by the
engine (engine.library.catalogue). Each view parses the request, makes one engine call and renders.
"""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import login_required

from engine.access import may_read_processes
from engine.config import UPLOADS
from engine.errors import FormDataError
from engine.library import DraftService
from web.engine_access import actor, engine
from web.json_body import json_body

bp = Blueprint("processes", __name__, url_prefix="/processes")

EDITORS = {
    "bpmn": "processes.modeler",
    "dmn": "processes.decision_editor",
    "form": "processes.form_editor",
    "scenario": "processes.scenario",
}


def drafts() -> DraftService:
    return DraftService(engine())


def may_read(person) -> bool:
    return may_read_processes(person.actor)


def _zip(name: str, content: bytes) -> Response:
    """werkzeug quotes the name (RFC 6266 ``filename*`` when it is not plain ASCII), so no name reaches the
    header as written."""
    return send_file(io.BytesIO(content), mimetype="application/zip", as_attachment=True, download_name=name)


def _draft_id(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() else None


@bp.get("/")
@login_required
def index():
    return _library_page(drafts().library(actor()))


def _library_page(processes, errors=None, values=None, draft_errors=None, draft_values=None) -> str:
    """The library; ``errors``/``values`` belong to the upload form, ``draft_*`` to a process's new-draft form."""
    return render_template("processes/library.html", processes=processes, errors=errors or {}, values=values or {},
                           draft_errors=draft_errors or {}, draft_values=draft_values or {}, limits=UPLOADS,
                           request_megabytes=f"{current_app.config['MAX_CONTENT_LENGTH'] / (1024 * 1024):g}")


@bp.get("/<process_id>/versions/<int:number>.zip")
@login_required
def download_version(process_id: str, number: int):
    return _zip(*drafts().version_archive(actor(), process_id, number))


@bp.post("/drafts")
@login_required
def create_draft():
    number = request.form.get("version", "")
    values = {"process_id": request.form.get("process_id", ""), "title": request.form.get("title", "")}
    try:
        draft_id = drafts().create(
            actor(), values["process_id"], values["title"], int(number) if number.isdecimal() else None
        )
    except FormDataError as error:  # e.g. a name of spaces only: said next to that process's name field
        return _library_page(drafts().library(actor()), draft_errors=error.errors, draft_values=values), 422
    flash("下書きを作成しました。デプロイするまで、進行中の案件にも新しい案件にも影響しません。", "success")
    return redirect(url_for("processes.draft", draft_id=draft_id))


@bp.post("/upload")
@login_required
def upload():
    upload_file = request.files.get("file")
    values = {"process_id": request.form.get("process_id") or "", "title": request.form.get("title", "")}
    attempt = drafts().try_upload(
        actor(),
        upload_file.filename if upload_file else "",
        upload_file.read() if upload_file else b"",
        values["process_id"] or None,
        _draft_id(request.form.get("draft_id")),
        values["title"],
    )
    if attempt.draft_id:
        flash("ファイルを下書きに取り込みました。検証結果を確認してください。", "success")
        return redirect(url_for("processes.draft", draft_id=attempt.draft_id))
    if attempt.page:
        return render_template(
            "processes/draft.html", page=attempt.page, errors=attempt.errors, editors=EDITORS, values={}
        ), 422
    return _library_page(attempt.library, attempt.errors, values), 422


@bp.get("/drafts/<int:draft_id>")
@login_required
def draft(draft_id: int):
    return render_template(
        "processes/draft.html", page=drafts().page(actor(), draft_id), errors={}, editors=EDITORS, values={}
    )


@bp.post("/drafts/<int:draft_id>/dry-run")
@login_required
def dry_run(draft_id: int):
    page = drafts().page(actor(), draft_id, run_scenarios=True)
    return render_template("processes/draft.html", page=page, errors={}, editors=EDITORS, values={})


@bp.post("/drafts/<int:draft_id>/deploy")
@login_required
def deploy(draft_id: int):
    values = {
        "comment": request.form.get("comment", ""),
        "override_reason": request.form.get("override_reason", ""),
        "include_layout": request.form.get("include_layout") == "yes",
    }
    attempt = drafts().try_deploy(actor(), draft_id, values["comment"], values["override_reason"],
                                  include_layout=values["include_layout"])
    if attempt.deployed:
        flash(
            f"バージョン {attempt.deployed.version} としてデプロイしました。"
            "新しい案件はこのバージョンで始まります。"
            "進行中の案件は、移行するまで元のバージョンのままです。",
            "success",
        )
        return redirect(url_for("processes.migration", process_id=attempt.deployed.process_id))
    return render_template(
        "processes/draft.html",
        page=attempt.page,
        errors=attempt.errors,
        editors=EDITORS,
        values=values,
        refusal=attempt.message,
    ), 422


@bp.post("/drafts/<int:draft_id>/discard")
@login_required
def discard(draft_id: int):
    drafts().discard(actor(), draft_id)
    flash("下書きを破棄しました。", "success")
    return redirect(url_for("processes.index"))


@bp.get("/drafts/<int:draft_id>.zip")
@login_required
def download_draft(draft_id: int):
    return _zip(*drafts().draft_archive(actor(), draft_id))


@bp.post("/drafts/<int:draft_id>/forms")
@login_required
def add_form(draft_id: int):
    values = {"form_id": request.form.get("form_id", "").strip()}
    attempt = drafts().try_add_form(actor(), draft_id, values["form_id"])
    if attempt.path:
        return redirect(url_for("processes.form_editor", draft_id=draft_id, file=attempt.path))
    return render_template(
        "processes/draft.html", page=attempt.page, errors=attempt.errors, editors=EDITORS, values=values
    ), 422


@bp.post("/drafts/<int:draft_id>/files/delete")
@login_required
def delete_file(draft_id: int):
    path = request.form.get("path", "")
    drafts().delete_file(actor(), draft_id, path)
    flash(f"「{path}」を下書きから削除しました。", "success")
    return redirect(url_for("processes.draft", draft_id=draft_id))


@bp.post("/drafts/<int:draft_id>/files")
@login_required
def save_file(draft_id: int):
    """The editors save with fetch (JSON), and get the draft's validation back to show beside the diagram."""
    body = json_body()
    if not isinstance(body, dict) or not all(isinstance(body.get(key), str) for key in ("path", "content")):
        raise FormDataError({key: "ファイルのパスと内容を文字列で送ってください" for key in ("path", "content")
                             if not isinstance(body, dict) or not isinstance(body.get(key), str)})
    report = drafts().save_file(actor(), draft_id, body["path"], body["content"])
    return jsonify({"saved": True, "problems": [_problem(p) for p in report.problems],
                    "notes": [_problem(p) for p in report.notes]})


def _problem(problem) -> dict:
    return {
        "file": problem.file_name,
        "line": problem.line,
        "element_id": problem.element_id,
        "element_name": problem.element_name,
        "lane": problem.lane,
        "message": problem.message,
        "text": str(problem),
    }


def _editor(template: str, draft_id: int):
    path = request.args.get("file", "")
    return render_template(template, editor=drafts().editor(actor(), draft_id, path))


@bp.get("/drafts/<int:draft_id>/modeler")
@login_required
def modeler(draft_id: int):
    return _editor("processes/modeler.html", draft_id)


@bp.get("/drafts/<int:draft_id>/form")
@login_required
def form_editor(draft_id: int):
    return _editor("processes/form_editor.html", draft_id)


@bp.get("/drafts/<int:draft_id>/decision")
@login_required
def decision_editor(draft_id: int):
    return _editor("processes/decision_editor.html", draft_id)


@bp.get("/drafts/<int:draft_id>/scenario")
@login_required
def scenario(draft_id: int):
    if not request.args.get("file"):
        return render_template(
            "processes/scenario.html",
            page=drafts().page(actor(), draft_id),
            editor=None,
            values={},
            errors={},
        )
    return render_template(
        "processes/scenario.html",
        editor=drafts().editor(actor(), draft_id, request.args["file"]),
        page=None,
        values={},
        errors={},
    )


@bp.post("/drafts/<int:draft_id>/scenario")
@login_required
def save_scenario(draft_id: int):
    values = {"name": request.form.get("name", "").strip(), "content": request.form.get("content", "")}
    attempt = drafts().try_save_scenario(actor(), draft_id, values["name"], values["content"])
    if not attempt.errors:
        flash(
            f"シナリオ「{values['name']}」を保存しました。「シナリオを試行」で確かめてください。", "success"
        )
        return redirect(url_for("processes.draft", draft_id=draft_id))
    return render_template(
        "processes/scenario.html", page=attempt.page, editor=None, values=values, errors=attempt.errors
    ), 422


def init_app(app: Flask) -> None:
    from web.navigation import NavItem, register

    app.register_blueprint(bp)
    register(app, NavItem("processes.index", "プロセス定義", visible=may_read, order=80))


from web.processes import (
    compare,  # noqa: E402,F401 - registers the version comparison views
    migration,  # noqa: E402,F401 - registers the migration views on this blueprint
)
