"""Aggregate state and the context every command is decided in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Self, TypeVar
from uuid import UUID, uuid5

from domain.errors import NotYourObject, OccurredBeforeSubject, OccurredInFuture
from domain.events import Actor, Frozen, LedgerEvent

# Ids that follow from a natural key (department code, token hash, idempotency key).
LEDGER_NAMESPACE = UUID("6f1c3a52-8f0e-5d7e-9a43-7d1f9f6b2c10")

# Clocks of portals and ledger differ; beyond this, "occurred later than now" is a lie.
ALLOWED_CLOCK_SKEW = timedelta(minutes=5)

E = TypeVar("E", bound=LedgerEvent)


def natural_id(kind: str, key: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"{kind}:{key}")


class AggregateState(Frozen):
    """The current state of one object, rebuilt by folding its events in order."""

    id: UUID
    version: int
    created_at: datetime  # business time of the first event

    def apply(self, event: LedgerEvent) -> Self:
        """Default: the event records a fact without changing the state."""
        return self


@dataclass(frozen=True)
class Command:
    """Who asks, when it happened, under which command id, and the ledger's now."""

    actor: Actor
    occurred_at: datetime
    command_id: str
    now: datetime

    def __post_init__(self) -> None:
        if self.occurred_at > self.now + ALLOWED_CLOCK_SKEW:
            msg = (
                f"occurred_at {self.occurred_at.isoformat()} is after the ledger's time "
                f"{self.now.isoformat()}; a fact cannot be recorded before it happens"
            )
            raise OccurredInFuture(msg, field="occurred_at")

    def event(self, cls: type[E], originator_id: UUID, version: int, **fields: Any) -> E:
        return cls(
            originator_id=originator_id,
            originator_version=version,
            timestamp=self.now,
            occurred_at=self.occurred_at,
            actor=self.actor,
            command_id=self.command_id,
            **fields,
        )

    def next_event(self, cls: type[E], state: AggregateState, **fields: Any) -> E:
        """An event about an existing object, which it cannot predate."""
        if self.occurred_at < state.created_at:
            msg = (
                f"occurred_at {self.occurred_at.isoformat()} is before the object existed "
                f"({state.created_at.isoformat()})"
            )
            raise OccurredBeforeSubject(msg, field="occurred_at")
        return self.event(cls, state.id, state.version + 1, **fields)

    def require_department(self, department: str, what: str) -> None:
        """Only the owning department acts on its objects (docs/DOMAIN.md, roles)."""
        if self.actor.department != department:
            msg = f"{what} belongs to department {department}, not {self.actor.department}"
            raise NotYourObject(msg)
