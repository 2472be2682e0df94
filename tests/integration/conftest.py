"""An engine on a real database with the city's departments, partners and people, and the processes deployed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.service import CaseEngine
from tests.conftest import demo_engine


class Clock:
    """A controllable clock for the engine (timestamps, waiting times)."""

    def __init__(self) -> None:
        self.now = datetime(2025, 5, 1, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def move_to(self, moment: str) -> None:
        """To an ISO moment with its offset, e.g. ``2025-06-15T10:00:00+09:00`` (as freezegun's ``move_to``)."""
        self.now = datetime.fromisoformat(moment).astimezone(UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(database_url, clock) -> CaseEngine:
    engine = demo_engine(database_url, clock)
    yield engine
    engine.database.dispose()
