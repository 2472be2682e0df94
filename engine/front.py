"""A feature package's front: the public names the web layer imports, loaded when first asked for.

Each package's ``__init__`` lists its public names and the module that defines each, and the web layer imports
only from there (``from engine.cases import Inbox``). The names are resolved lazily (PEP 562) rather than
imported eagerly, because Python runs a package's ``__init__`` before any of its modules: eager re-exports
would make every cross-feature import inside the engine load whole features and close import circles that
the modules themselves do not have (``tests/unit/test_layers.py`` checks that they have none).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def front(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` serving ``names`` (public name → defining module)."""

    def resolve(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no public name {name!r}")
        return getattr(importlib.import_module(module), name)

    return resolve
