"""A projection is a pure fold: same events in, same state out, no clock, no I/O.

The same fold serves a full rebuild, a replay at any instant and the live read
models. ``topics`` lets a reader skip decoding events the fold ignores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from eventsourcing.utils import get_topic

from domain.events import LedgerEvent

S = TypeVar("S")


@dataclass(frozen=True)
class Meta:
    """Where and when the ledger recorded an event."""

    position: int
    recorded_at: datetime


class Projection(Protocol, Generic[S]):
    """``version`` changes whenever the fold's logic or state changes: saved folds of an
    older version are then ignored. ``state_type`` lets the state be saved as JSON: a
    class, or a union such as ``Resource | None``, as pydantic's ``TypeAdapter`` takes."""

    name: str
    version: str
    topics: frozenset[str]
    state_type: Any

    def initial(self) -> S: ...

    def apply(self, state: S, event: LedgerEvent, meta: Meta) -> S: ...


def topics_of(*classes: type[LedgerEvent]) -> frozenset[str]:
    """Topics of the classes and of every subclass defined so far."""
    found: set[str] = set()
    pending: list[type[Any]] = list(classes)
    while pending:
        cls = pending.pop()
        found.add(get_topic(cls))
        pending.extend(cls.__subclasses__())
    return frozenset(found)
