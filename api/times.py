"""Times as the people served read them: Asia/Shanghai (+08:00) in every response, and an
instant asked for as a date or as a datetime with its offset, never a guess at a zone."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any

import orjson
from fastapi.responses import JSONResponse
from pydantic import BeforeValidator, WithJsonSchema

from api.limits import BoundedInstant
from domain.calendar import SHANGHAI

_ISO_INSTANT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})\Z"
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")

OFFSET_NEEDED = "a datetime needs its offset (+08:00 or Z), or give a date such as 2025-12-31"
NOT_AN_INSTANT = "give a date such as 2025-12-31 or a datetime with its offset"


def in_shanghai(value: datetime) -> datetime:
    return value.astimezone(SHANGHAI)


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Asia/Shanghai: a report "at 2025-12-31" includes the
    whole of that day as it is lived in Jilin."""
    return datetime.combine(day, time.max, tzinfo=SHANGHAI)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def _instant(value: Any, on_date: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(OFFSET_NEEDED)
        return value
    if isinstance(value, date):
        return on_date(value)
    if not isinstance(value, str):
        return value
    text = value.strip()
    if _ISO_DATE.match(text):
        try:
            return on_date(date.fromisoformat(text))
        except ValueError:
            raise ValueError(NOT_AN_INSTANT) from None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(NOT_AN_INSTANT) from None
    if parsed.tzinfo is None:
        raise ValueError(OFFSET_NEEDED)
    return parsed


def parse_instant(value: Any) -> Any:
    """A date is the end of that day in Asia/Shanghai; a datetime must carry its offset."""
    return _instant(value, end_of_day)


def parse_instant_from(value: Any) -> Any:
    """As ``parse_instant``, but a date is where a range starts: 00:00 of that day."""
    return _instant(value, start_of_day)


_SCHEMA = {
    "type": "string",
    "anyOf": [{"format": "date"}, {"format": "date-time"}],
    "examples": ["2025-12-31", "2025-12-31T17:00:00+08:00"],
}

InstantParam = Annotated[BoundedInstant, BeforeValidator(parse_instant), WithJsonSchema(_SCHEMA)]
"""An instant asked for: ``2025-12-31`` (its end, Asia/Shanghai) or an offset datetime."""

InstantFromParam = Annotated[
    BoundedInstant, BeforeValidator(parse_instant_from), WithJsonSchema(_SCHEMA)
]
"""The start of a range: ``2025-01-01`` is 00:00 of that day, Asia/Shanghai."""


def localise(value: Any) -> Any:
    """Every time in a body as Asia/Shanghai: datetimes, and strings that are instants."""
    if isinstance(value, datetime):
        return in_shanghai(value) if value.tzinfo is not None else value
    if isinstance(value, str):
        if len(value) >= 16 and _ISO_INSTANT.match(value):
            try:
                return in_shanghai(datetime.fromisoformat(value)).isoformat()
            except ValueError:
                return value
        return value
    if isinstance(value, dict):
        return {key: localise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [localise(item) for item in value]
    return value


# A JSON string that is an instant with its offset, as orjson writes datetimes and as the
# ledger's rows carry them.
_JSON_INSTANT = re.compile(
    rb'"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2}))"'
)


def _json_in_shanghai(match: re.Match[bytes]) -> bytes:
    value = datetime.fromisoformat(match.group(1).decode())
    return b'"' + in_shanghai(value).isoformat().encode() + b'"'


def dumps_local(value: Any) -> bytes:
    """``value`` as JSON with every instant in Asia/Shanghai: one pass of a compiled pattern
    over the encoded bytes, so a large report costs little more than its encoding."""
    encoded = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    return _JSON_INSTANT.sub(_json_in_shanghai, encoded)


_TEXT_INSTANT = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})"
)


def localise_text(text: str) -> str:
    """A message with the instants it quotes in Asia/Shanghai, as the reader lives them."""
    return _TEXT_INSTANT.sub(
        lambda m: in_shanghai(datetime.fromisoformat(m.group(0))).isoformat(), text
    )


class LocalJSONResponse(JSONResponse):
    """JSON whose times are in Asia/Shanghai, whatever the route built them from."""

    def render(self, content: Any) -> bytes:
        return dumps_local(content)
