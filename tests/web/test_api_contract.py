"""docs/openapi.yaml is the API's contract: every route is documented, and answers match their schema.

``conforms(response)`` is used by every API test: it finds the documented operation for the request
and validates the JSON body against the schema documented for that status code.
"""

from __future__ import annotations

import re
from functools import cache

import yaml
from jsonschema import Draft202012Validator

from tests.conftest import ROOT

OPENAPI = ROOT / "docs" / "openapi.yaml"


@cache
def spec() -> dict:
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def _template_pattern(template: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


def _operation(method: str, path: str) -> dict:
    for template, operations in spec()["paths"].items():
        if _template_pattern(template).match(path) and method.lower() in operations:
            return operations[method.lower()]
    raise AssertionError(f"{method} {path} is not documented in docs/openapi.yaml")


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        target: dict = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def conforms(response) -> dict:
    """The response's JSON, after checking it against the schema documented for its status code."""
    request = response.request
    operation = _operation(request.method, request.path)
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{request.method} {request.path} answered {response.status_code}, which is not documented"
    schema = _resolve(documented)["content"]["application/json"]["schema"]
    body = response.get_json()
    Draft202012Validator({**schema, "components": spec()["components"]}).validate(body)
    return body


def _flask_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            routes.update((method, path) for method in rule.methods - {"HEAD", "OPTIONS"})
    return routes


def _documented_routes() -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, operations in spec()["paths"].items()
            for method in operations if method in ("get", "post", "put", "patch", "delete")}


def test_the_contract_is_openapi_3_1_with_valid_schemas():
    assert spec()["openapi"].startswith("3.1")
    schemas = spec()["components"]["schemas"]
    assert {"Error", "Task", "TaskDetail", "Case"} <= set(schemas)
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)


def test_every_api_route_is_documented_and_every_documented_route_exists(app):
    routes = {route for route in _flask_routes(app) if route[1].startswith("/api/")}
    documented = {route for route in _documented_routes() if route[1].startswith("/api/")}
    assert routes, "no API routes registered"
    assert routes - documented == set(), "routes missing from docs/openapi.yaml"
    assert documented - routes == set(), "documented routes that do not exist"


def test_every_documented_response_has_a_json_schema_and_an_error_shape():
    for path, operations in spec()["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                content = _resolve(response)["content"]["application/json"]
                assert "schema" in content, f"{method} {path} {status}"
                if status.startswith(("4", "5")) and path.startswith("/api/"):  # /healthz: its own shape
                    assert _resolve(content["schema"]) == spec()["components"]["schemas"]["Error"], (path, status)
