"""What every group of verbs stands on: reading objects, deciding, recording.

Each verb gets the objects it needs, lets them decide (raising a named error when
a rule is broken) and returns a ``Decision``: the events to record and the facts its
answer states (domain/facts.py). ``record`` saves events in one transaction, so a
command records all of its facts or none; commands reach it through
domain/commands.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError, Recording

from domain.aggregate import AggregateState
from domain.departments import Department, department_id
from domain.errors import Conflict, NotFound, PreconditionFailed, UnknownDepartment
from domain.events import LedgerEvent
from domain.facts import Fact
from domain.group_commit import GroupCommit
from domain.object_at import ObjectAt

S = TypeVar("S", bound=AggregateState)
T = TypeVar("T")

CONCURRENT_CHANGE = "another command changed this object at the same time; read it again and retry"

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


def _fold(state: Any, events: Iterable[LedgerEvent]) -> Any:
    """An object's events folded in order: the library's ``project_aggregate`` without its
    runtime protocol check on each event, which costs more than the fold (every event
    the ledger stores is a ``LedgerEvent``)."""
    for event in events:
        state = event.mutate(state)
    return state


class LedgerBase(Application[UUID]):
    name = "ledger"
    env: ClassVar[dict[str, str]] = {}

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        super().__init__(env)
        self._group_commit: GroupCommit[LedgerEvent, Recording[UUID]] = GroupCommit(
            self._save_events
        )
        self._reads = threading.local()

    # -- reading objects -------------------------------------------------------

    def find(self, object_id: UUID) -> object | None:
        """The object with that id, of whatever kind, or None."""
        memo: dict[UUID, object | None] | None = getattr(self._reads, "memo", None)
        if memo is not None and object_id in memo:
            return memo[object_id]
        try:
            state: object | None = self.repository.get(object_id, projector_func=_fold)
        except AggregateNotFoundError:
            state = None
        if memo is not None:
            memo[object_id] = state
        return state

    @contextmanager
    def reading_once(self) -> Iterator[None]:
        """Within it, this thread reads each object once (and folds it as of an instant once
        for the events that had occurred by then): for deciding many commands against the
        same state (a bulk load, or the reads of one command), none of them saved before
        all are decided. Within an outer one, an inner one reads what the outer read."""
        if getattr(self._reads, "memo", None) is not None:
            yield
            return
        self._reads.memo = {}
        self._reads.streams = {}
        self._reads.folds = {}
        try:
            yield
        finally:
            self._reads.memo = self._reads.streams = self._reads.folds = None

    def state_now_and_at(self, object_id: UUID, at: datetime) -> tuple[object, object]:
        """The object as it is now and as it stood at business time ``at``, both folded
        from one read of its events (None where none had occurred)."""
        streams: dict[UUID, list[LedgerEvent]] | None = getattr(self._reads, "streams", None)
        events = streams.get(object_id) if streams is not None else None
        if events is None:
            events = [event for event in self.events.get(object_id)]  # type: ignore[misc]
            if streams is not None:
                streams[object_id] = events
        then: ObjectAt[object] = ObjectAt(at, None)
        # The same events held by ``at`` fold to the same state, whatever ``at`` is: many
        # uses of one grant, obtained at different instants, mostly share one fold.
        key = (object_id, tuple(then.holds(event) for event in events))
        folds: dict[Any, tuple[object, object]] | None = getattr(self._reads, "folds", None)
        if folds is not None and key in folds:
            return folds[key]
        now: object = None
        for event in events:
            now = event.mutate(now)
            then.add(event)
        if folds is not None:
            folds[key] = (now, then.state)
        return now, then.state

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

    def caught_up(
        self, kept: tuple[int, T], topics: Sequence[str], fold: Callable[[T, object, int], T]
    ) -> tuple[int, T]:
        """A fold kept in memory as ``(position, state)``, brought up to date: every event of
        ``topics`` recorded after that position, folded into the state in order (each with
        its position)."""
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
                state = fold(state, self.mapper.to_domain_event(notification), notification.id)
                after = notification.id
            if len(notifications) < PAGE:
                return max(after, head), state

    # -- recording -------------------------------------------------------------

    def _save_events(self, events: list[LedgerEvent]) -> list[Recording[UUID]]:
        """``save(*events)``, as the library does it, but taking the events as events:
        ``save`` asks of each object it is given whether it is a domain event, a runtime
        protocol check that costs more than encoding the event (a bulk load saves
        thousands). Everything the ledger saves is events, never aggregates."""
        processing = ProcessingEvent[UUID]()
        processing.events.extend(events)
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        return recordings

    def record(self, events: list[LedgerEvent]) -> list[Recording[UUID]]:
        """Saves ``events`` in one transaction, shared with the commands of other threads
        that wait meanwhile (domain/group_commit.py); answers once they are committed."""
        try:
            return self._group_commit.record(events)
        except IntegrityError:
            raise Conflict(CONCURRENT_CHANGE) from None

    def record_each(
        self, commands: Sequence[list[LedgerEvent]]
    ) -> list[list[Recording[UUID]] | Exception]:
        """Saves many commands at once (a bulk load): each command's recordings, or the
        error that failed it alone — a conflict is the domain's ``Conflict``."""
        outcomes: list[list[Recording[UUID]] | Exception] = []
        for outcome in self._group_commit.record_each(commands):
            if isinstance(outcome, IntegrityError):
                outcomes.append(Conflict(CONCURRENT_CHANGE))
            elif isinstance(outcome, Exception):
                outcomes.append(outcome)
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                outcomes.append(outcome)
        return outcomes
