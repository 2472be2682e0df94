"""A JSON request body, read within the engine's JSON limits (size, nesting).

``request.get_json`` lets a deeply nested document reach Python's recursive parser, whose RecursionError
answered 500. A body that cannot be read (not JSON, not UTF-8, too large, nested too deeply) answers 400 with
the API's error shape, before any view sees it.
"""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, request

from engine.definitions import read_json
from web.errors import error_body


def json_body() -> Any:
    try:
        return read_json(request.get_data(cache=True), size=None)  # the size is bounded by MAX_CONTENT_LENGTH
    except ValueError as error:  # JSONDecodeError (with JsonLimitError) and UnicodeDecodeError
        detail = getattr(error, "msg", None) or "UTF-8 ではありません"
        message = f"リクエストの本文を JSON として読めません: {detail}"
        response = jsonify(error_body("invalid_json", message, {"(body)": detail}))
        response.status_code = 400
        abort(response)
