"""Every object of one kind at an instant, by id: the register behind a list endpoint.

Each object is the domain's own fold (``event.mutate``), so a list read "at T as known
at K" shows each object exactly as one read on its own would.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from domain.aggregate import AggregateState
from domain.events import LedgerEvent
from projections.base import Meta, topics_of

T = TypeVar("T", bound=AggregateState)


class ObjectRegister(Generic[T]):
    def __init__(self, kind: str, state_type: type[T], *classes: type[LedgerEvent]) -> None:
        self.name = f"register:{kind}"
        self.version = "1"
        self.topics = topics_of(*classes)
        self.state_type: Any = dict[str, state_type]  # type: ignore[valid-type]

    def initial(self) -> dict[str, T]:
        return {}

    def fork(self, state: dict[str, T]) -> dict[str, T]:
        """A copy the fold may change: an event replaces an object, never changes one in
        place (``LedgerEvent.mutate`` returns a new state), so the dict alone is copied and
        the register is kept in memory as the catalog is (replays/ladder.py)."""
        return dict(state)

    def apply(self, state: dict[str, T], event: LedgerEvent, meta: Meta) -> dict[str, T]:
        key = str(event.originator_id)
        state[key] = event.mutate(state.get(key))
        return state
