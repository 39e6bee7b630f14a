"""A projection is a pure fold: same events in, same state out, no clock, no I/O.

The same fold serves a full rebuild, a replay at any instant and the live read
models. ``topics`` lets a reader skip decoding events the fold ignores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

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


PayloadTest = Callable[[dict[str, Any]], bool]
"""Whether an event's decoded payload can change a fold (see ``Selective``)."""


@runtime_checkable
class Selective(Protocol):
    """A projection that ignores most events of some topics, and can tell which from their
    payload alone: a replay then builds (and validates) only the events it needs. Those it
    ignores must be ones that leave the fold as it is, wherever they occur."""

    payload_tests: Mapping[str, PayloadTest]
    # True where a data use it needs is one with a mark, and that is all its test asks: a
    # replay may then ask the forensic index for the marked uses only (a mark is a column
    # there), instead of reading every use to test its payload.
    marked_uses_only: bool


def topics_of(*classes: type[LedgerEvent]) -> frozenset[str]:
    """Topics of the classes and of every subclass defined so far."""
    found: set[str] = set()
    pending: list[type[Any]] = list(classes)
    while pending:
        cls = pending.pop()
        found.add(get_topic(cls))
        pending.extend(cls.__subclasses__())
    return frozenset(found)


H = TypeVar("H")


class ByClass(Generic[H]):
    """Handlers registered for event classes, looked up by an event's own class.

    Which handlers apply to a class (those registered for it or a base of it, each once,
    in registration order) is worked out once per class: a rebuild folds a million events
    of a few dozen classes, most of which no handler wants.
    """

    def __init__(self, pairs: Iterable[tuple[type[Any], H]]) -> None:
        self._pairs = list(pairs)
        self._resolved: dict[type[Any], list[H]] = {}

    def __call__(self, event: object) -> list[H]:
        cls = type(event)
        handlers = self._resolved.get(cls)
        if handlers is None:
            handlers, seen = [], set()
            for base, handler in self._pairs:
                if issubclass(cls, base) and id(handler) not in seen:  # each handler once
                    seen.add(id(handler))
                    handlers.append(handler)
            self._resolved[cls] = handlers
        return handlers
