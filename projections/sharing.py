"""One share request, arrangement or data use at an instant: a fold of that object's events.

The fold is the domain's own (``domain.object_at``: ``event.mutate`` over the events that
occurred by the instant, as ``replays.asof.replay_object`` feeds it), so a request read
"at T as known at K" is exactly the request the ledger would have decided commands
against then.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar
from uuid import UUID

from domain.aggregate import AggregateState
from domain.arrangements import ArrangementEvent, TimeSensitiveArrangement
from domain.data_uses import DataUse, DataUseRecorded, ThirdPartyConsented
from domain.events import LedgerEvent
from domain.object_at import mutated
from domain.share_requests import ShareRequest, ShareRequestEvent
from projections.base import Meta, topics_of

T = TypeVar("T", bound=AggregateState)


class OneObject(Generic[T]):
    """Folds the events of ``object_id`` only; its name carries the id, so a saved fold of
    one object is never taken for another's. The state is None until the object exists."""

    version = "1"
    state_type: Any  # ``T | None``, for the replay's saved folds

    def __init__(self, object_id: UUID, kind: str, *classes: type[LedgerEvent]) -> None:
        self.object_id = object_id
        self.name = f"{kind}:{object_id}"
        self.topics = topics_of(*classes)

    def initial(self) -> T | None:
        return None

    def apply(self, state: T | None, event: LedgerEvent, meta: Meta) -> T | None:
        if event.originator_id != self.object_id:
            return state
        changed: T = mutated(state, event)
        return changed


class OneShareRequest(OneObject[ShareRequest]):
    state_type = ShareRequest | None

    def __init__(self, request_id: UUID) -> None:
        super().__init__(request_id, "share-request", ShareRequestEvent)


class OneArrangement(OneObject[TimeSensitiveArrangement]):
    state_type = TimeSensitiveArrangement | None

    def __init__(self, arrangement_id: UUID) -> None:
        super().__init__(arrangement_id, "arrangement", ArrangementEvent)


class OneDataUse(OneObject[DataUse]):
    state_type = DataUse | None

    def __init__(self, use_id: UUID) -> None:
        super().__init__(use_id, "data-use", DataUseRecorded, ThirdPartyConsented)
