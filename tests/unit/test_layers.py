"""Dependencies point one way: web → engine → engine.persistence → SQLAlchemy; processes/ holds no code."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
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


# --- the engine's own import graph (issue #11): one tree, features reached through their fronts --------------
def engine_modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "engine").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """Every engine module ``name`` imports, at the top, inside functions or under TYPE_CHECKING alike."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.update(f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module
                         for alias in node.names)
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    """Module → modules it makes Python load. Importing ``engine.p.m`` from outside ``engine.p`` runs
    ``engine.p``'s ``__init__`` first, so that edge is in the graph too."""
    modules = engine_modules()
    graph = {name: imported_modules(name, path, set(modules)) for name, path in modules.items()}
    for name, targets in graph.items():
        for target in list(targets):
            parts = target.split(".")
            for depth in range(2, len(parts)):
                package = ".".join(parts[:depth])
                if package in modules and not (name == package or name.startswith(package + ".")):
                    targets.add(package)
    return graph


def a_circle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of imports (each module importing the next, back to the first), or [] when there is none."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        return error.args[1]
    return []


def test_the_circle_finder_sees_a_circle_and_a_tree_apart():
    assert sorted(set(a_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}))) == ["a", "b", "c"]
    assert a_circle({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_engine_module_imports_another_in_a_circle_not_even_lazily_or_for_types():
    assert a_circle(import_graph()) == []


def test_features_never_import_the_facade_back():
    wiring = {"engine.service", "engine.bootstrap", "engine.cli", "engine.demo"}
    users = sorted(name for name, targets in import_graph().items()
                   if "engine.service" in targets and name not in wiring)
    assert users == []


def test_engine_holds_at_most_fifteen_modules_side_by_side():
    assert len(list((ROOT / "engine").glob("*.py"))) <= 15


def test_the_web_layer_imports_each_engine_package_through_its_front():
    """``engine.cases`` (the package's front) or a top-level module such as ``engine.errors``; the pure rules
    of ``engine.domain`` may be imported by every layer."""
    modules = engine_modules()

    def through_a_front(name: str) -> bool:
        return name.startswith("engine.domain.") or (name in modules and name.count(".") == 1)

    offenders = {path: sorted(n for n in names if n.split(".")[0] == "engine" and not through_a_front(n))
                 for path, names in imports_of("web").items()}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_every_name_a_front_lists_is_defined_where_it_says():
    import importlib

    for name, path in engine_modules().items():
        if path.name == "__init__.py" and name.count(".") == 1:
            package = importlib.import_module(name)
            for public, module in getattr(package, "PUBLIC", {}).items():
                assert getattr(package, public) is getattr(importlib.import_module(module), public), (name, public)


def test_every_domain_event_is_in_the_one_table_and_nothing_subscribes_elsewhere():
    from engine import events
    from engine.handlers import EVENT_HANDLERS

    event_types = {value for value in vars(events).values()
                   if isinstance(value, type) and issubclass(value, events.Event) and value is not events.Event}
    assert set(EVENT_HANDLERS) == event_types
    assert [str(p.relative_to(ROOT)) for p in (ROOT / "engine").rglob("*.py")
            if "subscribe(" in p.read_text(encoding="utf-8")] == []
