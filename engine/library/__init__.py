"""The process library for process owners: the catalogue of versions (``catalogue``), drafts and their checks,
deployment, scenario runs and the migration of running cases to a new version."""

from __future__ import annotations

from engine.front import front

PUBLIC = {
    "ComparisonService": "engine.library.comparison",
    "DraftService": "engine.library.drafts",
    "MigrationRefusedError": "engine.library.migration",
    "MigrationService": "engine.library.migration",
}
__all__ = sorted(PUBLIC)
__getattr__ = front(__name__, PUBLIC)
