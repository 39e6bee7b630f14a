"""Instants as officials read and ask for them, without I/O: a date asked for is the end of
that day in Asia/Shanghai, a datetime must carry its offset, and every instant shown keeps
its moment while reading +08:00."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.exports import Sheet, as_csv
from api.times import OFFSET_NEEDED, dumps_local, localise_text, parse_instant, parse_instant_from

SHANGHAI_OFFSET = timedelta(hours=8)


def test_a_date_is_the_last_instant_of_that_day_in_shanghai() -> None:
    end = parse_instant("2025-12-31")
    assert end.isoformat() == "2025-12-31T23:59:59.999999+08:00"
    assert parse_instant_from("2025-01-01").isoformat() == "2025-01-01T00:00:00+08:00"


@pytest.mark.parametrize("text", ["2025-12-31T10:00:00", "2025-12-31 10:00"])
def test_a_datetime_without_its_offset_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="offset"):
        parse_instant(text)
    assert "offset" in OFFSET_NEEDED


@pytest.mark.parametrize("text", ["31/12/2025", "2025-13-01", "tomorrow"])
def test_what_is_no_instant_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_instant(text)


def test_an_offset_datetime_is_kept_as_given() -> None:
    assert parse_instant("2025-12-31T16:00:00Z") == datetime(2025, 12, 31, 16, tzinfo=UTC)


instants = st.datetimes(
    min_value=datetime(1992, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).flatmap(
    lambda at: st.integers(-12 * 60, 14 * 60).map(
        lambda minutes: at.astimezone(timezone(timedelta(minutes=minutes)))
    )
)


@given(instants)
def test_every_instant_shown_is_the_same_moment_in_shanghai(at: datetime) -> None:
    body = orjson.loads(dumps_local({"at": at, "text": at.isoformat(), "items": [at]}))
    for shown in (body["at"], body["text"], body["items"][0]):
        moment = datetime.fromisoformat(shown)
        assert moment == at
        assert moment.utcoffset() == SHANGHAI_OFFSET


@given(instants)
def test_an_instant_quoted_in_a_message_reads_in_shanghai(at: datetime) -> None:
    text = localise_text(f"occurred_at {at.isoformat()} is in the future")
    quoted = datetime.fromisoformat(text.split()[1])
    assert quoted == at and quoted.utcoffset() == SHANGHAI_OFFSET


def test_a_csv_sheet_opens_in_excel_as_utf8_with_chinese_cells() -> None:
    sheet = Sheet(
        "表",
        {"name": "名称", "classified": "涉密", "uses": "用途"},
        [{"name": "A级旅游景区名录", "classified": False, "uses": ["行业监管", "统计分析"]}],
    )
    data = as_csv(sheet)
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == [
        "名称,涉密,用途",
        "A级旅游景区名录,否,行业监管、统计分析",
    ]
