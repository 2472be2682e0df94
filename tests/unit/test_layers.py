"""Dependencies point one way: web → engine → engine.persistence → SQLAlchemy; processes/ holds no code."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports_of(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_the_engine_never_imports_flask_or_the_web_layer():
    offenders = {path: sorted(n for n in names if n.split(".")[0] in {"flask", "flask_login", "flask_wtf", "web"})
                 for path, names in imports_of("engine").items()}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_web_layer_never_reaches_past_the_engine_into_storage():
    offenders = {path: sorted(n for n in names if n.startswith(("engine.persistence", "sqlalchemy", "SpiffWorkflow")))
                 for path, names in imports_of("web").items()}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_storage_does_not_import_the_engine_above_it():
    allowed = ("engine.persistence", "engine.errors", "engine.events", "engine.domain")
    offenders = {path: sorted(n for n in names if n.startswith("engine.") and not n.startswith(allowed))
                 for path, names in imports_of("engine/persistence").items()}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_only_the_engine_imports_spiffworkflow_and_processes_hold_no_python():
    users = {path for path, names in imports_of("web").items() if any(n.startswith("SpiffWorkflow") for n in names)}
    assert users == set()
    assert list((ROOT / "processes").rglob("*.py")) == []
