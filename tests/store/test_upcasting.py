"""Payloads written by the previous build still load: every event whose shape changed is
upcast on read, never rewritten (Art. 13, 24(2), 30, 36, 39)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import orjson
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from domain.catalog import CatalogApproved
from domain.consistency import ConsistencyCheckRecorded
from domain.data_uses import DataUseRecorded
from domain.principals import PrincipalRegistered
from domain.resources import JoinedCatalog
from domain.vocabulary import DataUseMark
from store.transcoding import OrjsonTranscoder, PydanticMapper

BASE = {
    "timestamp": "2025-10-10T02:00:00+00:00",
    "occurred_at": "2025-10-10T02:00:00+00:00",
    "actor": {"person": "李静", "department": "BGS", "role": "office"},
    "command_id": "old",
}
MAPPER = PydanticMapper(transcoder=OrjsonTranscoder())


def load(cls: type[Any], payload: dict[str, Any]) -> Any:
    stored = StoredEvent(uuid4(), 2, get_topic(cls), orjson.dumps({**BASE, **payload}))
    return MAPPER.to_domain_event(stored)


@pytest.mark.parametrize(
    ("cls", "payload", "expected"),
    [
        (CatalogApproved, {}, {"basic_data_kinds": {}}),
        (
            JoinedCatalog,
            {"submission_id": str(uuid4()), "department": "ZYKF", "update_cycle": "monthly"},
            {"basic_data_kind": None, "basic_data_confirmed": False},
        ),
        (
            ConsistencyCheckRecorded,
            {"department": "BGS", "system_id": str(uuid4()), "year": 2024, "differences": []},
            {"system_department": None, "recommendations": ()},
        ),
        (
            PrincipalRegistered,
            {"name": "李静", "department": "BGS", "role": "office", "token_hash": "00"},
            {"person_id": None},
        ),
    ],
)
def test_an_old_payload_is_upcast_on_read(
    cls: type[Any], payload: dict[str, Any], expected: dict[str, Any]
) -> None:
    event = load(cls, payload)
    assert isinstance(event, cls) and cls.class_version == 2
    assert {name: getattr(event, name) for name in expected} == expected


def test_an_old_data_use_keeps_its_names_and_its_third_party_mark__art32_36() -> None:
    event = load(
        DataUseRecorded,
        {
            "share_request_id": None,
            "arrangement_id": None,
            "resource_id": str(uuid4()),
            "purpose": "统计分析",
            "user_person": "张立新",
            "approver": "张立新",
            "data_content": "名称",
            "obtained_at": "2025-10-10T01:00:00+00:00",
            "method": "api",
            "medium": "network",
            "recipient": "某公司",
            "department": "SCGL",
            "provider": "ZYKF",
            "marks": ["third_party"],
        },
    )
    assert (event.user_person, event.user_person_id, event.purpose_code) == ("张立新", None, None)
    assert event.marks == (DataUseMark.THIRD_PARTY_WITHOUT_CONSENT,)
    # Written again, it says which version it is, so it is never upcast twice.
    assert orjson.loads(MAPPER.to_stored_event(event).state)["class_version"] == 2
