"""The one place that commits: everything an engine call changes is saved together or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import TaskConflictError
from engine.events import EventHandlers, dispatch


@contextmanager
def unit_of_work(sessions: sessionmaker[Session], handlers: EventHandlers) -> Iterator[Session]:
    """Commits when the block ends normally; rolls everything back on any exception.

    A stale version (another request changed the same case first) becomes TaskConflictError.
    """
    session = sessions()
    try:
        yield session
        dispatch(session, handlers)  # event handlers change the same transaction
        session.commit()
    except StaleDataError:
        session.rollback()
        raise TaskConflictError("他の利用者が先にこの案件を更新しました。画面を開き直してください") from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
