"""Departments (課): the city's divisions that own projects (担当課) and the coordinating 総合政策課."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.errors import FormDataError
from web.admin import Search, accounts, admins_only, bp
from web.engine_access import actor


@bp.get("/departments")
@admins_only
def departments():
    search = Search.from_request()
    listing = accounts().list_departments(actor(), search.text, search.status, search.page)
    return render_template("admin/departments.html", listing=listing, search=search)


@bp.route("/departments/new", methods=["GET", "POST"])
@admins_only
def department_new():
    if request.method == "GET":
        return render_template("admin/department_form.html", department=None, values={}, errors={})
    try:
        form = request.form
        created = accounts().create_department(actor(), form.get("name", ""), form.get("code", ""))
    except FormDataError as error:
        return render_template("admin/department_form.html", department=None, values=request.form,
                               errors=error.errors), 422
    flash(f"課「{created.name}」（コード {created.code}）を登録しました。", "success")
    return redirect(url_for("admin.departments"))


@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@admins_only
def department(department_id: int):
    if request.method == "GET":
        found = accounts().get_department(actor(), department_id)
        return render_template("admin/department_form.html", department=found, values={"name": found.name},
                               errors={})
    try:
        saved = accounts().rename_department(actor(), department_id, request.form.get("name", ""))
    except FormDataError as error:
        found = accounts().get_department(actor(), department_id)
        return render_template("admin/department_form.html", department=found, values=request.form,
                               errors=error.errors), 422
    flash(f"課の名称を「{saved.name}」に変更しました。", "success")
    return redirect(url_for("admin.department", department_id=department_id))


@bp.post("/departments/<int:department_id>/<any(deactivate, reactivate):change>")
@admins_only
def department_active(department_id: int, change: str):
    changed = accounts().set_department_active(actor(), department_id, change == "reactivate")
    flash(f"課「{changed.name}」を{'有効' if changed.active else '無効'}にしました。", "success")
    return redirect(url_for("admin.department", department_id=department_id))
