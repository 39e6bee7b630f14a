"""One object as it stood at a business instant: its own events, in the order recorded,
folded up to those that had occurred by then.

An event recorded late (a use entered days after the data was obtained) is part of the
object from when it occurred, not from when it was entered; one that occurred after the
instant did not yet hold. A command decides against the object as it stood when its own
fact occurred, and a read "at T as known at K" shows the same fold of the events known
at K: both fold here, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

from domain.events import LedgerEvent

S = TypeVar("S")

Step = Callable[[S, LedgerEvent], S]
"""How one event changes the state: the domain's own ``event.mutate`` unless a read folds
the object into a shape of its own (a finding with its positions)."""


def mutated(state: Any, event: LedgerEvent) -> Any:
    return event.mutate(state)


class ObjectAt(Generic[S]):
    """Feed it the object's events in recorded order; ``state`` is the object at ``at``
    (the initial state, typically None, while none had occurred)."""

    def __init__(self, at: datetime, initial: S) -> None:
        self.at = at
        self.state = initial

    def holds(self, event: LedgerEvent) -> bool:
        """Whether ``event`` had occurred by the instant (and so is part of the state)."""
        return event.occurred_at <= self.at

    def add(self, event: LedgerEvent, step: Step[S] = mutated) -> None:
        if self.holds(event):
            self.state = step(self.state, event)
