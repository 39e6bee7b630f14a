"""The shape every recorded fact shares.

Every domain event carries two times and an actor (docs/DOMAIN.md, "Time: two axes"):
``occurred_at`` is business time stated by the portal; the ledger's own
``recorded_at`` is assigned by the store under its insert lock, so it never
decreases along positions and is not part of the event's payload. ``timestamp``
is when the command was decided, kept for the library's protocols.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from domain.vocabulary import Role


class Frozen(BaseModel):
    """Immutable value with no unknown fields: a fact cannot be edited or padded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Actor(Frozen):
    """Who did it: a person acting for one department in one role."""

    person: str
    department: str
    role: Role


class LedgerEvent(Frozen):
    """Base of every domain event.

    ``class_version`` and the ``upcast_vN_vN1`` static methods version the
    payload: the mapper stores the version and upcasts old payloads on read, so
    an event class can evolve without rewriting what was recorded.
    """

    class_version: ClassVar[int] = 1

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    occurred_at: datetime
    actor: Actor
    command_id: str

    def mutate(self, aggregate: Any) -> Any:
        """Return the aggregate's state after this event (the library's projector hook)."""
        state = self.create() if aggregate is None else aggregate.apply(self)
        return state.model_copy(update={"version": self.originator_version})

    def create(self) -> Any:
        msg = f"{type(self).__name__} cannot start an aggregate"
        raise TypeError(msg)

    @classmethod
    def upcast(cls, state: dict[str, Any], from_version: int) -> dict[str, Any]:
        """Bring a stored payload of an older class version up to date."""
        for version in range(from_version, cls.class_version):
            upcaster = getattr(cls, f"upcast_v{version}_v{version + 1}")
            state = upcaster(state)
        return state
