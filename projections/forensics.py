"""What investigators search, extracted from each event: who, when (both times), about what.

Pure functions from a domain event to rows, and the projection that hands them, a batch
at a time (projections/write_behind.py), to the forensic tables: the SQL that keeps them
is in store/forensic_view.py, kept exactly once by the library's projection runner
(api/read_models.py starts it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.data_uses import DataUseRecorded
from domain.events import LedgerEvent
from projections.write_behind import WriteBehind

if TYPE_CHECKING:
    # The tables' type only: the store is a layer below, and the projection only writes
    # to the view the runner gives it.
    from store.forensic_view import EventRows, ForensicView


BASE_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "occurred_at", "actor", "command_id"}
)
# Fields that name a resource, wherever an event keeps them.
RESOURCE_FIELDS = ("resource_id", "unique_source_resource_id")
RESOURCE_LIST_FIELDS = ("resource_ids",)


@dataclass(frozen=True)
class EventRow:
    position: int
    occurred_at: datetime
    originator_id: UUID
    originator_version: int
    event_type: str
    actor_person: str
    actor_department: str
    actor_role: str
    command_id: str
    payload: str  # the event's own fields, as JSON


@dataclass(frozen=True)
class DataUseRow:
    """One use of shared data with the seven Art. 36 fields, flat for the trail."""

    position: int
    use_id: UUID
    resource_id: UUID
    share_request_id: UUID | None
    arrangement_id: UUID | None
    department: str
    provider: str
    user_person: str
    approver: str
    user_person_id: UUID | None  # the registered persons, where the use names them (Art. 36)
    approver_person_id: UUID | None
    purpose: str
    data_content: str
    obtained_at: datetime
    method: str
    medium: str
    recipient: str | None
    marks: str  # comma-separated DataUseMark codes; empty when the use keeps the rules


def data_use_row(event: DataUseRecorded, position: int) -> DataUseRow:
    return DataUseRow(
        position=position,
        use_id=event.originator_id,
        resource_id=event.resource_id,
        share_request_id=event.share_request_id,
        arrangement_id=event.arrangement_id,
        department=event.department,
        provider=event.provider,
        user_person=event.user_person,
        approver=event.approver,
        user_person_id=event.user_person_id,
        approver_person_id=event.approver_person_id,
        purpose=event.purpose,
        data_content=event.data_content,
        obtained_at=event.obtained_at,
        method=event.method.value,
        medium=event.medium.value,
        recipient=event.recipient,
        marks=",".join(mark.value for mark in event.marks),
    )


def event_row(event: LedgerEvent, position: int) -> EventRow:
    return EventRow(
        position=position,
        occurred_at=event.occurred_at,
        originator_id=event.originator_id,
        originator_version=event.originator_version,
        event_type=type(event).__name__,
        actor_person=event.actor.person,
        actor_department=event.actor.department,
        actor_role=event.actor.role.value,
        command_id=event.command_id,
        payload=orjson.dumps(payload_of(event)).decode(),
    )


def payload_of(event: LedgerEvent) -> dict[str, Any]:
    return event.model_dump(mode="json", exclude=set(BASE_FIELDS))


def referenced_resources(event: LedgerEvent) -> set[UUID]:
    """Every resource the event names (a request, a use, a submission, a conflict). A
    resource's own events are found by their originator id instead."""
    return set(_named_resources(event.model_dump()))


def _named_resources(data: Any) -> Iterator[UUID]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in RESOURCE_FIELDS and isinstance(value, UUID):
                yield value
            elif key in RESOURCE_LIST_FIELDS and isinstance(value, list | tuple):
                yield from (item for item in value if isinstance(item, UUID))
            else:
                yield from _named_resources(value)
    elif isinstance(data, list | tuple):
        for item in data:
            yield from _named_resources(item)


class ForensicProjection(Projection["ForensicView"]):
    """Every event's rows, held and written a batch at a time with the last event's
    tracking position (exactly once: a batch is written whole or not at all)."""

    # Its settings' prefix and its tracking table's name; the store's view names the
    # same table (store/forensic_view.PROJECTION_NAME, tests/replays check they agree).
    name = "forensics"
    topics = ()

    def __init__(self, view: ForensicView) -> None:
        super().__init__(view)
        self.batches: WriteBehind[EventRows] = WriteBehind(view.record_batch)

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        event: LedgerEvent = domain_event
        position = tracking.notification_id
        refs = sorted(referenced_resources(event), key=str)
        use = data_use_row(event, position) if isinstance(event, DataUseRecorded) else None
        self.batches.add(tracking, (event_row(event, position), refs, use))
