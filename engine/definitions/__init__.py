"""Process definitions: reading BPMN/DMN/forms from a folder or an upload, checking them, bundling them."""

from __future__ import annotations

from engine.front import front

PUBLIC = {
    "read_json": "engine.definitions.bounded_json",  # request bodies are read within the same JSON limits
}
__all__ = sorted(PUBLIC)
__getattr__ = front(__name__, PUBLIC)
