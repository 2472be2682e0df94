"""Imports every module that subscribes to domain events, so their handlers are registered.

A feature that reacts to events adds its import here (and nowhere else needs to know about it).
"""

from __future__ import annotations


def register_all() -> None:
    """Called once when the engine is built."""
