"""Moving open cases to the current version (issue #6 item 6): check each case, dry run, move, undo."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.library import MigrationRefusedError, MigrationService
from web.engine_access import actor, engine
from web.processes import bp


def _case_ids() -> list[int]:
    return [int(value) for value in request.form.getlist("case_id") if value.isdecimal()]


@bp.get("/<process_id>/migration")
@login_required
def migration(process_id: str):
    return render_template(
        "processes/migration.html", overview=MigrationService(engine()).overview(actor(), process_id)
    )


@bp.post("/<process_id>/migration/dry-run")
@login_required
def migration_dry_run(process_id: str):
    case_ids = _case_ids()
    if not case_ids:
        flash("移行を試す案件を選んでください。", "error")
        return redirect(url_for("processes.migration", process_id=process_id))
    checks = MigrationService(engine()).dry_run(actor(), process_id, case_ids)
    return render_template("processes/migration_preview.html", process_id=process_id, checks=checks)


@bp.post("/<process_id>/migration")
@login_required
def migrate(process_id: str):
    case_ids = _case_ids()
    if not case_ids:  # the page ticks nothing by default
        flash("移行する案件を選んでください。", "error")
        return redirect(url_for("processes.migration", process_id=process_id))
    try:
        moved = MigrationService(engine()).migrate(actor(), process_id, case_ids)
    except MigrationRefusedError as error:
        flash(str(error), "error")
        return redirect(url_for("processes.migration", process_id=process_id))
    flash(
        f"{len(moved)} 件の案件をバージョン {moved[0].to_version} に移行しました。"
        "案件が進むまでは「元に戻す」で戻せます。",
        "success",
    )
    return redirect(url_for("processes.migration", process_id=process_id))


@bp.post("/<process_id>/migrations/<int:migration_id>/revert")
@login_required
def revert(process_id: str, migration_id: int):
    MigrationService(engine()).revert(actor(), migration_id)
    flash("移行を元に戻しました。案件は元のバージョンと状態に戻りました。", "success")
    return redirect(url_for("processes.migration", process_id=process_id))
