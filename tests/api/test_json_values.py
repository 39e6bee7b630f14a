"""A command's answer and a request's fingerprint are jsonable_encoder's values, however
they are reached: a receipt kept before a faster encoding must still match a retry."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from fastapi.encoders import jsonable_encoder

from api.answers import json_values
from domain.vocabulary import DataUseMark, ShareType


def test_the_same_values_as_jsonable_encoder() -> None:
    cases = [
        {"id": uuid4(), "version": 3, "marks": ["no_grant"], "violation": True, "x": None},
        {"nested": [1, 2.5, {"at": datetime(2025, 6, 3, 10, 30, tzinfo=UTC)}, (1, "a")]},
        {"kind": ShareType.UNCONDITIONAL, "mark": DataUseMark.NO_GRANT, "day": date(2025, 1, 2)},
        {"_sa_state": 1, "kept": "yes"},  # jsonable_encoder leaves out SQLAlchemy's keys
        {1: "a key that is no text"},
        [{"a": {"b": [uuid4()]}}],
        "名称、等级",
    ]
    for value in cases:
        assert json_values(value) == jsonable_encoder(value)
