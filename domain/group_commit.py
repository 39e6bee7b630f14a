"""Group commit: the commands that wait while a save runs are saved together, next.

A command's events are one transaction; on a busy ledger most of a command's time is that
transaction's commit (an fsync on SQLite, a round trip and a WAL flush on PostgreSQL).
Commands that arrive while another thread's save is running queue up; when it is done, the
first of them saves the whole queue in one transaction and answers each its own recordings.
Nobody waits for a timer: a lone command is saved at once, as before.

Each command still stands alone: if the shared transaction fails on a conflict (an object
another command also changed, an Idempotency-Key saved elsewhere), the batch is split in
halves and each half saved again, until the command that conflicts fails on its own and the
others are saved. Any other failure (the database gone) fails every command of that batch:
none of them was acknowledged, so none is lost. Nothing is answered before its commit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from eventsourcing.persistence import IntegrityError

E = TypeVar("E")  # an event
R = TypeVar("R")  # what saving one event answers (the library's Recording)

# How many commands one transaction takes at most: a bound on the work a failure repeats.
MAX_COMMANDS = 500


@dataclass
class _Ticket(Generic[E, R]):
    events: Sequence[E]
    recordings: list[R] | None = None
    error: BaseException | None = None
    done: bool = False


@dataclass
class GroupCommit(Generic[E, R]):
    """``record(events)`` saves ``events`` in one transaction, with whatever other threads'
    commands are waiting; ``save`` is the one call that writes a transaction."""

    save: Callable[[list[E]], list[R]]
    max_commands: int = MAX_COMMANDS
    _queue: list[_Ticket[E, R]] = field(default_factory=list)
    _saving: bool = False
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def record(self, events: Sequence[E]) -> list[R]:
        """Saves one command's events; raises what saving them raised."""
        (outcome,) = self.record_each([events])
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def record_each(self, commands: Sequence[Sequence[E]]) -> list[list[R] | BaseException]:
        """Saves many commands' events (a bulk load), each command its own outcome: its
        recordings, or the error that failed it alone; in as few transactions as the
        conflicts among them allow."""
        tickets: list[_Ticket[E, R]] = [_Ticket(events) for events in commands]
        with self._changed:
            self._queue.extend(tickets)
            while self._saving and not all(t.done for t in tickets):
                self._changed.wait()
            leading = not all(t.done for t in tickets)
            if leading:
                self._saving = True  # this thread saves the queue, its own commands in it
        if leading:
            try:
                while not all(t.done for t in tickets):
                    with self._changed:
                        batch = self._queue[: self.max_commands]
                        del self._queue[: self.max_commands]
                    self._save_batch(batch)
            finally:
                with self._changed:
                    self._saving = False
                    self._changed.notify_all()
        outcomes: list[list[R] | BaseException] = []
        for ticket in tickets:
            if ticket.error is not None:
                outcomes.append(ticket.error)
            else:
                assert ticket.recordings is not None
                outcomes.append(ticket.recordings)
        return outcomes

    def _save_batch(self, batch: list[_Ticket[E, R]]) -> None:
        if not batch:
            return
        try:
            recordings = self.save([event for ticket in batch for event in ticket.events])
        except IntegrityError as error:
            if len(batch) == 1:
                self._finish(batch[0], error=error)
                return
            middle = len(batch) // 2
            self._save_batch(batch[:middle])
            self._save_batch(batch[middle:])
            return
        except BaseException as error:
            for ticket in batch:
                self._finish(ticket, error=error)
            if not isinstance(error, Exception):
                raise
            return
        start = 0
        for ticket in batch:
            end = start + len(ticket.events)
            self._finish(ticket, recordings=recordings[start:end])
            start = end

    def _finish(
        self,
        ticket: _Ticket[E, R],
        *,
        recordings: list[R] | None = None,
        error: BaseException | None = None,
    ) -> None:
        with self._changed:
            ticket.recordings, ticket.error, ticket.done = recordings, error, True
            self._changed.notify_all()
