"""Front-end packages installed from npm (package-lock.json), served by the app itself: no CDN.

Only the listed folders of the listed packages are reachable.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
SERVED = {
    "bpmn-js": "bpmn-js/dist",
    "camunda-bpmn-moddle": "camunda-bpmn-moddle/resources",
    "dmn-js": "dmn-js/dist",
    "form-js": "@bpmn-io/form-js/dist",
    "design-tokens": "@digital-go-jp/design-tokens/dist",
}

bp = Blueprint("assets", __name__, url_prefix="/vendor")


@bp.get("/<package>/<path:path>")
def vendor(package: str, path: str):
    folder = SERVED.get(package)
    if folder is None or not (NODE_MODULES / folder).is_dir():
        abort(404)
    response = send_from_directory(NODE_MODULES / folder, path, max_age=60 * 60 * 24)
    return response
