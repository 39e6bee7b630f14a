"""What every group of verbs stands on: reading objects, deciding, recording.

Each verb gets the objects it needs, lets them decide (raising a named error when
a rule is broken) and returns a ``Decision``: the events to record and the facts its
answer states (domain/facts.py). ``record`` saves events in one transaction, so a
command records all of its facts or none; commands reach it through
domain/commands.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Recording

from domain.aggregate import AggregateState
from domain.departments import Department, department_id
from domain.errors import Conflict, NotFound, PreconditionFailed, UnknownDepartment
from domain.events import LedgerEvent
from domain.facts import Fact
from domain.principals import Principal, principal_id_for_token

S = TypeVar("S", bound=AggregateState)
T = TypeVar("T")

# Notifications read at once when a fold kept in memory catches up with the log.
PAGE = 500


@dataclass
class Decision:
    """The events a command records, the object it is about, and what else it decided."""

    subject_id: UUID
    events: list[LedgerEvent]
    facts: tuple[Fact, ...] = ()

    @property
    def subject_version(self) -> int:
        versions = [e.originator_version for e in self.events if e.originator_id == self.subject_id]
        return max(versions) if versions else 0


class LedgerBase(Application[UUID]):
    name = "ledger"
    env: ClassVar[dict[str, str]] = {}

    # -- reading objects -------------------------------------------------------

    def find(self, object_id: UUID) -> object | None:
        """The object with that id, of whatever kind, or None."""
        try:
            state: object = self.repository.get(object_id)
        except AggregateNotFoundError:
            return None
        return state

    def get(self, object_id: UUID, kind: type[S], *, expected_version: int | None = None) -> S:
        state = self.find(object_id)
        if not isinstance(state, kind):
            msg = f"no {kind.__name__.lower()} with id {object_id}"
            raise NotFound(msg)
        if expected_version is not None and state.version != expected_version:
            msg = (
                f"If-Match names version {expected_version}, "
                f"but the current version is {state.version}"
            )
            raise PreconditionFailed(msg)
        return state

    def exists(self, object_id: UUID) -> bool:
        return object_id in self.repository

    def department(
        self, code: str, field: str = "department", *, expected_version: int | None = None
    ) -> Department:
        try:
            return self.get(department_id(code), Department, expected_version=expected_version)
        except NotFound:
            msg = f"no department with code {code!r}"
            raise UnknownDepartment(msg, field=field) from None

    def principal_for_token(self, token: str) -> Principal | None:
        try:
            return self.get(principal_id_for_token(token), Principal)
        except NotFound:
            return None

    def caught_up(
        self, kept: tuple[int, T], topics: Sequence[str], fold: Callable[[T, object], T]
    ) -> tuple[int, T]:
        """A fold kept in memory as ``(position, state)``, brought up to date: every event of
        ``topics`` recorded after that position, folded into the state in order."""
        after, state = kept
        # Positions are drawn and committed in order under the insert lock, so whatever is
        # the last position now, the scan below sees every event up to it: the next call
        # starts there even if none of them is of ``topics`` (else it would rescan the log).
        head = self.recorder.max_notification_id() or 0
        while True:
            notifications = self.recorder.select_notifications(
                start=after, limit=PAGE, topics=topics, inclusive_of_start=False
            )
            for notification in notifications:
                state = fold(state, self.mapper.to_domain_event(notification))
                after = notification.id
            if len(notifications) < PAGE:
                return max(after, head), state

    # -- recording -------------------------------------------------------------

    def record(self, events: list[LedgerEvent]) -> list[Recording[UUID]]:
        try:
            return self.save(*events)
        except IntegrityError:
            msg = "another command changed this object at the same time; read it again and retry"
            raise Conflict(msg) from None
