"""A data use's forensic rows made from its stored payload equal those made from the decoded
event (Art. 36: the record of each use, searchable as it was recorded), and a payload of an
earlier version is still decoded and upcast, never read as it lies (old events always load)."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import orjson
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from hypothesis import given, settings
from hypothesis import strategies as st

from api.read_models import ForensicMapper
from domain.data_uses import DataUseRecorded
from domain.events import Actor
from domain.resources import JoinedCatalog
from domain.vocabulary import AcquisitionMethod, DataUseMark, MediumType, Role
from projections.forensic_rows import DataUseRow, data_use_row, event_row
from projections.stored_uses import StoredPayload, stored_use_rows
from store.forensic_view import USE_ROW_FIELDS
from store.transcoding import OrjsonTranscoder, PydanticMapper

STORING = PydanticMapper(transcoder=OrjsonTranscoder())
READING = ForensicMapper(transcoder=OrjsonTranscoder())

instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)).flatmap(
    lambda naive: st.sampled_from(
        [UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))]
    ).map(lambda zone: naive.replace(tzinfo=zone))
)
ids = st.uuids(version=4)
texts = st.text(min_size=1, max_size=30)


@st.composite
def data_uses(draw: st.DrawFn) -> DataUseRecorded:
    grounded = draw(st.sampled_from(["request", "arrangement", "none"]))
    return DataUseRecorded(
        originator_id=draw(ids),
        originator_version=1,
        timestamp=draw(instants),
        occurred_at=draw(instants),
        actor=Actor(person=draw(texts), department="ZYKF", role=draw(st.sampled_from(Role))),
        command_id=draw(texts),
        share_request_id=draw(ids) if grounded == "request" else None,
        arrangement_id=draw(ids) if grounded == "arrangement" else None,
        resource_id=draw(ids),
        purpose=draw(texts),
        purpose_code=draw(st.none() | texts),
        user_person_id=draw(st.none() | ids),
        approver_person_id=draw(st.none() | ids),
        user_person=draw(st.text(max_size=10)),
        approver=draw(st.text(max_size=10)),
        data_content=draw(texts),
        obtained_at=draw(instants),
        method=draw(st.sampled_from(AcquisitionMethod)),
        medium=draw(st.sampled_from(MediumType)),
        recipient=draw(st.none() | texts),
        department=draw(st.sampled_from(["ZYKF", "SCGL", "a-b"])),
        provider=draw(st.sampled_from(["XXZX", "BGS"])),
        marks=tuple(draw(st.lists(st.sampled_from(DataUseMark), unique=True, max_size=3))),
    )


@settings(max_examples=300, deadline=None)
@given(data_uses(), st.integers(min_value=1, max_value=2**40))
def test_rows_from_the_payload_equal_rows_from_the_event(
    event: DataUseRecorded, position: int
) -> None:
    # Art. 36: the trail must show each use exactly as it was recorded.
    stored = STORING.to_stored_event(event)
    read = READING.to_domain_event(stored)
    assert isinstance(read, StoredPayload)
    row, use = stored_use_rows(read, position)
    assert row == event_row(event, position)
    assert orjson.loads(row.payload) == orjson.loads(event_row(event, position).payload)
    assert use.resource_id == event.resource_id.hex  # the resource's history finds it by this
    assert use == data_use_row(event, position)


def v1_payload(resource_id: UUID) -> dict[str, Any]:
    return {
        "timestamp": "2025-10-10T02:00:00+00:00",
        "occurred_at": "2025-10-10T02:00:00+00:00",
        "actor": {"person": "李静", "department": "ZYKF", "role": "department"},
        "command_id": "old",
        "resource_id": str(resource_id),
        "purpose": "统计",
        "user_person": "王五",
        "approver": "赵六",
        "data_content": "游客量",
        "obtained_at": "2025-10-09T01:00:00+00:00",
        "method": "api",
        "medium": "network",
        "department": "ZYKF",
        "provider": "XXZX",
        "marks": ["third_party"],
    }


def test_an_earlier_versions_payload_is_decoded_and_upcast() -> None:
    # Art. 32, 36: a version-1 use's third-party mark reads as the current one.
    stored = StoredEvent(uuid4(), 1, get_topic(DataUseRecorded), orjson.dumps(v1_payload(uuid4())))
    read = READING.to_domain_event(stored)
    assert isinstance(read, DataUseRecorded)
    assert read.marks == (DataUseMark.THIRD_PARTY_WITHOUT_CONSENT,)
    assert read.user_person_id is None


def test_other_events_are_decoded() -> None:
    # The register folds decoded events (Art. 16, 21): only data uses are left as payloads.
    base = {k: v for k, v in v1_payload(uuid4()).items() if k in BASE_KEYS}
    joined = {"submission_id": str(uuid4()), "department": "ZYKF", "update_cycle": "monthly"}
    stored = StoredEvent(uuid4(), 2, get_topic(JoinedCatalog), orjson.dumps({**base, **joined}))
    assert isinstance(READING.to_domain_event(stored), JoinedCatalog)


def test_the_register_can_still_decode_a_data_use() -> None:
    event = DataUseRecorded.model_validate(
        {**v1_payload(uuid4()), "marks": [], "originator_id": uuid4(), "originator_version": 1}
    )
    stored = STORING.to_stored_event(event)
    assert isinstance(READING.to_domain_event(stored), StoredPayload)
    assert READING.decoded(stored) == event


BASE_KEYS = {"timestamp", "occurred_at", "actor", "command_id"}


def test_the_store_writes_a_use_row_field_by_field() -> None:
    # Art. 36: each of the seven fields lands in its own column, none shifted.
    assert tuple(f.name for f in fields(DataUseRow)) == USE_ROW_FIELDS
