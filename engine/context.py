"""The narrow context a feature service works in: a unit of work and the clock.

Feature services (agreements, accounts, library, notifications, …) take this instead of the ``CaseEngine``
façade, so no feature imports the façade back and the import graph stays a tree. The façade satisfies it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

Clock = Callable[[], datetime]


class Context(Protocol):
    clock: Clock

    def unit_of_work(self) -> AbstractContextManager[Session]:
        """One transaction: commits when the block ends normally, after the event handlers ran."""
        ...
