"""Handling a command end to end: decide, keep its receipt, save, answer.

Every writer (the HTTP routes, the command line, the demo, the benchmark's generator)
goes through ``CommandService``, so a command means the same wherever it comes from:

- without an idempotency key it is decided and saved, once;
- with one, a receipt is saved with its events, in one transaction, under an id that
  follows from the principal and the key: a retry with the same request gets the first
  answer (200) and records nothing; another request under that key is refused
  (``IdempotencyKeyReused``); a retry while the first is still running in this process
  is ``CommandInFlight``; and when another process saved the same key first, the
  ``Conflict`` its save raises here is answered as that process answered.

The principal is authorised by the caller (the API's role check, the command line's
being there): the service records what it decides as that principal's act. What the
answer says is the caller's to shape (``Answer``): the domain decides facts, the API
turns them into its fields, and the receipt keeps those fields for a retry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, Protocol
from uuid import UUID, uuid4

from eventsourcing.persistence import StoredEvent

from domain.aggregate import Command
from domain.errors import CommandInFlight, Conflict, IdempotencyKeyReused, RuleViolation
from domain.events import Actor, LedgerEvent
from domain.receipts import CommandReceipt, receipt_id, record_receipt
from domain.verbs.base import Decision, LedgerBase

# What a receipt never keeps: a secret shown once must not be shown again.
SECRET_FIELDS = frozenset({"token"})
MAX_KEY_LENGTH = 200

Decide = Callable[[Command], Decision]
Answer = Callable[[Decision], dict[str, Any]]
"""A decision's answer, as plain JSON values (what a receipt keeps for a retry)."""


class PositionedEvent(Protocol):
    """A stored event and where it sits in the log."""

    @property
    def position(self) -> int: ...

    @property
    def event(self) -> StoredEvent: ...


class Positions(Protocol):
    """Where events sit in the log: the store's recorders answer it (store/records.py)."""

    def position_of(self, originator_id: UUID, originator_version: int) -> int | None: ...

    def select_objects_records(
        self, originator_ids: Collection[UUID]
    ) -> Sequence[PositionedEvent]: ...


@dataclass(frozen=True)
class Idempotency:
    """What makes a retry of the same request recognisable: the principal's key, and the
    request's fingerprint (as its caller sees the request; compared on a retry)."""

    principal_id: UUID
    key: str
    fingerprint: str

    @cached_property
    def receipt_id(self) -> UUID:
        """Where the receipt of the first request under this key is recorded."""
        return receipt_id(self.principal_id, self.key)


@dataclass(frozen=True)
class Caller:
    """Who asks (the actor its events record), and, for a command that may be retried,
    its idempotency key."""

    actor: Actor
    idempotency: Idempotency | None = None


@dataclass(frozen=True)
class Outcome:
    """What a command came to: 201 when recorded now, 200 when it replays a receipt."""

    status: int
    body: Mapping[str, Any]
    position: int  # the command's own last event: reading from it sees everything it did
    decision: Decision | None  # None for a replay: nothing was decided this time

    @property
    def replayed(self) -> bool:
        return self.status == 200


class CommandService:
    def __init__(self, ledger: LedgerBase, positions: Positions, answer: Answer) -> None:
        self.ledger = ledger
        self.positions = positions
        self.answer = answer
        self._in_flight: set[UUID] = set()
        self._lock = threading.Lock()

    def handle(
        self, caller: Caller, decide: Decide, occurred_at: datetime | None = None
    ) -> Outcome:
        """Decide as ``caller`` (at business time ``occurred_at``, by default now) and save."""
        now = datetime.now(UTC)
        retry = caller.idempotency
        if retry is not None and not 0 < len(retry.key) <= MAX_KEY_LENGTH:
            msg = f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters"
            raise RuleViolation(msg, field="Idempotency-Key")
        cmd = Command(
            actor=caller.actor,
            occurred_at=occurred_at or now,
            command_id=retry.key if retry is not None else uuid4().hex,
            now=now,
        )
        if retry is None:
            return self._execute(cmd, decide, receipt=None)
        rid = retry.receipt_id
        replay = self._replay(rid, retry)
        if replay is not None:
            return replay
        with self._lock:
            if rid in self._in_flight:
                raise CommandInFlight(
                    "a command with this Idempotency-Key is still running; retry later"
                )
            self._in_flight.add(rid)
        try:
            return self._execute(cmd, decide, receipt=retry)
        except Conflict:
            # Another process saved the same key first: answer as it did.
            replay = self._replay(rid, retry)
            if replay is not None:
                return replay
            raise
        finally:
            with self._lock:
                self._in_flight.discard(rid)

    def handle_each(
        self, commands: Sequence[tuple[Caller, Decide, datetime | None]]
    ) -> list[Outcome | Exception]:
        """Many commands at once (a bulk load), each with its own outcome: its ``Outcome``
        (201, or 200 replaying its receipt) or the error that refused it alone.

        Each is decided as ``handle`` would, then all are saved through group commit in as
        few transactions as their conflicts allow; a key given twice in one batch, or saved
        meanwhile by another process, answers as the first did."""
        now = datetime.now(UTC)
        outcomes: list[Outcome | Exception | None] = [None] * len(commands)
        pending: list[tuple[int, Command, Decision, Mapping[str, Any], Idempotency | None]] = []
        # Every command of the batch is decided against the ledger as it stands before any
        # of them is saved, so an object they all cite (the grant, the resource, the
        # persons) is read once, and the receipts of all their keys in one query.
        receipts = self._receipts(
            [c.idempotency.receipt_id for c, _, _ in commands if c.idempotency is not None]
        )
        with self.ledger.reading_once():
            self._decide_each(commands, now, outcomes, pending, receipts)
        saved = self.ledger.record_each(
            [self._events(cmd, decision, body, retry) for _, cmd, decision, body, retry in pending]
        )
        for (n, _, decision, body, retry), result in zip(pending, saved, strict=True):
            if isinstance(result, Conflict) and retry is not None:
                replay = self._replay(retry.receipt_id, retry)
                outcomes[n] = replay if replay is not None else result
            elif isinstance(result, Exception):
                outcomes[n] = result
            else:
                position = result[len(decision.events) - 1].notification.id
                outcomes[n] = Outcome(201, body, position, decision)
        assert all(outcome is not None for outcome in outcomes)
        return [outcome for outcome in outcomes if outcome is not None]

    def _decide_each(
        self,
        commands: Sequence[tuple[Caller, Decide, datetime | None]],
        now: datetime,
        outcomes: list[Outcome | Exception | None],
        pending: list[tuple[int, Command, Decision, Mapping[str, Any], Idempotency | None]],
        receipts: Mapping[UUID, tuple[CommandReceipt, int]],
    ) -> None:
        for n, (caller, decide, occurred_at) in enumerate(commands):
            retry = caller.idempotency
            try:
                if retry is not None:
                    if not 0 < len(retry.key) <= MAX_KEY_LENGTH:
                        msg = f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters"
                        raise RuleViolation(msg, field="Idempotency-Key")
                    found = receipts.get(retry.receipt_id)
                    if found is not None:
                        outcomes[n] = self._replayed(*found, retry)
                        continue
                cmd = Command(
                    actor=caller.actor,
                    occurred_at=occurred_at or now,
                    command_id=retry.key if retry is not None else uuid4().hex,
                    now=now,
                )
                decision = decide(cmd)
            except Exception as error:  # the refusal of this command alone
                outcomes[n] = error
                continue
            pending.append((n, cmd, decision, self.answer(decision), retry))

    def save(self, decisions: Sequence[Decision]) -> list[int]:
        """Save decisions already made, in one transaction; each one's position.

        For a writer that decides many commands of its own in a row (the benchmark's
        generator), where a transaction per command would be the cost measured."""
        events = [event for decision in decisions for event in decision.events]
        recordings = self.ledger.record(events)
        positions, end = [], 0
        for decision in decisions:
            end += len(decision.events)
            positions.append(recordings[end - 1].notification.id if end else 0)
        return positions

    def _execute(self, cmd: Command, decide: Decide, receipt: Idempotency | None) -> Outcome:
        # A verb may ask for one object more than once (a resource's kind, then the
        # resource; a person as user and as approver): the command reads each once.
        with self.ledger.reading_once():
            decision = decide(cmd)
        body = self.answer(decision)
        recordings = self.ledger.record(self._events(cmd, decision, body, receipt))
        # The command's own last event, not the receipt recorded after it: with or without
        # an idempotency key, reading from it sees everything the command did.
        position = recordings[len(decision.events) - 1].notification.id
        return Outcome(201, body, position, decision)

    @staticmethod
    def _events(
        cmd: Command, decision: Decision, body: Mapping[str, Any], receipt: Idempotency | None
    ) -> list[LedgerEvent]:
        """A decision's events, and its receipt after them when it may be retried."""
        events: list[LedgerEvent] = list(decision.events)
        if receipt is not None:
            kept = {k: v for k, v in body.items() if k not in SECRET_FIELDS}
            events.append(record_receipt(cmd, receipt.receipt_id, receipt.fingerprint, kept))
        return events

    def _replay(self, rid: UUID, retry: Idempotency) -> Outcome | None:
        # ``find``, not ``get``: a first request is the usual case, and a NotFound (with its
        # message put into Chinese) for every line of a bulk load is a cost for nothing.
        receipt = self.ledger.find(rid)
        if not isinstance(receipt, CommandReceipt):
            return None
        receipt_position = self.positions.position_of(rid, 1)
        assert receipt_position is not None  # the receipt was just read: it is recorded
        return self._replayed(receipt, receipt_position, retry)

    def _receipts(self, rids: Collection[UUID]) -> dict[UUID, tuple[CommandReceipt, int]]:
        """The receipts recorded under any of ``rids``, each with its position: one read
        for a whole bulk load, which is mostly of keys never seen."""
        found: dict[UUID, tuple[CommandReceipt, int]] = {}
        for record in self.positions.select_objects_records(rids) if rids else ():
            if record.event.originator_version != 1:
                continue  # a receipt is one event; nothing else is recorded under its id
            receipt = self.ledger.mapper.to_domain_event(record.event)
            state = receipt.mutate(None) if isinstance(receipt, LedgerEvent) else None
            if isinstance(state, CommandReceipt):
                found[state.id] = (state, record.position)
        return found

    @staticmethod
    def _replayed(receipt: CommandReceipt, receipt_position: int, retry: Idempotency) -> Outcome:
        if receipt.fingerprint != retry.fingerprint:
            msg = "this Idempotency-Key was used for a different request; use a new key"
            raise IdempotencyKeyReused(msg, field="Idempotency-Key")
        # The receipt is recorded right after the command's events, in the same append
        # (under the store's insert lock, so positions are consecutive): the position the
        # first answer gave is the one before it.
        return Outcome(200, dict(receipt.response), receipt_position - 1, None)
