"""Camunda Forms (form-js JSON): reading a definition, validating submissions against it."""

from __future__ import annotations

from engine.front import front

PUBLIC = {
    "CHOICE_TYPES": "engine.forms.definition",
    "FeelSyntaxError": "engine.forms.feel",
    "compile_feel": "engine.forms.feel",
}
__all__ = sorted(PUBLIC)
__getattr__ = front(__name__, PUBLIC)
