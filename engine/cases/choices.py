"""Filter choices (the inbox's and the board's) from what stays small however many cases there are.

Read off the listed tasks or cases, choices cost a pass over every one of them (57 ms for the coordinator's
inbox, 80 ms for a 担当課's board at 100,000 cases) on every page. Organisations and deployed versions are few,
and asking each whether it has a case is no cheaper: for one with none, PostgreSQL may scan every case to be
sure. So every organisation (a 企業等 contact: its own) and every deployed version are offered; a choice may
then find nothing in a given view, which the list says like any other empty result.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor, Role
from engine.persistence.models import Organisation, ProcessVersion


def organisations(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of every organisation, by name; a 企業等 contact's own only."""
    found = select(Organisation.id, Organisation.name)
    if actor.role is Role.ORGANISATION:
        found = found.where(Organisation.id == actor.organisation_id)
    return [(row.id, row.name) for row in session.execute(found.order_by(Organisation.name, Organisation.id))]


def versions(session: Session) -> list[ProcessVersion]:
    """Every deployed version, oldest first."""
    return list(session.scalars(select(ProcessVersion).order_by(ProcessVersion.id)))
