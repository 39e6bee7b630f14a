"""How domain events become stored bytes, and back: pydantic events, orjson bytes.

The payload omits ``originator_id`` and ``originator_version`` (the recorder
keeps them in their own columns) and carries ``class_version`` only above 1,
so that old payloads can be upcast on read (see ``LedgerEvent.upcast``).
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic

from domain.events import LedgerEvent


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


class PydanticMapper(Mapper):
    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        event: LedgerEvent = domain_event
        state = event.model_dump(exclude={"originator_id", "originator_version"})
        if event.class_version > 1:
            state["class_version"] = event.class_version
        return StoredEvent(
            originator_id=event.originator_id,
            originator_version=event.originator_version,
            topic=get_topic(type(event)),
            state=self.transcoder.encode(state),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return self.from_payload(stored_event, self.transcoder.decode(stored_event.state))

    def from_payload(self, stored_event: StoredEvent, state: dict[str, Any]) -> Any:
        """The event from its payload already decoded (a replay may look at it first)."""
        cls: type[LedgerEvent] = resolve_topic(stored_event.topic)
        stored_version = state.pop("class_version", 1)
        if stored_version < cls.class_version:
            state = cls.upcast(state, stored_version)
        return cls(
            originator_id=stored_event.originator_id,
            originator_version=stored_event.originator_version,
            **state,
        )
