"""A data use's forensic rows straight from its stored payload, without decoding it.

Data uses are nearly every event of a platform's ledger (95% of the bench's million), and
the forensic tables want only their fields as text. Decoding an event validates its
payload into the model, which costs more than making and writing all its rows: the
projector's mapper (api/read_models.py) instead leaves a data use stored at the current
version as its parsed payload, and the rows are made from that here. They equal the rows
made from the decoded event (projections/forensic_rows.py), which tests hold them to; a
payload of an earlier version is decoded (and upcast) as ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.utils import get_topic
from pydantic_core import to_jsonable_python

from domain.data_uses import DataUseRecorded
from projections.forensic_rows import BASE_FIELDS, DataUseRow, EventRow

PAYLOAD_TOPIC = get_topic(DataUseRecorded)  # the one event whose rows come from its payload

_OWN_FIELDS = {
    name: field for name, field in DataUseRecorded.model_fields.items() if name not in BASE_FIELDS
}
# What the model's JSON gives a field the payload lacks (one added since, with a default).
_DEFAULTS = {
    name: to_jsonable_python(field.default)
    for name, field in _OWN_FIELDS.items()
    if not field.is_required()
}
# The fields whose JSON is an instant: stored as orjson writes one, shown as the model's
# JSON does (UTC as "Z", not "+00:00").
_INSTANTS = tuple(
    name
    for name, schema in DataUseRecorded.model_json_schema()["properties"].items()
    if name in _OWN_FIELDS
    and "date-time" in {s.get("format") for s in [schema, *schema.get("anyOf", ())]}
)


@dataclass(frozen=True, slots=True)
class StoredPayload:
    """An event left as its stored payload: the JSON parsed, not validated into a model."""

    originator_id: UUID
    originator_version: int
    topic: str
    state: dict[str, Any]


def stored_use_rows(
    stored: StoredPayload, position: int, recorded_at: datetime | str | None = None
) -> tuple[EventRow, DataUseRow]:
    """The event's row and its Art. 36 row, from a data use's payload."""
    state = stored.state
    payload = {name: state[name] if name in state else _DEFAULTS[name] for name in _OWN_FIELDS}
    for name in _INSTANTS:
        value = payload[name]
        if value is not None and value.endswith("+00:00"):
            payload[name] = value[:-6] + "Z"
    actor = state["actor"]
    use_id = stored.originator_id.hex
    resource_id = payload["resource_id"].replace("-", "")  # required: never null
    event = EventRow(
        position=position,
        occurred_at=datetime.fromisoformat(state["occurred_at"]),
        originator_id=use_id,
        originator_version=stored.originator_version,
        event_type=DataUseRecorded.__name__,
        actor_person=actor["person"],
        actor_department=actor["department"],
        actor_role=actor["role"],
        command_id=state["command_id"],
        payload=orjson.dumps(payload).decode(),
        recorded_at=recorded_at,
    )
    use = DataUseRow(
        position=position,
        use_id=use_id,
        resource_id=resource_id,
        share_request_id=_hex(payload["share_request_id"]),
        arrangement_id=_hex(payload["arrangement_id"]),
        department=payload["department"],
        provider=payload["provider"],
        user_person=payload["user_person"],
        approver=payload["approver"],
        user_person_id=_hex(payload["user_person_id"]),
        approver_person_id=_hex(payload["approver_person_id"]),
        purpose=payload["purpose"],
        data_content=payload["data_content"],
        obtained_at=datetime.fromisoformat(state["obtained_at"]),
        method=payload["method"],
        medium=payload["medium"],
        recipient=payload["recipient"],
        marks=",".join(payload["marks"]),
    )
    return event, use


def _hex(text: str | None) -> str | None:
    """A UUID as the JSON writes it (lower case, hyphenated) as 32 hex digits."""
    return None if text is None else text.replace("-", "")
