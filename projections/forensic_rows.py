"""What the forensic tables keep of one event: its row, and a data use's Art. 36 row.

Text as the tables store it (ids as 32 hex digits, codes as their values); instants stay
datetimes, which the store formats. Made from a decoded event here, and from a data use's
stored payload by projections/stored_uses.py, which must give the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

from domain.data_uses import DataUseRecorded
from domain.events import LedgerEvent

BASE_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "occurred_at", "actor", "command_id"}
)


# Not frozen: a catch-up makes a million of each, and a frozen dataclass's __init__ sets
# each field through object.__setattr__ (three times the cost); nothing changes a row once
# made, and nothing hashes one.
@dataclass(slots=True)
class EventRow:
    """One event as its table keeps it: ids as 32 hex digits, enums as their codes; the
    instant stays a datetime, which the store formats (and sets against recorded_at)."""

    position: int
    occurred_at: datetime
    originator_id: str
    originator_version: int
    event_type: str
    actor_person: str
    actor_department: str
    actor_role: str
    command_id: str
    payload: str  # the event's own fields, as JSON
    # When it was recorded, where the projector read it with the event (a datetime, or
    # the store's text); None: the store reads it.
    recorded_at: datetime | str | None = None


@dataclass(slots=True)
class DataUseRow:
    """One use of shared data with the seven Art. 36 fields, flat for the trail: ids as 32
    hex digits, codes as text, as the table keeps them."""

    position: int
    use_id: str
    resource_id: str
    share_request_id: str | None
    arrangement_id: str | None
    department: str
    provider: str
    user_person: str
    approver: str
    user_person_id: str | None  # the registered persons, where the use names them (Art. 36)
    approver_person_id: str | None
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
        use_id=event.originator_id.hex,
        resource_id=event.resource_id.hex,
        share_request_id=_hex(event.share_request_id),
        arrangement_id=_hex(event.arrangement_id),
        department=event.department,
        provider=event.provider,
        user_person=event.user_person,
        approver=event.approver,
        user_person_id=_hex(event.user_person_id),
        approver_person_id=_hex(event.approver_person_id),
        purpose=event.purpose,
        data_content=event.data_content,
        obtained_at=event.obtained_at,
        method=event.method.value,
        medium=event.medium.value,
        recipient=event.recipient,
        marks=",".join(mark.value for mark in event.marks),
    )


def event_row(
    event: LedgerEvent, position: int, recorded_at: datetime | str | None = None
) -> EventRow:
    return EventRow(
        position=position,
        occurred_at=event.occurred_at,
        originator_id=event.originator_id.hex,
        originator_version=event.originator_version,
        event_type=type(event).__name__,
        actor_person=event.actor.person,
        actor_department=event.actor.department,
        actor_role=event.actor.role.value,
        command_id=event.command_id,
        payload=orjson.dumps(payload_of(event)).decode(),
        recorded_at=recorded_at,
    )


def payload_of(event: LedgerEvent) -> dict[str, Any]:
    return event.model_dump(mode="json", exclude=set(BASE_FIELDS))


def _hex(value: UUID | None) -> str | None:
    return None if value is None else value.hex
